/**
 * Small per-record memory for correlated rules: a few numbers remembered per
 * transaction, dialog or call id, in a fixed ring indexed by the id.
 *
 * The correlator numbers its records 0, 1, 2… in creation order, and a rule
 * only ever asks about records that are still young (a response seconds after
 * its request, an ACK after its 2xx). A ring of 2^bits rows indexed by
 * `id % size` keeps the last 2^bits ids: O(1), no allocation per message,
 * bounded memory (DESIGN.md convention 15) and nothing to clean up when a
 * record ends. A row reused by a newer id reads as "not known", so an
 * overwritten entry can only make a rule miss a finding, never invent one —
 * every rule reads a missing value as "nothing to say".
 *
 * The arrays are allocated on first use, so an analyzer whose rule never
 * sees a relevant message (lint, most tests) pays nothing.
 *
 * Hot paths use rows directly: `row(id)` (or `claim(id)`) gives the offset
 * of the id's slots in `v`, read and written as `v[row + slot]` — with the
 * offset taken first (`const r = memo.claim(id); memo.v[r] = x`): `claim`
 * may replace `v`.
 */
export class IdMemo {
  /** `id + 1` of each row's owner (0: empty). */
  private ids: Int32Array = EMPTY_IDS;
  /** The slots, `width` per row. */
  v: Float64Array = EMPTY_VALS;
  private readonly mask: number;

  /**
   * @param width numbers kept per id
   * @param bits  the ring holds the last 2^bits ids (default 65,536)
   */
  constructor(
    readonly width: number,
    bits = 16,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new Error(`IdMemo: width ${width}`);
    this.mask = (1 << bits) - 1;
  }

  /** Offset of `id`'s slots in `v`, or -1 when the id is not held. */
  row(id: number): number {
    const r = id & this.mask;
    return id >= 0 && this.ids.length > 0 && this.ids[r] === id + 1 ? r * this.width : -1;
  }

  /** Offset of `id`'s slots in `v`, taking the row over (all slots NaN) when another id held it. */
  claim(id: number): number {
    if (this.ids.length === 0) {
      this.ids = new Int32Array(this.mask + 1);
      this.v = new Float64Array((this.mask + 1) * this.width);
    }
    const r = id & this.mask;
    const base = r * this.width;
    if (this.ids[r] !== id + 1) {
      this.ids[r] = id + 1;
      const v = this.v;
      for (let i = base, end = base + this.width; i < end; i++) v[i] = Number.NaN;
    }
    return base;
  }

  /** The row is held for `id`. */
  has(id: number): boolean {
    return this.row(id) >= 0;
  }

  /** Slot `slot` of `id`; NaN when the id is not held or the slot was never set. */
  get(id: number, slot: number): number {
    const r = this.row(id);
    return r < 0 ? Number.NaN : this.v[r + slot];
  }

  /** Sets slot `slot` of `id` (claiming the row). */
  set(id: number, slot: number, value: number): void {
    if (id < 0) return;
    // Claim first: the arrays may be allocated by it (`this.v[this.claim(id)]` would write to the old one).
    const r = this.claim(id);
    this.v[r + slot] = value;
  }

  /** Forgets `id`. */
  delete(id: number): void {
    if (this.has(id)) this.ids[id & this.mask] = 0;
  }
}

const EMPTY_IDS = new Int32Array(0);
const EMPTY_VALS = new Float64Array(0);
