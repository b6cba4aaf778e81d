/**
 * A bounded map for detectors that count per source or per user (scans,
 * floods, failed authentication): entries live while they are active, the
 * least recently touched leave first (DESIGN.md convention 15: bounded state,
 * drop-and-count).
 *
 * Map keeps insertion order; `touch` re-inserts an entry (at most every
 * ttl/4 seconds of capture time: a delete and a set per message would cost
 * more than the detectors themselves), so the order is close to recency and
 * both eviction (over `max`) and expiry (idle longer than `ttl`) take from
 * the front.
 */
export interface Recent {
  /** Capture time (s) the entry was last touched. */
  last: number;
  /** Capture time (s) the entry was last (re)inserted: its place in the order (set by the map). */
  placed?: number;
}

export class RecentMap<K, V extends Recent> {
  private readonly map = new Map<K, V>();
  /** Entries dropped because the map was full. */
  evicted = 0;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly max: number,
    readonly ttl: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(k: K): V | undefined {
    return this.map.get(k);
  }

  /** Stores `v` under `k` as the most recent entry (its `last` set to `now`). */
  touch(k: K, v: V, now: number): void {
    v.last = now;
    if (v.placed !== undefined && now - v.placed < this.ttl / 4 && this.map.get(k) === v) return;
    v.placed = now;
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evicted++;
      }
    }
  }

  delete(k: K): void {
    this.map.delete(k);
  }

  /** Drops entries idle for more than `ttl` (at most once per second of capture time). */
  sweep(now: number): void {
    if (this.map.size === 0 || now - this.sweptAt < 1) return;
    this.sweptAt = now;
    for (const [k, v] of this.map) {
      if (v.last + this.ttl < now) this.map.delete(k);
      else if ((v.placed ?? v.last) + this.ttl >= now) break;
    }
  }

  clear(): void {
    this.map.clear();
  }
}
