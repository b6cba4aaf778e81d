/**
 * The call lists sorted ahead (call-orders.ts) in the database: the writer
 * builds them in the transaction that makes a capture ready; the store's
 * call-list queries of ready captures without `q` read them.
 *
 * - call_facets: one row per capture, the call ids and the filters' columns;
 * - call_orders: one row per capture and sort key, the positions in order.
 *
 * Blobs hold typed arrays in little-endian byte order (a big-endian machine
 * neither writes nor reads them: its queries take the SQL path). A capture
 * without them (analysed before they existed, past MAX_ORDERED_CALLS, live,
 * or still being analysed) is answered by SQL (sqlite-call-list.ts); a
 * trigger deletes them when the capture's status leaves `ready`.
 *
 * Reading the calls back costs one aggregate over the capture's rows of
 * `calls` (a JS function called per row: a third of what returning the
 * rows costs).
 */
import { endianness } from 'node:os';
import type Database from 'better-sqlite3';
import {
  CallColumns,
  type CallColumnValues,
  type Coded,
  facetsFor,
  orderedPage,
  type SomeFacets,
  type SortOrder,
} from './call-orders.js';
import { CALL_SORT_KEYS, type CallQuery, type CallSortKey } from './call-query.js';

/** Captures with more calls are not sorted ahead: what the writer thread holds while it sorts is bounded. */
export const MAX_ORDERED_CALLS = 500_000;

/**
 * What is kept in memory of the captures last listed, in calls: their facets
 * (~10 bytes a call) and the orders read (~4 bytes a call each). Past it the
 * least recently listed captures are forgotten (default: 40 MB at most).
 */
export const KEPT_CALLS = 4_000_000;

const LITTLE_ENDIAN = endianness() === 'LE';

const blob = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Codes in as few bytes as their values need. */
function codesBlob(c: Coded): Buffer {
  const n = c.values.length;
  return blob(n <= 0x100 ? Uint8Array.from(c.codes) : n <= 0x10000 ? Uint16Array.from(c.codes) : c.codes);
}

/** A copy of a blob of 4-byte integers, or undefined when its length is not `count` of them. */
function int32s(b: Buffer, count: number): Int32Array | undefined {
  if (b.byteLength !== count * 4) return undefined;
  const out = new Int32Array(count);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** The codes of `count` calls into `values`, or undefined when the blob does not hold that. */
function readCodes(b: Buffer, count: number, valuesJson: string): Coded | undefined {
  const values = JSON.parse(valuesJson) as unknown;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
  const width = values.length <= 0x100 ? 1 : values.length <= 0x10000 ? 2 : 4;
  if (b.byteLength !== count * width) return undefined;
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  const codes =
    width === 1
      ? new Int32Array(copy)
      : width === 2
        ? new Int32Array(new Uint16Array(copy.buffer))
        : new Int32Array(copy.buffer);
  for (let i = 0; i < count; i++) if (codes[i] >= values.length) return undefined;
  return { values: values as string[], codes };
}

/** The facet columns, each as its values' JSON and its codes. */
const CODED = {
  kind: ['kinds', 'kind'],
  state: ['states', 'state'],
  methods: ['methods', 'method'],
} as const;

interface Kept {
  stamp: string | null;
  /** The ids, and the other facets as queries needed them. */
  facets: SomeFacets;
  /** The orders read so far. */
  orders: Map<CallSortKey, SortOrder>;
  /** Calls counted against the budget: once for each facet and order held. */
  held: number;
}

export class SqliteCallOrders {
  private collecting: CallColumns | undefined;
  private readonly st;
  /** What is read of recent captures, by capture number, least recently used first; `stamp`: its analysed_at. */
  private readonly kept = new Map<number, Kept>();
  /** Calls of the facets and orders kept (a capture's calls count once for its facets, once per order). */
  private keptCalls = 0;

  /** `keptCalls`: what is kept in memory, in calls (KEPT_CALLS). */
  constructor(
    db: Database.Database,
    private readonly keptBudget = KEPT_CALLS,
  ) {
    db.aggregate('sipscope_call_columns', {
      start: null,
      varargs: true,
      step: (_acc: unknown, ...v: unknown[]) => {
        this.collecting?.add(v as CallColumnValues);
      },
    });
    this.st = {
      count: db.prepare('SELECT count(*) FROM calls WHERE cap = ?').pluck(),
      collect: db.prepare(
        `SELECT sipscope_call_columns(id, kind, state, start, from_l, to_l, duration_ms, pdd_ms, setup_ms,
           msg_count, finding_count, methods) FROM calls WHERE cap = ?`,
      ),
      facets: db.prepare(
        `INSERT OR REPLACE INTO call_facets (cap, ids, kinds, kind, states, state, methods, method, findings)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      order: db.prepare(
        'INSERT OR REPLACE INTO call_orders (cap, sort, positions, ties, nulls) VALUES (?, ?, ?, ?, ?)',
      ),
      readIds: db.prepare('SELECT ids FROM call_facets WHERE cap = ?').pluck(),
      readCoded: Object.fromEntries(
        Object.entries(CODED).map(([k, [values, codes]]) => [
          k,
          db.prepare(`SELECT ${values} AS v, ${codes} AS c FROM call_facets WHERE cap = ?`),
        ]),
      ) as Record<keyof typeof CODED, Database.Statement>,
      readFindings: db.prepare('SELECT findings FROM call_facets WHERE cap = ?').pluck(),
      readOrder: db.prepare('SELECT positions, ties, nulls FROM call_orders WHERE cap = ? AND sort = ?'),
      dropFacets: db.prepare('DELETE FROM call_facets WHERE cap = ?'),
      dropOrders: db.prepare('DELETE FROM call_orders WHERE cap = ?'),
    };
  }

  /**
   * Sorts capture `cap`'s calls ahead and stores the result (run it inside
   * the transaction that makes the capture ready). False when they are not
   * (too many calls or too much distinct text, or a big-endian machine).
   */
  write(cap: number): boolean {
    this.drop(cap);
    const n = this.st.count.get(cap) as number;
    if (!LITTLE_ENDIAN || n > MAX_ORDERED_CALLS) return false;
    const cols = new CallColumns(n);
    this.collecting = cols;
    try {
      this.st.collect.get(cap);
    } finally {
      this.collecting = undefined;
    }
    if (cols.full || cols.size !== n) return false;
    const { facets: f, order } = cols.build();
    this.st.facets.run(
      cap,
      blob(f.ids),
      JSON.stringify(f.kind.values),
      codesBlob(f.kind),
      JSON.stringify(f.state.values),
      codesBlob(f.state),
      JSON.stringify(f.methods.values),
      codesBlob(f.methods),
      blob(f.findings),
    );
    for (const key of CALL_SORT_KEYS) {
      const o = order(key);
      this.st.order.run(cap, key, blob(o.positions), blob(o.ties), o.nulls);
    }
    return true;
  }

  /** Deletes what capture `cap` has stored, and forgets what is kept of it. */
  drop(cap: number): void {
    this.st.dropFacets.run(cap);
    this.st.dropOrders.run(cap);
    this.forget(cap);
  }

  /** Forgets what is kept in memory of capture `cap`. */
  forget(cap: number): void {
    const k = this.kept.get(cap);
    if (k === undefined) return;
    this.kept.delete(cap);
    this.keptCalls -= k.held;
  }

  /** Calls held in memory (for tests). */
  get heldCalls(): number {
    return this.keptCalls;
  }

  /**
   * The total and page ids of a query without `q` on ready capture `cap`
   * analysed at `stamp`, or undefined when it has no stored orders. Reads
   * what the query needs that is not kept: the ids, its filters' facets and
   * its sort key's order.
   */
  page(cap: number, stamp: string | null, query: CallQuery): { total: number; ids: number[] } | undefined {
    if (!LITTLE_ENDIAN) return undefined;
    const k = this.read(cap, stamp);
    if (k === undefined) return undefined;
    const n = k.facets.ids.length;
    for (const name of facetsFor(query)) {
      if (k.facets[name] !== undefined) continue;
      if (name === 'findings') {
        const b = this.st.readFindings.get(cap) as Buffer | undefined;
        if (b === undefined || b.byteLength !== n) return undefined;
        const findings = new Uint8Array(b);
        for (let i = 0; i < n; i++) if (findings[i] > 1) return undefined;
        k.facets.findings = findings;
      } else {
        const r = this.st.readCoded[name].get(cap) as { v: string; c: Buffer } | undefined;
        const coded = r && readCodes(r.c, n, r.v);
        if (coded === undefined) return undefined;
        k.facets[name] = coded;
      }
      this.hold(k, n);
    }
    const key = query.sort ?? 'start';
    let o = k.orders.get(key);
    if (o === undefined) {
      o = this.order(cap, key, n);
      if (o === undefined) return undefined;
      k.orders.set(key, o);
      this.hold(k, n);
    }
    return orderedPage(k.facets, o, query);
  }

  /** What is kept of capture `cap` as analysed at `stamp`; its ids read when it is not. */
  private read(cap: number, stamp: string | null): Kept | undefined {
    const k = this.kept.get(cap);
    if (k !== undefined && k.stamp === stamp) {
      this.kept.delete(cap);
      this.kept.set(cap, k);
      return k;
    }
    this.forget(cap);
    const b = this.st.readIds.get(cap) as Buffer | undefined;
    const ids = b && int32s(b, b.byteLength / 4);
    if (ids === undefined) return undefined;
    const fresh: Kept = { stamp, facets: { ids }, orders: new Map(), held: 0 };
    this.kept.set(cap, fresh);
    this.hold(fresh, ids.length);
    return fresh;
  }

  /** Counts `calls` more held for `k`, then forgets the least recently listed captures past the budget, never the last one. */
  private hold(k: Kept, calls: number): void {
    k.held += calls;
    this.keptCalls += calls;
    for (const cap of this.kept.keys()) {
      if (this.keptCalls <= this.keptBudget || this.kept.size <= 1) break;
      this.forget(cap);
    }
  }

  private order(cap: number, key: CallSortKey, n: number): SortOrder | undefined {
    const r = this.st.readOrder.get(cap, key) as
      | { positions: Buffer; ties: Buffer; nulls: number }
      | undefined;
    if (r === undefined || r.ties.byteLength !== (n + 7) >> 3 || r.nulls < 0 || r.nulls > n) return undefined;
    // Each position is checked where the page reads it (call-orders.ts orderedPage).
    const positions = int32s(r.positions, n);
    return positions && { positions, ties: new Uint8Array(r.ties), nulls: r.nulls };
  }
}
