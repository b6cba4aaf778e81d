/**
 * The sorts behind the call lists sorted ahead (call-orders.ts): one sort
 * key's order of a capture's calls, by positions (a call's index among the
 * capture's call ids, ascending), as SQLite's `ORDER BY key NULLS LAST, id`
 * orders them. Counting sorts by rank, stable, so that ties stay in id order.
 */

/** A column of strings as codes into its distinct values; -1 is null. */
export interface Coded {
  values: string[];
  codes: Int32Array;
}

/** The positions in one sort key's ascending order. */
export interface SortOrder {
  positions: Int32Array;
  /** Bit i (of byte i >> 3): positions[i] has the same value as positions[i - 1]. */
  ties: Uint8Array;
  /** Positions without a value, at the end. */
  nulls: number;
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

/** The order of a column of strings (null: code -1) by code point. */
export function textOrder(c: Coded): SortOrder {
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

export function numberOrder(values: Float64Array): SortOrder {
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
