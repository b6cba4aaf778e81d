/**
 * Records by id for ids that mostly arrive in increasing order and leave
 * soon after (analyze-to-store.ts: the transactions and dialogs the rules may
 * look up while their call is hot). Recent ids live in a ring indexed by id
 * (one slot each, against ~70 bytes for a Map entry); the ring grows to
 * `maxRing` slots, and when an id does not fit the oldest slots are freed,
 * the few records still there (a long call's) moving to an overflow Map.
 */
export class IdWindow<T> {
  private slots: Array<T | undefined>;
  /** Lowest id the ring can hold; slots hold ids base .. base + capacity - 1. */
  private base = 0;
  private readonly overflow = new Map<number, T>();
  private count = 0;

  constructor(
    private readonly maxRing = 1 << 17,
    initial = 1 << 10,
  ) {
    this.slots = new Array<T | undefined>(Math.min(pow2(initial), pow2(maxRing))).fill(undefined);
  }

  /** Records held now. */
  get size(): number {
    return this.count;
  }

  /** Slots of the ring now (grows up to `maxRing`). */
  get ringSize(): number {
    return this.slots.length;
  }

  /** Records in the overflow Map now. */
  get overflowSize(): number {
    return this.overflow.size;
  }

  set(id: number, value: T): void {
    if (id < this.base) {
      if (!this.overflow.has(id)) this.count++;
      this.overflow.set(id, value);
      return;
    }
    if (id - this.base >= this.slots.length) this.makeRoom(id);
    const i = id & (this.slots.length - 1);
    if (this.slots[i] === undefined) this.count++;
    this.slots[i] = value;
  }

  get(id: number): T | undefined {
    if (id < this.base) return this.overflow.get(id);
    if (id - this.base >= this.slots.length) return undefined;
    return this.slots[id & (this.slots.length - 1)];
  }

  delete(id: number): void {
    if (id < this.base) {
      if (this.overflow.delete(id)) this.count--;
      return;
    }
    if (id - this.base >= this.slots.length) return;
    const i = id & (this.slots.length - 1);
    if (this.slots[i] === undefined) return;
    this.slots[i] = undefined;
    this.count--;
  }

  /** Makes the ring cover `id`: grows it, else frees its oldest slots (their records overflow). */
  private makeRoom(id: number): void {
    const old = this.slots;
    if (old.length < this.maxRing) {
      const n = Math.min(pow2(id - this.base + 1), pow2(this.maxRing));
      const slots = new Array<T | undefined>(n).fill(undefined);
      for (let k = this.base; k < this.base + old.length; k++) slots[k & (n - 1)] = old[k & (old.length - 1)];
      this.slots = slots;
      if (id - this.base < n) return;
    }
    const s = this.slots;
    const mask = s.length - 1;
    const newBase = id - s.length + 1;
    const end = Math.min(newBase, this.base + s.length);
    for (let k = this.base; k < end; k++) {
      const v = s[k & mask];
      if (v === undefined) continue;
      this.overflow.set(k, v);
      s[k & mask] = undefined;
    }
    this.base = newBase;
  }
}

/** The smallest power of two ≥ n (ring sizes). */
export function pow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
