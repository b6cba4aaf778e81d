/**
 * Calls waiting to be parked (correlator.ts `park`), each with the capture
 * time after which it may be: first in, first out. Times are pushed nearly
 * in order (the capture's), so a plain queue does; one pushed out of order
 * waits behind the earlier ones, which only parks it a little later.
 */
import type { CallNode } from './model.js';

export class ParkQueue {
  private at: number[] = [];
  private nodes: Array<CallNode | null> = [];
  private head = 0;

  get size(): number {
    return this.nodes.length - this.head;
  }

  push(at: number, n: CallNode): void {
    this.at.push(at);
    this.nodes.push(n);
  }

  /** The next call due before `now`, taken off the queue (undefined: none). */
  popBefore(now: number): CallNode | undefined {
    if (this.head === this.nodes.length || !(this.at[this.head] < now)) return undefined;
    const n = this.nodes[this.head]!;
    this.nodes[this.head++] = null;
    if (this.head === this.nodes.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.nodes.length) {
      this.at.splice(0, this.head);
      this.nodes.splice(0, this.head);
      this.head = 0;
    }
    return n;
  }

  clear(): void {
    this.at = [];
    this.nodes = [];
    this.head = 0;
  }
}
