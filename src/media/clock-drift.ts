/**
 * The figures Wireshark's RTP Stream Analysis dialog gives a stream beside
 * its jitter: Max Skew, Clock Drift and Freq Drift. They tell a sender whose
 * sample clock runs fast or slow (its timestamps gain or lose on real time
 * the longer the stream lasts: audio that drifts out of the receiver's
 * jitter buffer, periodic clicks) from network jitter (arrivals that scatter
 * around the timestamps' line but do not walk away from it).
 *
 * As Wireshark computes them (ui/tap-rtp-analysis.c rtppacket_analyse,
 * ui/tap-rtp-common.c rtpstream_info_calculate), for each packet after the
 * first:
 * - nominal time: how far its RTP timestamp is from the first packet's, in
 *   seconds at the clock rate (RFC 3550 §5.1: the timestamp counts sampling
 *   instants; extended over the 2^32 wrap by adding each step from the
 *   packet before as a signed 32-bit difference, so any number of wraps and
 *   a packet earlier than the one before both count right);
 * - arrival time: its capture time less the first packet's;
 * - skew = nominal − arrival (positive: the timestamps run ahead of the
 *   arrivals; negative: the packet is late).
 *
 * Max Skew: the skew of largest magnitude, with its sign.
 * Clock drift: the slope r of the least-squares line of nominal time on
 * arrival time (1 when the sender's clock keeps real time), over the
 * stream's duration: duration · (r − 1), in ms: how much media time the
 * sender's timestamps gained (positive: its clock runs fast) or lost
 * over the stream on the capture's clock.
 * Freq drift: the clock rate the arrivals imply, rate · r, in Hz, and
 * (r − 1) in percent. Computed as the regression of skew on arrival (slope
 * r − 1, the same line) with running means, so that a deviation of a few
 * ppm is not lost in the sums of squares of a long stream.
 *
 * Where we depart from Wireshark, and why:
 * - Wireshark's dialog shows as Freq Drift r · trunc(rate · r), the ratio
 *   applied twice (a 0.1 % fast 8 kHz sender reads 8016 Hz there): we give
 *   rate · r (8008 Hz), the rate the arrivals imply. The percent is the
 *   same.
 * - Telephone events (RFC 4733 §2.5.1.2: every packet of an event carries the
 *   event's start timestamp), and packets of a payload type whose clock rate
 *   is unknown (no codec for it: Cisco NSE on PT 100, say), are left out of
 *   the max skew and the line, as Wireshark means to (it gives them no clock
 *   rate), but they stay in the timestamp extension, and arrivals keep
 *   counting from the first packet: Wireshark sums arrival deltas only over
 *   packets with a clock rate, so a DTMF digit shifts its skew by the
 *   event's length for the rest of the stream; here it does not. And the
 *   line counts the points it has; Wireshark divides by every packet, events
 *   too. On a stream without such packets the figures are Wireshark's
 *   (test/corpus/rtp-drift.test.ts checks so on the corpus).
 * - Fewer than two packets, or all at one instant: no line, the drifts null
 *   (Wireshark shows 0).
 * Comfort noise and talkspurts after silence (marker bit, RFC 3551 §4.1)
 * stay in: a sender's timestamps go on counting real time through silence
 * (RFC 3550 §5.1), so they fall on the same line.
 */
import type { ClockDriftFigures } from './clock-drift-figures.js';

export type { ClockDriftFigures };

/** Accumulates one stream's skew line, packet by packet in capture order (arithmetic only). */
export class ClockDrift {
  private packets = 0;
  private firstArrival = 0;
  private lastArrival = 0;
  private lastTimestamp = 0;
  /** Ticks from the first packet's timestamp to the last one's, extended past the wrap. */
  private ticks = 0;
  private maxSkew = 0;
  /** Points on the line, their running means and co-moments (Welford). */
  private n = 0;
  private meanX = 0;
  private meanS = 0;
  private cxx = 0;
  private cxs = 0;

  /** `rate`: the stream's RTP clock in Hz, > 0. */
  constructor(private readonly rate: number) {}

  /**
   * One packet: `arrival` its capture time (s), `timestamp` its RTP
   * timestamp, `offClock` it is a telephone event or of a payload type
   * without a known clock rate (kept off the line). Returns its skew in
   * seconds (0 for the first).
   */
  add(arrival: number, timestamp: number, offClock = false): number {
    if (this.packets++ === 0) {
      this.firstArrival = arrival;
      this.lastTimestamp = timestamp;
    } else {
      // RFC 3550 §5.1: the timestamp wraps at 2^32; the step from the packet before, signed.
      this.ticks += (timestamp - this.lastTimestamp) | 0;
      this.lastTimestamp = timestamp;
    }
    this.lastArrival = arrival;
    const x = arrival - this.firstArrival;
    const skew = this.ticks / this.rate - x;
    if (offClock) return skew;
    if (Math.abs(skew) > Math.abs(this.maxSkew)) this.maxSkew = skew;
    this.n++;
    const dx = x - this.meanX;
    this.meanX += dx / this.n;
    this.meanS += (skew - this.meanS) / this.n;
    this.cxx += dx * (x - this.meanX);
    this.cxs += dx * (skew - this.meanS);
    return skew;
  }

  figures(): ClockDriftFigures {
    const maxSkewMs = this.n === 0 ? null : round(this.maxSkew * 1000, 1000);
    if (this.n < 2 || !(this.cxx > 0))
      return { maxSkewMs, clockDriftMs: null, freqDriftHz: null, freqDriftPercent: null };
    // r − 1: the slope of skew on arrival.
    const slope = this.cxs / this.cxx;
    return {
      maxSkewMs,
      clockDriftMs: round((this.lastArrival - this.firstArrival) * slope * 1000, 1000),
      freqDriftHz: round(this.rate * (1 + slope), 1000),
      freqDriftPercent: round(slope * 100, 10000),
    };
  }
}

/** The figures of a stream without a clock rate. */
export const NO_CLOCK_DRIFT: ClockDriftFigures = {
  maxSkewMs: null,
  clockDriftMs: null,
  freqDriftHz: null,
  freqDriftPercent: null,
};

/** `v` to 1/`per` (+0 turns −0 into 0). */
function round(v: number, per: number): number {
  return Math.round(v * per) / per + 0;
}
