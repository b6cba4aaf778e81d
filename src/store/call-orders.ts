/**
 * The call list of a finished capture, sorted ahead: built once from its
 * calls' list columns when its analysis ends (sqlite-call-orders.ts stores
 * it), so that any page of a query without `q` is a walk of one stored
 * order instead of a sort of every call.
 *
 * - Positions: a call's index in the capture's call ids, ascending.
 * - Facets: what the filters read, per position: kind, state and methods
 *   column as codes into their distinct values, and whether the call has
 *   findings.
 * - One order per sort key: the positions by the key ascending, nulls last,
 *   ties by id ascending (sqlite-call-list.ts's ORDER BY), with a bit per
 *   place saying "same value as the place before". Descending is not the
 *   reverse (nulls stay last, ties stay by id ascending): it is the groups of
 *   equal values taken from the last to the first, each in its own order.
 *
 * Strings are ordered by code point, as SQLite's BINARY collation orders
 * their UTF-8 bytes, so the two paths give the same pages.
 */
import { type Coded, numberOrder, type SortOrder, textOrder } from './call-order-sort.js';
import type { CallQuery, CallSortKey, ListFilter } from './call-query.js';
import { pageOf } from './call-query.js';
import { methodToken } from './sqlite-rows.js';

export { type Coded, compareCodePoints, type SortOrder } from './call-order-sort.js';

/** What the filters read, by position. */
export interface CallFacets {
  /** Call ids ascending: a call's position is its index here. */
  ids: Int32Array;
  kind: Coded;
  state: Coded;
  /** The `methods` column (`,invite,ack,`). */
  methods: Coded;
  /** 1 where the call has findings. */
  findings: Uint8Array;
}

/** Facets as read for one query: the ids, and the columns its filters look at (`facetsFor`). */
export type SomeFacets = Pick<CallFacets, 'ids'> & Partial<CallFacets>;

/** The facets a query's filters read. */
export function facetsFor(query: CallQuery): Array<'kind' | 'state' | 'methods' | 'findings'> {
  const out: Array<'kind' | 'state' | 'methods' | 'findings'> = [];
  if (query.kind !== undefined) out.push('kind');
  if (query.state !== undefined) out.push('state');
  if (query.method !== undefined) out.push('methods');
  if (query.hasFindings !== undefined) out.push('findings');
  return out;
}

/** The list columns of one call, as the `calls` table holds them. */
export type CallColumnValues = [
  id: number,
  kind: string,
  state: string,
  start: number | null,
  from: string | null,
  to: string | null,
  durationMs: number | null,
  pddMs: number | null,
  setupMs: number | null,
  messages: number,
  findings: number,
  methods: string,
];

const TEXT_KEYS = ['kind', 'state', 'from', 'to', 'methods'] as const;
const NUMBER_KEYS = ['start', 'durationMs', 'pddMs', 'setupMs', 'messages', 'findings'] as const;
type TextKey = (typeof TEXT_KEYS)[number];
type NumberKey = (typeof NUMBER_KEYS)[number];

/**
 * What the builder holds of distinct strings over all text columns before it
 * gives up (From and To can be different in every call): their number and
 * their characters. ~40 MB at most with the Map that finds them.
 */
export const DISTINCT_TEXT_LIMITS = { strings: 400_000, chars: 8_000_000 };

class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  code(s: string | null): number {
    if (s === null) return -1;
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(s);
      this.index.set(s, c);
    }
    return c;
  }
}

/**
 * Collects the list columns of a capture's calls, in any order, into typed
 * arrays sized for `capacity` calls; `build` sorts them. Gives up (`full`)
 * past `capacity` calls or the limits of distinct strings.
 */
export class CallColumns {
  private n = 0;
  private strings = 0;
  private chars = 0;
  private overflow = false;
  private readonly ids: Int32Array;
  private readonly dicts = {} as Record<TextKey, Dictionary>;
  private readonly codes = {} as Record<TextKey, Int32Array>;
  private readonly numbers = {} as Record<NumberKey, Float64Array>;

  constructor(
    readonly capacity: number,
    private readonly limits = DISTINCT_TEXT_LIMITS,
  ) {
    this.ids = new Int32Array(capacity);
    for (const k of TEXT_KEYS) {
      this.dicts[k] = new Dictionary();
      this.codes[k] = new Int32Array(capacity);
    }
    for (const k of NUMBER_KEYS) this.numbers[k] = new Float64Array(capacity);
  }

  /** True once a call did not fit: the orders cannot be built. */
  get full(): boolean {
    return this.overflow;
  }

  get size(): number {
    return this.n;
  }

  add(v: CallColumnValues): void {
    if (this.overflow) return;
    if (this.n >= this.capacity || !Number.isInteger(v[0])) {
      this.overflow = true;
      return;
    }
    const p = this.n++;
    this.ids[p] = v[0];
    this.setText('kind', p, v[1]);
    this.setText('state', p, v[2]);
    this.setText('from', p, v[4]);
    this.setText('to', p, v[5]);
    this.setText('methods', p, v[11]);
    if (this.strings > this.limits.strings || this.chars > this.limits.chars) this.overflow = true;
    const x = this.numbers;
    // NaN stands for null: SQLite stores a NaN as NULL, so no value is NaN.
    x.start[p] = v[3] ?? Number.NaN;
    x.durationMs[p] = v[6] ?? Number.NaN;
    x.pddMs[p] = v[7] ?? Number.NaN;
    x.setupMs[p] = v[8] ?? Number.NaN;
    x.messages[p] = v[9];
    x.findings[p] = v[10];
  }

  private setText(k: TextKey, p: number, s: string | null): void {
    const d = this.dicts[k];
    const before = d.values.length;
    this.codes[k][p] = d.code(s);
    if (d.values.length > before) {
      this.strings++;
      this.chars += s!.length;
    }
  }

  /** The facets and a way to build each sort key's order; the positions are put in id order first. */
  build(): { facets: CallFacets; order: (key: CallSortKey) => SortOrder } {
    if (this.overflow) throw new Error('CallColumns.build: the calls did not fit');
    const n = this.n;
    const byId = idOrder(this.ids.subarray(0, n));
    const take = <T extends Int32Array | Float64Array>(a: T): T => {
      if (byId === null) return a.subarray(0, n) as T;
      const out = new (a.constructor as { new (n: number): T })(n);
      for (let i = 0; i < n; i++) out[i] = a[byId[i]];
      return out;
    };
    const ids = take(this.ids);
    const codes = {} as Record<TextKey, Int32Array>;
    for (const k of TEXT_KEYS) codes[k] = take(this.codes[k]);
    const numbers = {} as Record<NumberKey, Float64Array>;
    for (const k of NUMBER_KEYS) numbers[k] = take(this.numbers[k]);
    const coded = (k: TextKey): Coded => ({ values: this.dicts[k].values, codes: codes[k] });
    const findings = new Uint8Array(n);
    for (let i = 0; i < n; i++) findings[i] = numbers.findings[i] > 0 ? 1 : 0;
    return {
      facets: { ids, kind: coded('kind'), state: coded('state'), methods: coded('methods'), findings },
      order: (key) =>
        key === 'kind' || key === 'state' || key === 'from' || key === 'to'
          ? textOrder(coded(key))
          : numberOrder(numbers[key]),
    };
  }
}

/** The indexes of `ids` by id ascending; null when they are in order already (SQLite gives them so). */
function idOrder(ids: Int32Array): Int32Array | null {
  for (let i = 1; i < ids.length; i++)
    if (ids[i] <= ids[i - 1]) return Int32Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b]);
  return null;
}

/** The positions in descending order: groups of equal values last to first, each in id order, then the nulls. */
export function descending(o: SortOrder): Int32Array {
  const { positions, ties, nulls } = o;
  const n = positions.length;
  const out = new Int32Array(n);
  let k = 0;
  let end = n - nulls;
  while (end > 0) {
    let begin = end - 1;
    while (begin > 0 && (ties[begin >> 3] & (1 << (begin & 7))) !== 0) begin--;
    out.set(positions.subarray(begin, end), k);
    k += end - begin;
    end = begin;
  }
  out.set(positions.subarray(n - nulls), k);
  return out;
}

/** Which codes of a column pass a list filter (`match(value, filterValue)`). */
function passingCodes(c: Coded, f: ListFilter, match: (value: string, x: string) => boolean): Uint8Array {
  const pass = new Uint8Array(c.values.length);
  c.values.forEach((v, i) => {
    const ok =
      (f.include.length === 0 || f.include.some((x) => match(v, x))) && !f.exclude.some((x) => match(v, x));
    pass[i] = ok ? 1 : 0;
  });
  return pass;
}

/** 1 for each position the query's filters (other than `q`) keep; null when it has none. */
export function filterMask(f: SomeFacets, query: CallQuery): Uint8Array | null {
  const n = f.ids.length;
  let mask: Uint8Array | null = null;
  /** Clears the positions whose value (`values[p]`) is not 1 in `pass`: a code out of range passes nothing. */
  const keep = (values: Int32Array | Uint8Array, pass: Uint8Array) => {
    const m = mask ?? new Uint8Array(n).fill(1);
    for (let p = 0; p < n; p++) if (pass[values[p]] !== 1) m[p] = 0;
    mask = m;
  };
  // As the SQL: kind and state `IN`/`NOT IN` on the stored (lower-case) values, methods by `instr`.
  const { kind, state, methods, findings } = f;
  const same = (v: string, x: string) => v === x;
  if (query.kind !== undefined) keep(kind!.codes, passingCodes(kind!, query.kind, same));
  if (query.state !== undefined) keep(state!.codes, passingCodes(state!, query.state, same));
  if (query.method !== undefined)
    keep(
      methods!.codes,
      passingCodes(methods!, query.method, (v, x) => v.includes(methodToken(x))),
    );
  if (query.hasFindings !== undefined)
    keep(findings!, Uint8Array.of(query.hasFindings ? 0 : 1, query.hasFindings ? 1 : 0));
  return mask;
}

/**
 * The number of calls the query's filters keep and the ids of its page,
 * walking `o` (the query has no `q`); undefined when `o` holds a position
 * out of range (a damaged row).
 */
export function orderedPage(
  f: SomeFacets,
  o: SortOrder,
  query: CallQuery,
): { total: number; ids: number[] } | undefined {
  const { offset, limit } = pageOf(query);
  const n = f.ids.length;
  const seq = query.order === 'desc' ? descending(o) : o.positions;
  const mask = filterMask(f, query);
  const ids: number[] = [];
  if (mask === null) {
    for (const p of seq.subarray(offset, offset + limit)) {
      if (!(p >= 0 && p < n)) return undefined;
      ids.push(f.ids[p]);
    }
    return { total: seq.length, ids };
  }
  let total = 0;
  for (let i = 0; i < seq.length; i++) {
    const p = seq[i];
    if (!(p >= 0 && p < n)) return undefined;
    if (mask[p] === 0) continue;
    if (total >= offset && ids.length < limit) ids.push(f.ids[p]);
    total++;
  }
  return { total, ids };
}
