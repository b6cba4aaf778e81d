/**
 * A min-heap of (capture time, target): the correlator's only clock.
 *
 * Each target has at most one pending timer and knows its place in the heap
 * (`timerIndex`, -1 when none), so rescheduling moves the entry and
 * cancelling removes it: the heap holds exactly the live timers, never stale
 * ones, and its size follows the hot state.
 */
import type { TimerTarget } from './model.js';

export class TimerQueue<T extends TimerTarget> {
  private at: number[] = [];
  private seq: number[] = [];
  private items: T[] = [];
  private nextSeq = 0;
  /** Due time of the target `popDue` returned last. */
  lastTime = 0;

  get size(): number {
    return this.items.length;
  }

  /** Arms `target`'s timer at `time`, replacing any pending one. */
  schedule(target: T, time: number): void {
    const i = target.timerIndex;
    if (i >= 0) {
      this.at[i] = time;
      this.seq[i] = this.nextSeq++;
      this.down(this.up(i));
      return;
    }
    const n = this.items.length;
    this.at.push(time);
    this.seq.push(this.nextSeq++);
    this.items.push(target);
    target.timerIndex = n;
    this.up(n);
  }

  /** Disarms every timer. */
  clear(): void {
    for (const t of this.items) t.timerIndex = -1;
    this.at = [];
    this.seq = [];
    this.items = [];
  }

  /** Disarms `target`'s pending timer, if any. */
  cancel(target: T): void {
    const i = target.timerIndex;
    if (i >= 0) this.removeAt(i);
  }

  /** The next target due at or before `now` (its timer disarmed), else undefined. */
  popDue(now: number): T | undefined {
    if (this.items.length === 0 || this.at[0] > now) return undefined;
    const item = this.items[0];
    this.lastTime = this.at[0];
    this.removeAt(0);
    return item;
  }

  /** Time of the earliest timer, Infinity when none. */
  peekTime(): number {
    return this.items.length > 0 ? this.at[0] : Number.POSITIVE_INFINITY;
  }

  private removeAt(i: number): void {
    const last = this.items.length - 1;
    const gone = this.items[i];
    if (i !== last) this.swap(i, last);
    this.at.pop();
    this.seq.pop();
    this.items.pop();
    gone.timerIndex = -1;
    if (i !== last) this.down(this.up(i));
  }

  private less(i: number, j: number): boolean {
    const a = this.at[i];
    const b = this.at[j];
    return a < b || (a === b && this.seq[i] < this.seq[j]);
  }

  private swap(i: number, j: number): void {
    const { at, seq, items } = this;
    const t = at[i];
    at[i] = at[j];
    at[j] = t;
    const s = seq[i];
    seq[i] = seq[j];
    seq[j] = s;
    const it = items[i];
    items[i] = items[j];
    items[j] = it;
    items[i].timerIndex = i;
    items[j].timerIndex = j;
  }

  /** Moves entry `i` up while it is earlier than its parent; returns where it ends. */
  private up(i: number): number {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.less(r, l) ? r : l;
      if (!this.less(c, i)) return;
      this.swap(c, i);
      i = c;
    }
  }
}
