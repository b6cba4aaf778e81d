/**
 * Deadlines of a correlated rule, in capture time (DESIGN.md "Time is data").
 *
 * A rule arms a deadline when a message starts a wait (a 2xx starts the wait
 * for its ACK: 64·T1) and checks the head of the queue on each tick. The
 * waits of one queue all have the same length, and capture time never goes
 * back, so deadlines arrive in order: a FIFO ring is enough, with no heap and
 * no allocation per entry once it has grown. An entry pushed out of order is
 * clamped to the last deadline (it fires a little late, never early).
 *
 * Each entry carries three numbers for the rule (a record id, a message id, a
 * call id…).
 */
export class DeadlineQueue {
  private at = new Float64Array(256);
  private p = new Float64Array(768);
  private head = 0;
  private count = 0;
  private last = Number.NEGATIVE_INFINITY;

  get size(): number {
    return this.count;
  }

  push(at: number, a: number, b = 0, c = 0): void {
    if (at < this.last) at = this.last;
    this.last = at;
    if (this.count === this.at.length) this.grow();
    const i = (this.head + this.count) % this.at.length;
    this.at[i] = at;
    this.p[i * 3] = a;
    this.p[i * 3 + 1] = b;
    this.p[i * 3 + 2] = c;
    this.count++;
  }

  /** The earliest entry's deadline has passed: capture time `now` is strictly after it. */
  due(now: number): boolean {
    return this.count > 0 && this.at[this.head] < now;
  }

  /** Deadline of the earliest entry (undefined when empty). */
  get firstAt(): number | undefined {
    return this.count > 0 ? this.at[this.head] : undefined;
  }

  /** Payload `k` (0, 1, 2) of the earliest entry. */
  first(k: 0 | 1 | 2): number {
    if (this.count === 0) throw new Error('DeadlineQueue.first on an empty queue');
    return this.p[this.head * 3 + k];
  }

  /** Drops the earliest entry. */
  shift(): void {
    if (this.count === 0) throw new Error('DeadlineQueue.shift on an empty queue');
    this.head = (this.head + 1) % this.at.length;
    this.count--;
  }

  /** Forgets every entry (end of input: waits that capture time never finished are not findings). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const n = this.at.length;
    const at = new Float64Array(n * 2);
    const p = new Float64Array(n * 6);
    // The ring is full: [head, n) then [0, head) become [0, n).
    const tail = n - this.head;
    at.set(this.at.subarray(this.head), 0);
    at.set(this.at.subarray(0, this.head), tail);
    p.set(this.p.subarray(this.head * 3), 0);
    p.set(this.p.subarray(0, this.head * 3), tail * 3);
    this.at = at;
    this.p = p;
    this.head = 0;
  }
}
