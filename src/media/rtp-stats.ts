/** Statistics of one RTP stream (one SSRC, one source → destination): RFC 3550 A.1 and A.8. */
import type { RtpHeader } from './rtp-header.js';

/** RFC 3550 A.1: a forward step below this is a gap; at or above it, a jump. */
const MAX_DROPOUT = 3000;
/** RFC 3550 A.1: this far behind the highest sequence is a late or duplicate packet. */
const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;
const MAX_PAYLOAD_TYPES = 8;
/**
 * A payload type not seen for longer than this (s) begins a new activity
 * span. Longer than the audio's pause for a DTMF digit (RFC 4733: an event
 * lasts tens to hundreds of ms, a long press a second or so) and than the
 * short silences a VAD fills with comfort noise (RFC 3389) between words;
 * shorter than a hold or a fax, which last many seconds. A longer pause
 * split off costs one span of the bound, never a finding: the spans only
 * say when the type was sent.
 */
export const SPAN_GAP = 2;
/**
 * Activity spans kept per payload type: past it, the two closest (the
 * shortest pause between them) become one, so the longest pauses, the ones
 * a re-negotiation explains, are the ones kept.
 */
const MAX_SPANS = 16;
/**
 * A transit-time difference D below minus this (s) that does not answer a
 * delayed packet just before is the sender's timestamps jumping ahead, not
 * delay: at most a tenth of the 50 ms media.jitter threshold (12.5 ms of J)
 * comes from anything smaller.
 */
const TIMESTAMP_JUMP = 0.2;
/**
 * A D above this (s) is delay only when a burst follows (the next packet
 * arrives sooner than its timestamp says: the queue draining); a sender that
 * paused without advancing its timestamps resumes at its own pace instead.
 */
const STALL = TIMESTAMP_JUMP;

/** What `RtpStreamStats.add` reads of an RTP header (parseRtp's object is one). */
export type StatsHeader = Pick<
  RtpHeader,
  'marker' | 'payloadType' | 'sequence' | 'timestamp' | 'ssrc' | 'payloadLength'
>;

export interface RtpStreamSummary {
  /** "0x06C156FD" ("0x00000000" before the first packet). */
  ssrc: string;
  packets: number;
  /** Payload bytes. */
  bytes: number;
  expected: number;
  /** expected − packets: negative when there are duplicates. */
  lost: number;
  /** lost / expected · 100, to 0.1; 0 when nothing is expected. */
  lostPercent: number;
  sequenceErrors: number;
  /** Capture time of the first and the last packet, seconds (0 before the first packet). */
  start: number;
  end: number;
  /** end − start; 0 with fewer than 2 packets. */
  durationMs: number;
  minDeltaMs: number | null;
  meanDeltaMs: number | null;
  maxDeltaMs: number | null;
  meanJitterMs: number | null;
  maxJitterMs: number | null;
  /**
   * The jitter the network added: the same estimate over voice packets only
   * (pairs touching a talkspurt start, comfort noise or a telephone event
   * left out, and a D of 1 s or more), what media.jitter judges.
   */
  meanNetworkJitterMs: number | null;
  maxNetworkJitterMs: number | null;
  payloadTypes: number[];
  /** Packets of each of those payload types, in the same order. */
  payloadTypePackets: number[];
  /** Capture time (s) of the first and the last packet of each of those payload types, in the same order. */
  payloadTypeStart: number[];
  payloadTypeEnd: number[];
  /**
   * When each of those payload types was sent, in the same order: its
   * activity spans [first, last] (s), runs of its packets with no pause
   * longer than SPAN_GAP, in time order, at most MAX_SPANS.
   */
  payloadTypeSpans: Array<Array<[number, number]>>;
  markers: number;
}

/**
 * Accumulates one RTP stream, packet by packet in capture order; `add` only
 * does arithmetic (no allocation).
 *
 * Sequence numbers (RFC 3550 A.1, without the probation of new sources):
 * the first packet sets the base; a step of 1 to MAX_DROPOUT − 1 past the
 * highest sequence so far moves the highest one, counting a 16-bit wrap as a
 * new cycle; up to MAX_MISORDER behind it (or equal) is a late packet or a
 * duplicate. Anything else is a jump: it moves nothing, and when the next
 * packet follows it (jump + 1) the sender is taken to have restarted its
 * numbering, and counting goes on from the jump (what was expected before it
 * is kept). `expected` is the extended highest minus the base, plus one, and
 * every packet counts as received, so lost = expected − packets is negative
 * with duplicates, as in Wireshark. A sequence error is a packet other than
 * the first whose sequence is not the highest so far + 1 (gap, late,
 * duplicate, jump); the packet that confirms a restart is not one.
 *
 * Interarrival jitter (RFC 3550 §6.4.1, A.8), between consecutive packets in
 * capture order, when the clock rate is known:
 * D = (Rj − Ri) − (Sj − Si) / clockRate, with Sj − Si the signed 32-bit
 * difference of the RTP timestamps (so it survives the wrap at 2^32), and
 * J += (|D| − J) / 16.
 *
 * Beside it, the same estimate of the delay the network added alone: a pair
 * is left out when its later packet starts a talkspurt, when either packet is
 * comfort noise or a telephone event (RFC 4733 §2.5.1.2: every packet of an
 * event carries the event's start timestamp, so D grows by a packet interval
 * at each), and when the timestamps jumped ahead of the arrival: D below
 * −TIMESTAMP_JUMP (the packet stamped later than it arrived, by more than ten
 * packet intervals), unless the pair before had the matching positive D (a
 * packet delayed by x gives +x, then −x for the one after it, both delay).
 * A large +x counts when a burst follows it (the network held packets and
 * let them go: the next one arrives sooner than its timestamp says), not
 * when the packets resume at their pace (the sender paused and did not
 * advance its timestamps: a fax switch, a hold). One DTMF digit or one timestamp jump lifts Wireshark's J by up to
 * |D|/16 and takes ~60 packets to decay; this one does not move.
 */
export class RtpStreamStats {
  packets = 0;
  /** Payload bytes. */
  bytes = 0;
  markers = 0;
  sequenceErrors = 0;
  /** Forward gaps in the sequence numbers: runs of lost packets (the E-model's loss pattern, stream-quality.ts). */
  lossRuns = 0;
  /** Capture time (seconds) of the first and the last packet; NaN before the first. */
  first = Number.NaN;
  last = Number.NaN;
  ssrc = 0;

  private baseSeq = 0;
  private maxSeq = 0;
  /** Wraps of the highest sequence, times 65536 (as A.1 keeps `cycles`). */
  private cycles = 0;
  /** The sequence that would confirm a restart after a jump; -1 when none. */
  private badSeq = -1;
  /** Expected packets of the numbering before the last restart. */
  private expectedPrior = 0;

  private lastRtpTs = 0;
  /** The previous packet was comfort noise. */
  private afterCn = false;
  private deltaCount = 0;
  private deltaSum = 0;
  private deltaMin = Number.POSITIVE_INFINITY;
  private deltaMax = Number.NEGATIVE_INFINITY;

  /** Current interarrival jitter in seconds (A.8's J). */
  private jitter = 0;
  private jitterCount = 0;
  private jitterSum = 0;
  private jitterMax = 0;
  /** The network's share (see the class comment), in seconds. */
  private netJitter = 0;
  private netCount = 0;
  private netSum = 0;
  private netMax = 0;
  /** The previous packet was a telephone event. */
  private afterEvent = false;
  /** D of the previous pair (s), for the jump test. */
  private lastD = 0;
  /** A large positive D waiting for the next pair to tell a stall (counted) from a pause (NaN: none). */
  private spike = Number.NaN;

  private readonly pts = new Uint8Array(MAX_PAYLOAD_TYPES);
  /** Packets of each payload type of `pts`. */
  private readonly ptPackets = new Uint32Array(MAX_PAYLOAD_TYPES);
  private readonly ptStart = new Float64Array(MAX_PAYLOAD_TYPES);
  private readonly ptEnd = new Float64Array(MAX_PAYLOAD_TYPES);
  private ptCount = 0;
  /** Start of each payload type's current activity span (it ends at `ptEnd`). */
  private readonly ptSpanFrom = new Float64Array(MAX_PAYLOAD_TYPES);
  /** Closed spans of each payload type, counted in `ptClosed`: MAX_SPANS [from, to] pairs each, made at the first pause. */
  private spanStore: Float64Array | null = null;
  private readonly ptClosed = new Uint8Array(MAX_PAYLOAD_TYPES);

  /** `clockRate` in Hz (8000 for G.711); null when unknown: no jitter then. */
  constructor(private clockRate: number | null) {}

  /** The RTP clock in Hz the jitter is reckoned with (null: unknown). */
  get rate(): number | null {
    return this.clockRate;
  }

  /** Jitter from the next packet on uses this rate. */
  setClockRate(rate: number | null): void {
    this.clockRate = rate;
  }

  /** The current interarrival jitter (A.8's J) in ms, unrounded; null without a clock rate or a jitter sample. */
  get jitterMs(): number | null {
    return this.jitterCount === 0 ? null : this.jitter * 1000;
  }

  /**
   * Counts one packet; `h` may be parseRtp's reused object, `ts` is its
   * capture time in seconds, `comfortNoise` says its payload type is CN
   * (RFC 3389), `event` that it is a telephone event (RFC 4733). The delta
   * and jitter figures leave out, as Wireshark's RTP stream analysis does, a
   * packet that starts a talkspurt (marker set, RFC 3551 §4.1), a CN packet
   * and the one after it: the gap before them is silence suppression, not
   * delay. The jitter estimate itself runs on.
   */
  add(h: StatsHeader, ts: number, comfortNoise = false, event = false): void {
    const quiet = h.marker || comfortNoise || this.afterCn;
    const voice = !quiet && !event && !this.afterEvent;
    this.afterCn = comfortNoise;
    this.afterEvent = event;
    const seq = h.sequence;
    if (this.packets === 0) {
      this.ssrc = h.ssrc;
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.first = ts;
    } else {
      this.sequence(seq);
      const delta = ts - this.last;
      if (!quiet) {
        this.deltaCount++;
        this.deltaSum += delta;
        if (delta < this.deltaMin) this.deltaMin = delta;
        if (delta > this.deltaMax) this.deltaMax = delta;
      }
      const rate = this.clockRate;
      if (rate !== null && rate > 0) {
        const d = delta - ((h.timestamp - this.lastRtpTs) | 0) / rate;
        this.jitter += (Math.abs(d) - this.jitter) / 16;
        if (!quiet) {
          this.jitterCount++;
          this.jitterSum += this.jitter;
          if (this.jitter > this.jitterMax) this.jitterMax = this.jitter;
        }
        const jump = d < -TIMESTAMP_JUMP && !(this.lastD > -d / 2);
        this.lastD = d;
        if (!Number.isNaN(this.spike)) {
          // A burst after it: the arrival gap under half what the timestamps say.
          const tsGap = ((h.timestamp - this.lastRtpTs) | 0) / rate;
          if (voice && delta < tsGap / 2) this.network(this.spike);
          this.spike = Number.NaN;
        }
        if (voice && d > STALL) this.spike = d;
        else if (voice && !jump) this.network(d);
      }
    }
    this.packets++;
    this.bytes += h.payloadLength;
    if (h.marker) this.markers++;
    this.last = ts;
    this.lastRtpTs = h.timestamp;
    this.payloadType(h.payloadType, ts);
  }

  /** One D of the network's jitter (A.8's update). */
  private network(d: number): void {
    this.netJitter += (Math.abs(d) - this.netJitter) / 16;
    this.netCount++;
    this.netSum += this.netJitter;
    if (this.netJitter > this.netMax) this.netMax = this.netJitter;
  }

  /** RFC 3550 A.1 update_seq, simplified as told in the class comment. */
  private sequence(seq: number): void {
    const udelta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    if (udelta === 1) {
      if (seq === 0) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
    } else if (seq === this.badSeq) {
      // Two in a row after a jump: the sender restarted its numbering. The
      // new numbering starts at the jump (seq - 1, kept unwrapped).
      this.expectedPrior += this.expected();
      this.baseSeq = seq - 1;
      this.maxSeq = seq;
      this.cycles = 0;
    } else {
      this.sequenceErrors++;
      if (udelta !== 0 && udelta < MAX_DROPOUT) {
        this.lossRuns++;
        if (seq < this.maxSeq) this.cycles += SEQ_MOD;
        this.maxSeq = seq;
      } else if (udelta !== 0 && udelta <= SEQ_MOD - MAX_MISORDER) {
        this.badSeq = (seq + 1) % SEQ_MOD;
        return;
      }
    }
    this.badSeq = -1;
  }

  private payloadType(pt: number, ts: number): void {
    const n = this.ptCount;
    for (let i = 0; i < n; i++)
      if (this.pts[i] === pt) {
        this.ptPackets[i]++;
        if (ts > this.ptEnd[i]) {
          if (ts - this.ptEnd[i] > SPAN_GAP) this.pause(i, ts);
          this.ptEnd[i] = ts;
        }
        return;
      }
    if (n === MAX_PAYLOAD_TYPES) return;
    this.pts[n] = pt;
    this.ptPackets[n] = 1;
    this.ptStart[n] = ts;
    this.ptEnd[n] = ts;
    this.ptSpanFrom[n] = ts;
    this.ptCount = n + 1;
  }

  /** The `i`th payload type resumes at `ts` after a pause: its current span closes and a new one begins. */
  private pause(i: number, ts: number): void {
    const store = (this.spanStore ??= new Float64Array(MAX_PAYLOAD_TYPES * MAX_SPANS * 2));
    const base = i * MAX_SPANS * 2;
    let k = this.ptClosed[i];
    if (k === MAX_SPANS - 1) {
      // Full: of the closed spans, the one ending and the one beginning, the closest two become one.
      let best = ts - this.ptEnd[i];
      let at = -1;
      for (let j = 0; j < k; j++) {
        const next = j + 1 < k ? store[base + 2 * j + 2] : this.ptSpanFrom[i];
        if (next - store[base + 2 * j + 1] < best) {
          best = next - store[base + 2 * j + 1];
          at = j;
        }
      }
      // This pause is the shortest: the current span goes on over it.
      if (at < 0) return;
      if (at + 1 < k) {
        // Closed span `at` takes in the next one's end; those after it move down one.
        store[base + 2 * at + 1] = store[base + 2 * at + 3];
        store.copyWithin(base + 2 * at + 2, base + 2 * at + 4, base + 2 * k);
      } else this.ptSpanFrom[i] = store[base + 2 * at];
      k--;
    }
    store[base + 2 * k] = this.ptSpanFrom[i];
    store[base + 2 * k + 1] = this.ptEnd[i];
    this.ptClosed[i] = k + 1;
    this.ptSpanFrom[i] = ts;
  }

  /** The activity spans of the `i`th payload type, in time order. */
  private spansOf(i: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const store = this.spanStore;
    const base = i * MAX_SPANS * 2;
    if (store !== null)
      for (let j = 0; j < this.ptClosed[i]; j++) out.push([store[base + 2 * j], store[base + 2 * j + 1]]);
    out.push([this.ptSpanFrom[i], this.ptEnd[i]]);
    return out;
  }

  /** Packets expected from the sequence numbers (A.1): extended highest − base + 1, over restarts. */
  expected(): number {
    if (this.packets === 0) return 0;
    return this.expectedPrior + this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** Plain JSON-ready numbers: ms rounded to 3 decimals, null where there are too few packets or no clock rate. */
  summary(): RtpStreamSummary {
    const n = this.packets;
    const expected = this.expected();
    const lost = expected - n;
    const deltas = this.deltaCount > 0;
    const jitters = this.jitterCount > 0;
    const net = this.netCount > 0;
    return {
      ssrc: formatSsrc(this.ssrc),
      packets: n,
      bytes: this.bytes,
      expected,
      lost,
      lostPercent: expected === 0 ? 0 : Math.round((lost / expected) * 1000) / 10 + 0,
      sequenceErrors: this.sequenceErrors,
      start: n === 0 ? 0 : this.first,
      end: n === 0 ? 0 : this.last,
      durationMs: n === 0 ? 0 : ms(this.last - this.first),
      minDeltaMs: deltas ? ms(this.deltaMin) : null,
      meanDeltaMs: deltas ? ms(this.deltaSum / this.deltaCount) : null,
      maxDeltaMs: deltas ? ms(this.deltaMax) : null,
      meanJitterMs: jitters ? ms(this.jitterSum / this.jitterCount) : null,
      maxJitterMs: jitters ? ms(this.jitterMax) : null,
      meanNetworkJitterMs: net ? ms(this.netSum / this.netCount) : null,
      maxNetworkJitterMs: net ? ms(this.netMax) : null,
      payloadTypes: Array.from(this.pts.subarray(0, this.ptCount)),
      payloadTypePackets: Array.from(this.ptPackets.subarray(0, this.ptCount)),
      payloadTypeStart: Array.from(this.ptStart.subarray(0, this.ptCount)),
      payloadTypeEnd: Array.from(this.ptEnd.subarray(0, this.ptCount)),
      payloadTypeSpans: Array.from({ length: this.ptCount }, (_, i) => this.spansOf(i)),
      markers: this.markers,
    };
  }
}

/** An SSRC as "0x06C156FD": 8 upper-case hex digits. */
export function formatSsrc(ssrc: number): string {
  return '0x' + (ssrc >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Seconds to ms, rounded to 3 decimals (+0 turns -0 into 0). */
function ms(seconds: number): number {
  return Math.round(seconds * 1e6) / 1000 + 0;
}
