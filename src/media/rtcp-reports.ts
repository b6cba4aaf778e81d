/**
 * What the RTCP of the capture says about each RTP stream (RFC 3550 §6.4):
 * the stream's receiver reports the loss and jitter it saw — loss that may
 * have happened after the capture point, which the capture alone cannot
 * show — and its sender reports how many packets it sent. A report block
 * whose LSR names a sender report seen in the capture gives a round trip
 * (§6.4.1: A − LSR − DLSR), here timed at the capture point: the SR's and
 * the report's capture times, less the delay the receiver says it held the
 * SR (as Wireshark's RTCP round-trip calculation does).
 *
 * A stream is known by its SSRC and hosts: a report block about SSRC X in
 * RTCP from host B to host A is about the stream X that A sends to B; a
 * sender report of X from A to B is its sender's. A caller that tells
 * streams apart more finely (two with one SSRC between the same hosts: two
 * calls of a device that uses one SSRC for all) names the stream itself
 * (`StreamKeyOf`), and may leave a report out. The state is bounded
 * (`maxStreams`, oldest forgotten first) for a live capture that runs for
 * days.
 */
import type { RtcpReport } from './rtcp.js';
import { XrReports, type XrSummary } from './xr-reports.js';

/** What the reports said about one stream (RtpStreamRecord `rtcp`). */
export interface RtcpSummary {
  /** Report blocks about the stream (from its receiver's RRs and SRs); the next three are null without any. */
  reports: number;
  /** Largest fraction lost one report gave (percent of the packets expected in its interval, one decimal). */
  maxFractionLostPercent: number | null;
  /** The last report's cumulative number of packets lost (RFC 3550 §6.4.1; negative: duplicates). */
  cumulativeLost: number | null;
  /**
   * How much that count grew from the first report the capture holds to the
   * last: the losses of the time the capture saw. The cumulative count runs
   * from the start of reception, which may be before the capture began (or
   * before a live stream idle for a minute was split into a new record).
   */
  lostBetweenReports: number | null;
  /** Largest interarrival jitter reported, in ms of the stream's clock (null also when the clock is unknown). */
  maxJitterMs: number | null;
  /** Round trips reckoned from a report's LSR and DLSR and the sender report it names. */
  roundTrips: number;
  meanRoundTripMs: number | null;
  maxRoundTripMs: number | null;
  /** Packets the sender said it had sent, in its last sender report (null: no SR seen). */
  senderPackets: number | null;
  /** What its receiver said in RTCP Extended Reports (RFC 3611, xr-reports.ts): present only when it sent any about it. */
  xr?: XrSummary;
}

interface Acc {
  reports: number;
  maxFraction: number;
  cumulativeLost: number;
  firstCumulativeLost: number;
  maxJitter: number;
  roundTrips: number;
  rttSum: number;
  rttMax: number;
  senderPackets: number | null;
  /** The last few sender reports of the stream's sender: NTP middle bits and capture time. */
  srNtp: number[];
  srAt: number[];
}

const SR_KEPT = 4;

/** Seconds a round trip may come out below 0 and still be one (0): rounding, a receiver's coarse timer. */
const RTT_SLACK = 0.01;

const newAcc = (): Acc => ({
  reports: 0,
  maxFraction: 0,
  cumulativeLost: 0,
  firstCumulativeLost: 0,
  maxJitter: 0,
  roundTrips: 0,
  rttSum: 0,
  rttMax: 0,
  senderPackets: null,
  srNtp: [],
  srAt: [],
});

/** The key of the stream SSRC `ssrc` sent from host `src` to host `dst`. */
const keyOf = (ssrc: number, src: string, dst: string): string => `${ssrc} ${src} ${dst}`;

/**
 * Which stream a report of an RTCP packet is about: the stream SSRC `ssrc`
 * that the packet's source host sends to its destination host
 * (`fromSource`, a sender report's) or the other way (a report block's).
 * Its key (what `takeKey` takes), or null: no such stream, the report is
 * left out.
 */
export type StreamKeyOf = (ssrc: number, fromSource: boolean) => string | null;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class RtcpReports {
  private readonly streams = new Map<string, Acc>();
  /** The Extended Reports (RFC 3611), filed by the same stream keys; `takeKey` gives them in `xr`. */
  readonly xr: XrReports;

  constructor(private readonly maxStreams = 16_384) {
    this.xr = new XrReports(maxStreams);
  }

  /**
   * The SRs and RRs of one compound packet from host `src` to host `dst`,
   * captured at `ts` (seconds); `streamOf` names the streams (default: by
   * SSRC and hosts).
   */
  add(
    reports: readonly RtcpReport[],
    src: string,
    dst: string,
    ts: number,
    streamOf: StreamKeyOf = (ssrc, fromSource) =>
      fromSource ? keyOf(ssrc, src, dst) : keyOf(ssrc, dst, src),
  ): void {
    for (const r of reports) {
      // The reporter sends stream r.ssrc to dst: its own sender report.
      const senderKey = r.sender === null ? null : streamOf(r.ssrc, true);
      if (r.sender !== null && senderKey !== null) {
        const a = this.acc(senderKey);
        a.senderPackets = r.sender.packets;
        a.srNtp.push(r.sender.ntpMiddle);
        a.srAt.push(ts);
        if (a.srNtp.length > SR_KEPT) {
          a.srNtp.shift();
          a.srAt.shift();
        }
      }
      for (const b of r.blocks) {
        // About a stream the reporter receives: sent by dst to src.
        const key = streamOf(b.ssrc, false);
        if (key === null) continue;
        const a = this.acc(key);
        a.reports++;
        if (b.fractionLost > a.maxFraction) a.maxFraction = b.fractionLost;
        if (a.reports === 1) a.firstCumulativeLost = b.cumulativeLost;
        a.cumulativeLost = b.cumulativeLost;
        if (b.jitter > a.maxJitter) a.maxJitter = b.jitter;
        if (b.lsr === 0) continue;
        const i = a.srNtp.lastIndexOf(b.lsr);
        if (i < 0) continue;
        const rtt = ts - a.srAt[i] - b.dlsr / 65536;
        // A receiver cannot have held the SR longer than the capture point saw between the SR and this
        // report: a DLSR past that (a broken or hostile report, up to 18 hours) gives no round trip.
        if (rtt < -RTT_SLACK) continue;
        // Clocks and rounding can make a near-zero round trip slightly negative: it was 0.
        const ms = Math.max(0, rtt * 1000);
        a.roundTrips++;
        a.rttSum += ms;
        if (ms > a.rttMax) a.rttMax = ms;
      }
    }
  }

  /**
   * What was reported about the stream SSRC `ssrc` from host `src` to host
   * `dst` (null: nothing), its jitter in ms of `clockRate` (Hz; 0 unknown).
   * The stream's state is forgotten: its record is made once.
   */
  take(ssrc: number, src: string, dst: string, clockRate: number): RtcpSummary | null {
    return this.takeKey(keyOf(ssrc, src, dst), clockRate);
  }

  /** The same for the stream a `StreamKeyOf` named `key`. */
  takeKey(key: string, clockRate: number): RtcpSummary | null {
    const xr = this.xr.take(key);
    const a = this.streams.get(key) ?? newAcc();
    this.streams.delete(key);
    if (a.reports === 0 && a.senderPackets === null && xr === null) return null;
    const reported = a.reports > 0;
    return {
      ...(xr === null ? {} : { xr }),
      reports: a.reports,
      maxFractionLostPercent: reported ? Math.round((a.maxFraction / 256) * 1000) / 10 : null,
      cumulativeLost: reported ? a.cumulativeLost : null,
      lostBetweenReports: reported ? a.cumulativeLost - a.firstCumulativeLost : null,
      maxJitterMs: reported && clockRate > 0 ? round3((a.maxJitter / clockRate) * 1000) : null,
      roundTrips: a.roundTrips,
      meanRoundTripMs: a.roundTrips > 0 ? round3(a.rttSum / a.roundTrips) : null,
      maxRoundTripMs: a.roundTrips > 0 ? round3(a.rttMax) : null,
      senderPackets: a.senderPackets,
    };
  }

  private acc(key: string): Acc {
    let a = this.streams.get(key);
    if (a === undefined) {
      if (this.streams.size >= this.maxStreams)
        this.streams.delete(this.streams.keys().next().value as string);
      a = newAcc();
      this.streams.set(key, a);
    }
    return a;
  }
}
