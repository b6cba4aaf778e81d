/**
 * The call of each message with SDP, for the RTP streams it sets up
 * (media-tracker.ts `RtpStreamRecord.setup`): the live pipeline keeps no
 * messages, and a stream is finished a minute or more after the message
 * whose SDP announced its address — often after that message's call was
 * handed out as over.
 *
 * - `hot`: messages of calls still in progress, with the call they arrived
 *   in. Their entries leave when the call is handed out, so they follow the
 *   calls in flight, as the correlator does.
 * - `final`: messages of calls handed out, with the call's final id (the
 *   call record's message list is authoritative: a call that absorbed
 *   another through a link names its messages too). Kept `keep` seconds of
 *   capture time after the hand-out: a stream whose last packet came before
 *   then is finished by then (the tracker's `idleSeconds`, plus its sweep's
 *   second). A stream still flowing longer after its call was over (RTP
 *   after the BYE) finds no call.
 *
 * A count bound would not do alone: a stream finishes at least `idleSeconds`
 * after its SDP, by which time a busy link has carried that many more SDP
 * messages (1,000 calls/s: 2,000 a second). The time bound keeps about
 * rate × (call length + 32 s linger + `keep`) entries, a few tens of bytes
 * each; `max` caps each map all the same (oldest message first), so a burst
 * costs some streams their call, never unbounded memory.
 *
 * A call merged into an older one while still in progress (a later link)
 * keeps its own id in `hot` until the hand-out: the correlator does not say
 * which calls it merged (`hotCall` of the absorbed id is undefined, and
 * asking would wake parked calls). A stream that finishes in that gap
 * names the absorbed call.
 */
import type { CallRecord } from '../correlate/model.js';

/** Most entries in each map: 4× the SDP addresses the media map keeps (media-map.ts). */
export const MAX_SDP_MESSAGES = 262_144;

export class StreamCalls {
  private readonly hot = new Map<number, number>();
  /** Handed-out messages' final calls; they leave in hand-out order (`order`), retired or over `max`. */
  private readonly final = new Map<number, number>();
  /**
   * The ids put in `final`, in that order, from `order[orderHead]` (absolute
   * position `orderBase + orderHead`). Leaving from the front goes through
   * this queue, not Map iteration: a Map's keys() skips every entry deleted
   * before it until the table is rebuilt, O(n) per call at a busy link.
   */
  private order: number[] = [];
  private orderHead = 0;
  private orderBase = 0;
  /** Hand-outs not yet forgotten: [capture time, the absolute end of its ids in `order`]. */
  private readonly retiring: Array<[number, number]> = [];
  private head = 0;

  constructor(
    private readonly keep: number,
    private readonly max = MAX_SDP_MESSAGES,
  ) {}

  /** Messages remembered. */
  get size(): number {
    return this.hot.size + this.final.size;
  }

  /** Message `id` had SDP and arrived in `call`. */
  sdp(id: number, call: number): void {
    this.hot.set(id, call);
    // Over the cap only in a burst: the oldest message of a call still in progress goes.
    if (this.hot.size > this.max) this.hot.delete(this.hot.keys().next().value as number);
  }

  /**
   * `call` was handed out as over at capture time `now`: its messages with
   * SDP take its final id. Returns whether it had any (streams may still name it).
   */
  handedOut(call: CallRecord, now: number): boolean {
    if (this.hot.size === 0) return false;
    let any = false;
    for (const id of call.messages) {
      if (!this.hot.delete(id)) continue;
      this.final.set(id, call.id);
      this.order.push(id);
      any = true;
    }
    if (!any) return false;
    this.retiring.push([now, this.orderBase + this.order.length]);
    while (this.final.size > this.max) this.final.delete(this.order[this.orderHead++]);
    if (this.retiring.length - this.head > this.max) this.head++;
    this.compact();
    return true;
  }

  /** The call of message `id` (null: not a message with SDP, or forgotten). */
  callOf(id: number): number | null {
    return this.final.get(id) ?? this.hot.get(id) ?? null;
  }

  /** Forgets the hand-outs older than `keep` at capture time `now`. */
  advance(now: number): void {
    const q = this.retiring;
    while (this.head < q.length && q[this.head][0] + this.keep < now) {
      const end = q[this.head++][1] - this.orderBase;
      // The cap may have taken them already (front first).
      while (this.orderHead < end) this.final.delete(this.order[this.orderHead++]);
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
    this.compact();
  }

  private compact(): void {
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderBase += this.orderHead;
      this.orderHead = 0;
    }
  }

  clear(): void {
    this.hot.clear();
    this.final.clear();
    this.order = [];
    this.orderHead = 0;
    this.orderBase = 0;
    this.retiring.length = 0;
    this.head = 0;
  }
}
