/**
 * The messages of calls that are not final yet, with the call and dialog
 * each was written with (analyze-to-store.ts): a message id → (call, dialog)
 * table sized by the calls in progress, not by the file.
 *
 * Message ids arrive in increasing order and most messages leave within
 * seconds (their call ends), so the recent ids live in a ring of two
 * Int32Arrays indexed by id (8 bytes a message, against ~70 for an entry in
 * each of two Maps). The ring grows to `maxRing` slots; when an id does not
 * fit, the oldest slots are freed and the few messages still pending there
 * (a long call's early messages) move to an overflow Map. Memory is then the
 * ring (bounded) plus the long-lived messages, each counted once.
 */
import { pow2 } from './id-window.js';

/** A free ring slot (a call id is never negative). */
const FREE = -2;

export class PendingMessages {
  private calls: Int32Array;
  private dialogs: Int32Array;
  /** Lowest id the ring can hold; slots hold ids base .. base + capacity - 1. */
  private base = 0;
  private readonly overflow = new Map<number, { call: number; dialog: number }>();
  private count = 0;
  /** Messages moved to the overflow Map since the start (for tests and tuning). */
  moved = 0;

  constructor(
    private readonly maxRing = 1 << 19,
    initial = 1 << 12,
  ) {
    const n = Math.min(pow2(initial), pow2(maxRing));
    this.calls = new Int32Array(n).fill(FREE);
    this.dialogs = new Int32Array(n);
  }

  /** Messages pending now. */
  get size(): number {
    return this.count;
  }

  /** Slots of the ring now (grows up to `maxRing`). */
  get ringSize(): number {
    return this.calls.length;
  }

  /** Messages in the overflow Map now. */
  get overflowSize(): number {
    return this.overflow.size;
  }

  /** Records message `id` (ids must not go down by more than the ring holds) with its call and dialog (-1: none). */
  set(id: number, call: number, dialog: number): void {
    if (id < this.base) {
      const had = this.overflow.has(id);
      this.overflow.set(id, { call, dialog });
      if (!had) this.count++;
      return;
    }
    if (id - this.base >= this.calls.length) this.makeRoom(id);
    const i = id & (this.calls.length - 1);
    if (this.calls[i] === FREE) this.count++;
    this.calls[i] = call;
    this.dialogs[i] = dialog;
  }

  /** The call message `id` was written with; undefined when it is not pending. */
  call(id: number): number | undefined {
    if (id < this.base) return this.overflow.get(id)?.call;
    if (id - this.base >= this.calls.length) return undefined;
    const c = this.calls[id & (this.calls.length - 1)];
    return c === FREE ? undefined : c;
  }

  /** The dialog message `id` was written with (-1: none); undefined when it is not pending. */
  dialog(id: number): number | undefined {
    if (id < this.base) return this.overflow.get(id)?.dialog;
    if (id - this.base >= this.calls.length) return undefined;
    const i = id & (this.calls.length - 1);
    return this.calls[i] === FREE ? undefined : this.dialogs[i];
  }

  delete(id: number): void {
    if (id < this.base) {
      if (this.overflow.delete(id)) this.count--;
      return;
    }
    if (id - this.base >= this.calls.length) return;
    const i = id & (this.calls.length - 1);
    if (this.calls[i] === FREE) return;
    this.calls[i] = FREE;
    this.count--;
  }

  clear(): void {
    this.calls.fill(FREE);
    this.overflow.clear();
    this.count = 0;
  }

  /** Makes the ring cover `id`: grows it, else frees its oldest slots (their pending messages overflow). */
  private makeRoom(id: number): void {
    const span = id - this.base + 1;
    if (this.calls.length < this.maxRing) {
      const n = Math.min(pow2(span), pow2(this.maxRing));
      const calls = new Int32Array(n).fill(FREE);
      const dialogs = new Int32Array(n);
      const old = this.calls.length;
      for (let k = this.base; k < this.base + old; k++) {
        const c = this.calls[k & (old - 1)];
        if (c === FREE) continue;
        calls[k & (n - 1)] = c;
        dialogs[k & (n - 1)] = this.dialogs[k & (old - 1)];
      }
      this.calls = calls;
      this.dialogs = dialogs;
      if (id - this.base < n) return;
    }
    // Free the oldest slots up to where `id` fits, skipping ahead over free ones.
    const n = this.calls.length;
    const mask = n - 1;
    const newBase = id - n + 1;
    const end = Math.min(newBase, this.base + n);
    for (let k = this.base; k < end; k++) {
      const i = k & mask;
      const c = this.calls[i];
      if (c === FREE) continue;
      this.overflow.set(k, { call: c, dialog: this.dialogs[i] });
      this.moved++;
      this.calls[i] = FREE;
    }
    this.base = newBase;
  }
}
