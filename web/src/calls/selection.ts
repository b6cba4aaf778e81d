/**
 * The calls marked in the call list (sngrep's Space on a dialog), to draw
 * them on one ladder: kept by call id, so it outlives scrolling the
 * virtual list, a new sort or filter, and a visit to a ladder. Pure.
 */
import { MAX_WITH } from '../router.js';

export interface MarkedCall {
  id: number;
  /** The call's start (seconds), to order the ladder's calls. */
  start: number;
}

export class CallSelection {
  private readonly marked = new Map<number, number>();

  get size(): number {
    return this.marked.size;
  }

  has(id: number): boolean {
    return this.marked.has(id);
  }

  /** Marks the call, or unmarks it when it is marked; returns whether it is marked now. */
  toggle(c: MarkedCall): boolean {
    if (this.marked.delete(c.id)) return false;
    this.marked.set(c.id, c.start);
    return true;
  }

  clear(): void {
    this.marked.clear();
  }

  /** The marked calls' ids by start time, then id (two calls starting together keep one order). */
  ordered(): number[] {
    return [...this.marked].sort(([a, sa], [b, sb]) => sa - sb || a - b).map(([id]) => id);
  }

  /**
   * The ladder of the marked calls: the first to start is the main call, the
   * others drawn with it; null under two calls, or over what a route carries.
   */
  ladder(): { call: number; with: number[] } | null {
    if (this.marked.size < 2 || this.marked.size > MAX_WITH + 1) return null;
    const [call, ...others] = this.ordered();
    return { call, with: others };
  }
}
