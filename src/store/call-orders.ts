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
import type { CallQuery, CallSortKey, ListFilter } from './call-query.js';
import { pageOf } from './call-query.js';
import { methodToken } from './sqlite-rows.js';

/** A column of strings as codes into its distinct values; -1 is null. */
export interface Coded {
  values: string[];
  codes: Int32Array;
}

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

/** The positions in one sort key's ascending order. */
export interface SortOrder {
  positions: Int32Array;
  /** Bit i (of byte i >> 3): positions[i] has the same value as positions[i - 1]. */
  ties: Uint8Array;
  /** Positions without a value, at the end. */
  nulls: number;
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

/**
 * Code point order (UTF-8 byte order, SQLite's BINARY collation). UTF-16
 * code units order the same except that a surrogate (a character above
 * U+FFFF) sorts below U+E000..U+FFFF: it is moved above them.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitWeight(x) - codeUnitWeight(y);
  }
  return a.length - b.length;
}

const codeUnitWeight = (c: number): number => (c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800);
const ABOVE_D800 = /[\ud800-\uffff]/;

function textOrder(c: Coded): SortOrder {
  const byValue = c.values.map((_, i) => i);
  const native = !c.values.some((v) => ABOVE_D800.test(v));
  byValue.sort((i, j) => {
    const a = c.values[i];
    const b = c.values[j];
    return native ? (a < b ? -1 : 1) : compareCodePoints(a, b);
  });
  const rankOfCode = new Int32Array(c.values.length);
  byValue.forEach((code, rank) => {
    rankOfCode[code] = rank;
  });
  const nullRank = c.values.length;
  const rank = new Int32Array(c.codes.length);
  for (let p = 0; p < rank.length; p++) {
    const code = c.codes[p];
    rank[p] = code < 0 ? nullRank : rankOfCode[code];
  }
  return orderByRank(rank, nullRank);
}

/** Integers within this range of each other are their own ranks: no sort (message and finding counts). */
const DIRECT_RANKS = 1 << 16;

function numberOrder(values: Float64Array): SortOrder {
  const n = values.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integers = true;
  let ascending = true;
  let last = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < n; p++) {
    const v = values[p];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
    if (v < last) ascending = false;
    last = v;
  }
  // Already in order (the start of calls numbered as they began): the positions as they are, nulls moved last.
  if (ascending) return inPlaceOrder(values);
  const rank = new Int32Array(n);
  if (integers && max - min < DIRECT_RANKS) {
    const nullRank = max - min + 1;
    for (let p = 0; p < n; p++) rank[p] = Number.isNaN(values[p]) ? nullRank : values[p] - min;
    return orderByRank(rank, nullRank);
  }
  // TypedArray sort puts NaN (null) last.
  const sorted = Float64Array.from(values).sort();
  let distinct = 0;
  for (let i = 0; i < n && !Number.isNaN(sorted[i]); i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  for (let p = 0; p < n; p++) {
    const v = values[p];
    if (Number.isNaN(v)) {
      rank[p] = distinct;
      continue;
    }
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    rank[p] = lo;
  }
  return orderByRank(rank, distinct);
}

/** The order of values ascending in position order, nulls aside. */
function inPlaceOrder(values: Float64Array): SortOrder {
  const n = values.length;
  const positions = new Int32Array(n);
  const ties = new Uint8Array((n + 7) >> 3);
  let k = 0;
  for (let p = 0; p < n; p++) {
    if (Number.isNaN(values[p])) continue;
    if (k > 0 && values[positions[k - 1]] === values[p]) ties[k >> 3] |= 1 << (k & 7);
    positions[k++] = p;
  }
  const nulls = n - k;
  for (let p = 0; p < n; p++) if (Number.isNaN(values[p])) positions[k++] = p;
  return { positions, ties, nulls };
}

/** A counting sort of the positions by rank: stable, so ties stay in id order; rank `nullRank` is null. */
function orderByRank(rank: Int32Array, nullRank: number): SortOrder {
  const n = rank.length;
  const start = new Int32Array(nullRank + 2);
  for (let p = 0; p < n; p++) start[rank[p] + 1]++;
  for (let r = 1; r < start.length; r++) start[r] += start[r - 1];
  const nulls = n - start[nullRank];
  const positions = new Int32Array(n);
  for (let p = 0; p < n; p++) positions[start[rank[p]]++] = p;
  const ties = new Uint8Array((n + 7) >> 3);
  for (let i = 1; i < n; i++) if (rank[positions[i]] === rank[positions[i - 1]]) ties[i >> 3] |= 1 << (i & 7);
  return { positions, ties, nulls };
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
