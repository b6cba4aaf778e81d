/**
 * Which packets of a stream a receiver's jitter buffer would have thrown
 * away as too late, had it received them as the capture point did: a model
 * of a fixed buffer of JITTER_BUFFER_MS, the loss an E-model estimate counts
 * beside the packets never seen (e-model.ts, stream-quality.ts).
 *
 * As a fixed buffer plays (Asterisk's fixed jitter buffer works so): the
 * first packet of a talkspurt is played JITTER_BUFFER_MS after it arrived,
 * and each next one at the time its RTP timestamp gives (RFC 3550 §5.1)
 * from there. A packet arriving after its play-out time is late (dropped).
 * The buffer starts again from the packet at hand (it takes its transit,
 * arrival − timestamp / clock rate, as the reference) at a talkspurt
 * (marker bit, RFC 3551 §4.1), after a pause of PAUSE seconds or more (a
 * receiver plays out what it holds; a sender that did not advance its
 * timestamps over a hold loses nothing by it), when a packet comes earlier
 * than the buffer can hold (its reference moved ahead), and after RESYNC
 * late packets in a row (the delay grew for good: a route change, the two
 * clocks drifting apart — 50 ppm is 60 ms in 20 minutes; an adaptive
 * buffer follows, a fixed one resynchronises).
 *
 * `add` is arithmetic only; telephone events are not fed (RFC 4733: every
 * packet of an event carries its start timestamp, so they would all be late).
 */

/** The buffer (ms): 60 ms, three 20 ms packets, a common fixed size (the estimate says it assumed it). */
export const JITTER_BUFFER_MS = 60;
/** Seconds without a packet after which the buffer starts again. */
const PAUSE = 1;
/** Late packets in a row after which the buffer starts again from the last. */
const RESYNC = 10;

export class PlayoutBuffer {
  /** Packets that arrived after their play-out time. */
  late = 0;
  /** Runs of consecutive late packets (a burst of late packets is one loss event). */
  lateRuns = 0;

  private readonly buffer = JITTER_BUFFER_MS / 1000;
  private started = false;
  private lastArrival = 0;
  private firstTs = 0;
  /** Transit (s, timestamps relative to the first packet's) of the packet the buffer started from. */
  private reference = 0;
  /** Late packets in a row. */
  private streak = 0;

  /**
   * A packet with RTP timestamp `timestamp` that arrived at `arrival`
   * (seconds, capture time), `rate` its clock (Hz; null: unknown, not
   * judged), `marker` its marker bit.
   */
  add(timestamp: number, arrival: number, rate: number | null, marker: boolean): void {
    if (rate === null || rate <= 0) return;
    const first = !this.started;
    if (first) {
      this.started = true;
      this.firstTs = timestamp;
    }
    // Signed 32-bit difference: survives the timestamp's wrap.
    const transit = arrival - ((timestamp - this.firstTs) | 0) / rate;
    const restart = first || marker || arrival - this.lastArrival >= PAUSE;
    this.lastArrival = arrival;
    if (restart || transit < this.reference - this.buffer) {
      this.reference = transit;
      this.streak = 0;
      return;
    }
    if (transit - this.reference <= this.buffer) {
      this.streak = 0;
      return;
    }
    this.late++;
    if (this.streak === 0) this.lateRuns++;
    if (++this.streak >= RESYNC) {
      this.reference = transit;
      this.streak = 0;
    }
  }
}
