/**
 * The correlator's only clock: the armed timers of transactions, dialogs and
 * calls, each due at a capture time, handed out in the order of (due time,
 * arming order).
 *
 * Almost every timer is armed at "now + a fixed delay" (Timer B, F, J, L,
 * the dialog and call lingers…) and capture time only moves forward, so the
 * timers of one delay are armed in the order they fall due. They are kept in
 * lanes: a timer joins the first lane whose last timer is due no later than
 * it (at the end of an array), and the next timer due is the earliest of the
 * lanes' first ones. A timer armed out of that order (a linger counted from
 * an earlier message) opens a new lane or, past MAX_LANES, goes to a binary
 * heap. One binary heap for all of them cost a log(n) walk over some 130,000
 * timers for each one armed or fired, a cache miss at every level (0.6 s of
 * the 200,000-call analysis).
 *
 * A target knows where its timer is (`timerIndex`: its lane and place, or
 * for the heap its arming number; -1 when it has none). Rearming or
 * cancelling leaves an empty slot behind (a heap entry goes stale), so a
 * finished call's objects are not held until their old timers come to the
 * front; past as many empty slots as live timers they are swept out, and a
 * swept lane tells its targets their new places. The order is exactly that
 * of one heap on (due time, arming number): test/correlate/timer-queue.test.ts
 * compares the two.
 */
import type { TimerTarget } from './model.js';

/** Lanes kept in order before timers go to the heap. */
const MAX_LANES = 32;
/** `timerIndex` = place × CODE + lane; lane HEAP: the heap, and place is the arming number. */
const CODE = 64;
const HEAP = 63;

/** Timers in the order they fall due: arrays consumed from `head`, places counted from `base`. */
class Lane<T extends TimerTarget> {
  at: number[] = [];
  seq: number[] = [];
  items: Array<T | null> = [];
  head = 0;
  /** Place of `items[0]`. */
  base = 0;

  constructor(readonly no: number) {}

  /** Due time of the last timer (-Infinity when none is left). */
  tail(): number {
    return this.head < this.at.length ? this.at[this.at.length - 1] : Number.NEGATIVE_INFINITY;
  }

  push(at: number, seq: number, item: T): void {
    item.timerIndex = (this.base + this.items.length) * CODE + this.no;
    this.at.push(at);
    this.seq.push(seq);
    this.items.push(item);
  }

  /** Empties the slot at `place` (its timer was rearmed or cancelled). */
  remove(place: number): void {
    this.items[place - this.base] = null;
  }

  /** Drops empty slots at the front (counted off `q.empty`); false when none is left. */
  live(q: { empty: number }): boolean {
    while (this.head < this.items.length && this.items[this.head] === null) {
      this.shift();
      q.empty--;
    }
    return this.head < this.items.length;
  }

  shift(): void {
    // A consumed slot must not hold its target until the arrays are trimmed.
    this.items[this.head++] = null;
    const n = this.items.length;
    if (this.head === n) {
      this.base += n;
      this.at = [];
      this.seq = [];
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > n) {
      this.base += this.head;
      this.at.splice(0, this.head);
      this.seq.splice(0, this.head);
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Keeps only the live timers (in their order), each told its new place. */
  sweep(): void {
    const { at, seq, items, head } = this;
    this.base += items.length;
    this.at = [];
    this.seq = [];
    this.items = [];
    this.head = 0;
    for (let i = head; i < items.length; i++) {
      const it = items[i];
      if (it !== null) this.push(at[i], seq[i], it);
    }
  }

  disarmAll(): void {
    for (let i = this.head; i < this.items.length; i++) {
      const it = this.items[i];
      if (it !== null) it.timerIndex = -1;
    }
  }
}

/** The timers armed out of order, in a binary heap on (due time, arming number); entries go stale. */
class Heap<T extends TimerTarget> {
  at: number[] = [];
  seq: number[] = [];
  items: T[] = [];
  readonly head = 0;

  push(at: number, seq: number, item: T): void {
    item.timerIndex = seq * CODE + HEAP;
    this.at.push(at);
    this.seq.push(seq);
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private isLive(i: number): boolean {
    return this.items[i].timerIndex === this.seq[i] * CODE + HEAP;
  }

  live(q: { empty: number }): boolean {
    while (this.items.length > 0 && !this.isLive(0)) {
      this.shift();
      q.empty--;
    }
    return this.items.length > 0;
  }

  /** Removes the first timer. */
  shift(): void {
    const n = this.items.length - 1;
    if (n > 0) this.swap(0, n);
    this.at.pop();
    this.seq.pop();
    this.items.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.less(r, l) ? r : l;
      if (!this.less(c, i)) return;
      this.swap(c, i);
      i = c;
    }
  }

  /** A heap of only the live timers. */
  swept(): Heap<T> {
    const h = new Heap<T>();
    for (let i = 0; i < this.items.length; i++)
      if (this.isLive(i)) h.push(this.at[i], this.seq[i], this.items[i]);
    return h;
  }

  disarmAll(): void {
    for (let i = 0; i < this.items.length; i++) if (this.isLive(i)) this.items[i].timerIndex = -1;
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
  }
}

export class TimerQueue<T extends TimerTarget> {
  private lanes: Array<Lane<T>> = [];
  private heap = new Heap<T>();
  private nextSeq = 0;
  private armed = 0;
  /** Empty lane slots and stale heap entries, not yet dropped or swept. */
  private readonly holes = { empty: 0 };
  /** No live timer is due before this (a lower bound). */
  private earliest = Number.POSITIVE_INFINITY;
  /** Due time of the target `popDue` returned last. */
  lastTime = 0;

  /** @param sweepAt fewest empty slots swept out at once (tests use a small one) */
  constructor(private readonly sweepAt = 4096) {}

  /** Timers armed now. */
  get size(): number {
    return this.armed;
  }

  /** Arms `target`'s timer at `time`, replacing any pending one. */
  schedule(target: T, time: number): void {
    if (target.timerIndex >= 0) this.vacate(target);
    else this.armed++;
    const seq = this.nextSeq++;
    target.timerAt = time;
    if (time < this.earliest) this.earliest = time;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      if (lanes[i].tail() <= time) {
        lanes[i].push(time, seq, target);
        return;
      }
    }
    if (lanes.length < MAX_LANES) {
      const lane = new Lane<T>(lanes.length);
      lanes.push(lane);
      lane.push(time, seq, target);
    } else this.heap.push(time, seq, target);
  }

  /** Disarms every timer. */
  clear(): void {
    for (const lane of this.lanes) lane.disarmAll();
    this.heap.disarmAll();
    this.lanes = [];
    this.heap = new Heap<T>();
    this.armed = 0;
    this.holes.empty = 0;
    this.earliest = Number.POSITIVE_INFINITY;
  }

  /** Disarms `target`'s pending timer, if any. */
  cancel(target: T): void {
    if (target.timerIndex < 0) return;
    this.vacate(target);
    target.timerIndex = -1;
    this.armed--;
  }

  /** The next target due at or before `now` (its timer disarmed), else undefined. */
  popDue(now: number): T | undefined {
    if (this.earliest > now) return undefined;
    const q = this.front();
    if (q === null || this.earliest > now) return undefined;
    const item = q.items[q.head]!;
    this.lastTime = q.at[q.head];
    q.shift();
    item.timerIndex = -1;
    this.armed--;
    return item;
  }

  /**
   * The place among targets due at the same time of an armed target (-1: not
   * armed): what parking a call keeps, with `timerAt`, to arm its timers
   * again in the order they would have fired (correlator.ts `park`).
   */
  seqOf(target: T): number {
    const code = target.timerIndex;
    if (code < 0) return -1;
    const lane = code % CODE;
    if (lane === HEAP) return (code - HEAP) / CODE;
    const l = this.lanes[lane];
    return l.seq[(code - lane) / CODE - l.base];
  }

  /** Time of the earliest timer, Infinity when none. */
  peekTime(): number {
    this.front();
    return this.earliest;
  }

  /** Leaves `target`'s slot empty (its heap entry stale); sweeps when holes outnumber live timers. */
  private vacate(target: T): void {
    const code = target.timerIndex;
    const lane = code % CODE;
    if (lane !== HEAP) this.lanes[lane].remove((code - lane) / CODE);
    if (++this.holes.empty < this.sweepAt || this.holes.empty <= this.armed) return;
    // The target's own slot is empty already; it is armed again (or disarmed) by the caller.
    target.timerIndex = -1;
    for (const l of this.lanes) l.sweep();
    this.heap = this.heap.swept();
    this.holes.empty = 0;
  }

  /** The lane (or the heap) whose first live timer is due first; sets `earliest` to its time. */
  private front(): Lane<T> | Heap<T> | null {
    let best: Lane<T> | Heap<T> | null = null;
    let at = Number.POSITIVE_INFINITY;
    let seq = 0;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i];
      if (!l.live(this.holes)) continue;
      const a = l.at[l.head];
      if (a < at || (a === at && l.seq[l.head] < seq)) {
        best = l;
        at = a;
        seq = l.seq[l.head];
      }
    }
    const h = this.heap;
    if (h.live(this.holes) && (h.at[0] < at || (h.at[0] === at && h.seq[0] < seq))) {
      best = h;
      at = h.at[0];
    }
    this.earliest = at;
    return best;
  }
}
