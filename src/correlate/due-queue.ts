/**
 * Items each with the capture time after which they are due, taken first in,
 * first out: the calls waiting to be parked (correlator.ts `park`), the
 * records an analysis into the store forgets (store/analyze-to-store.ts).
 * Times are pushed nearly in order (the capture's), so a plain queue does;
 * one pushed out of order waits behind the earlier ones, which only takes it
 * a little later.
 *
 * (The correlator's timer lanes, timer-queue.ts, are queues too, but they
 * also number each place so that a timer can be removed from the middle.)
 */
export class DueQueue<T> {
  private at: number[] = [];
  private items: Array<T | null> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(at: number, item: T): void {
    this.at.push(at);
    this.items.push(item);
  }

  /** The next item due before `now`, taken off the queue (undefined: none). */
  popBefore(now: number): T | undefined {
    if (this.head === this.items.length || !(this.at[this.head] < now)) return undefined;
    const item = this.items[this.head] as T;
    // A taken slot must not hold its item until the arrays are trimmed.
    this.items[this.head++] = null;
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.at.splice(0, this.head);
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.at = [];
    this.items = [];
    this.head = 0;
  }
}
