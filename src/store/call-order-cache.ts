/**
 * The full ordered answer of recent deep call-list queries on finished
 * captures (sqlite-call-list.ts `callPage`), so that scrolling through a big
 * sorted list costs a lookup per page instead of a sort.
 *
 * Why: a page far down a sorted list (`LIMIT 200 OFFSET 100000`) makes
 * SQLite sort every matching call to skip the first 100,000; on 200,000
 * calls sorted by a column of many values (duration, PDD) that took ~150 ms
 * a page, and the web UI asks for a page of 200 at each new scroll
 * position. The first deep page now reads the query's whole order of call
 * ids once (~120 ms there, about what one deep page cost; ~110 ms against
 * ~70 when the sort column has a single value), every further page of the
 * same query is a slice of it and a lookup of its rows by id (~1 ms). A
 * shallow page (the first screens) still asks SQLite for just its rows:
 * that is ~30 ms and needs no memory. The number of matches, which every
 * page reports and which cost a scan of its own (~45 ms with a method
 * filter), is kept per filter: a new page or a new sort of the same filter
 * skips it.
 *
 * Since the writer sorts a capture's call list ahead when its analysis ends
 * (call-orders.ts, sqlite-call-orders.ts: every sort key's order stored,
 * a first deep page ~10-25 ms), this cache serves what that does not: pages
 * with a search (`q`), and ready captures without stored orders (analysed
 * by an older sipscope, a stopped live capture, more than
 * MAX_ORDERED_CALLS calls).
 *
 * Only for captures whose analysis is over (status ready): their calls never
 * change. Opening a writer on a capture or deleting it forgets its lists
 * (capture numbers can be reused).
 * Memory: 4 bytes a call per list, at most `maxCalls` calls over all lists
 * (default 4,000,000: 16 MB), the least recently used dropped first.
 */

/** One query's matches (call ids), in its order. */
export interface CallOrder {
  readonly cap: number;
  readonly ids: Int32Array;
}

/** Counts kept (a few dozen bytes each). */
const MAX_COUNTS = 256;

export interface CallOrderOptions {
  /** Calls held over all orders (default 4,000,000). */
  maxCalls?: number;
  /** Pages whose end is past this many calls are answered from a cached order (default 5,000). */
  deepPage?: number;
}

export class CallOrderCache {
  readonly deepPage: number;
  private readonly maxCalls: number;
  /** By query key, least recently used first (Map order). */
  private readonly orders = new Map<string, CallOrder>();
  /** Matches of a query's filters whatever its sort and page (the `count(*)` each page needs), by key. */
  private readonly counts = new Map<string, { cap: number; total: number }>();
  private calls = 0;

  constructor(o: CallOrderOptions = {}) {
    this.maxCalls = o.maxCalls ?? 4_000_000;
    this.deepPage = o.deepPage ?? 5_000;
  }

  /** The order cached for `key`, marked as just used. */
  get(key: string): CallOrder | undefined {
    const o = this.orders.get(key);
    if (o !== undefined) {
      this.orders.delete(key);
      this.orders.set(key, o);
    }
    return o;
  }

  /** Keeps `o` for `key`, dropping the least recently used orders past the budget (`o` itself when bigger). */
  set(key: string, o: CallOrder): void {
    this.drop(key);
    if (o.ids.length > this.maxCalls) return;
    this.orders.set(key, o);
    this.calls += o.ids.length;
    for (const [k, old] of this.orders) {
      if (this.calls <= this.maxCalls) break;
      this.orders.delete(k);
      this.calls -= old.ids.length;
    }
  }

  /** The number of matches cached for a query's filters (`key`), marked as just used. */
  count(key: string): number | undefined {
    const c = this.counts.get(key);
    if (c === undefined) return undefined;
    this.counts.delete(key);
    this.counts.set(key, c);
    return c.total;
  }

  /** Keeps the number of matches of a query's filters; the least recently used of MAX_COUNTS go first. */
  setCount(key: string, cap: number, total: number): void {
    this.counts.delete(key);
    this.counts.set(key, { cap, total });
    if (this.counts.size > MAX_COUNTS) this.counts.delete(this.counts.keys().next().value!);
  }

  /** Forgets every order and count of capture `cap`. */
  forget(cap: number): void {
    for (const [k, o] of this.orders) if (o.cap === cap) this.drop(k);
    for (const [k, c] of this.counts) if (c.cap === cap) this.counts.delete(k);
  }

  /** Calls held over all orders (for tests). */
  get size(): number {
    return this.calls;
  }

  private drop(key: string): void {
    const o = this.orders.get(key);
    if (o === undefined) return;
    this.orders.delete(key);
    this.calls -= o.ids.length;
  }
}
