/**
 * The packets of an RFC 2198 stream its listener still heard although they
 * never came: RFC 2198 §1, "If a packet is lost, the receiver can use the
 * redundant encoding in a subsequent packet to recover the lost data". A
 * voice timestamp that no packet's primary block carried but a redundant
 * block of a packet that came did (at the packet's timestamp minus the
 * block's offset, §3) is recovered; a primary that turns up later
 * (reordered) takes it back. stream-quality.ts counts the stream's lost
 * packets less these.
 *
 * A redundant block older than the first packet the stream's redundancy was
 * read from (its floor, `packet`) is not counted: it stands for a packet
 * before the first received, which RFC 3550 A.3 does not count lost either
 * (the expected count starts at the first sequence number received), so
 * it recovers nothing from the loss the estimate takes (a capture that
 * started mid-stream, or the stream's first packet lost). The audio still
 * plays it (red-audio.ts leadIn).
 *
 * Bounded: timestamps are kept while within twice the 14-bit offset's reach
 * (§3) of the newest, MAX_KEPT at most; a redundant block further back than
 * the offset can reach is not counted.
 */

/** How far back a redundant block can reach: RFC 2198 §3's 14-bit timestamp offset. */
const REACH = 1 << 14;
/** Timestamps kept of each kind at most (a hostile sender's timestamps are any). */
const MAX_KEPT = 4096;

/** Timestamps in arrival order, with membership; the oldest dropped first. */
class TimestampWindow {
  private readonly set = new Set<number>();
  private queue: number[] = [];
  private head = 0;

  has(ts: number): boolean {
    return this.set.has(ts);
  }

  add(ts: number): void {
    if (this.set.has(ts)) return;
    this.set.add(ts);
    this.queue.push(ts);
    if (this.set.size > MAX_KEPT) this.set.delete(this.queue[this.head++]);
  }

  delete(ts: number): boolean {
    return this.set.delete(ts);
  }

  /** Forgets what lies more than 2 × REACH behind `newest` (RTP timestamps wrap at 2³²). */
  prune(newest: number): void {
    while (this.head < this.queue.length && (newest - this.queue[this.head]) >>> 0 >= 2 * REACH)
      this.set.delete(this.queue[this.head++]);
    if (this.head > 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

export class RedRecovery {
  /** Voice timestamps only redundant blocks brought (their primaries never came). */
  recovered = 0;
  private readonly primaries = new TimestampWindow();
  private readonly fromRedundancy = new TimestampWindow();
  private newest: number | null = null;
  /** The RTP timestamp of the first packet seen: redundancy before it stands for no packet counted lost. */
  private floor: number | null = null;

  /** A red packet of RTP timestamp `ts` came (before its blocks are given): the first sets the floor. */
  packet(ts: number): void {
    this.floor ??= ts;
  }

  /** A primary voice block at RTP timestamp `ts` came. */
  primary(ts: number): void {
    this.floor ??= ts;
    if (this.newest === null || (ts - this.newest) >>> 0 < 2 ** 31) this.newest = ts;
    if (this.fromRedundancy.delete(ts)) this.recovered--;
    this.primaries.add(ts);
    this.primaries.prune(this.newest);
    this.fromRedundancy.prune(this.newest);
  }

  /** A redundant voice block for RTP timestamp `ts` came. */
  redundant(ts: number): void {
    // Behind the newest primary by more than an offset reaches (a reordered old packet's): not counted.
    const behind = this.newest === null ? 0 : (this.newest - ts) >>> 0;
    if (behind >= REACH && behind < 2 ** 31) return;
    // Before the first packet: RFC 3550 A.3 never counted it lost.
    if (this.floor !== null && ((ts - this.floor) | 0) < 0) return;
    if (this.primaries.has(ts) || this.fromRedundancy.has(ts)) return;
    this.fromRedundancy.add(ts);
    this.recovered++;
  }
}
