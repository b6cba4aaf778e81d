/**
 * What the RTCP Extended Reports (RFC 3611, rtcp-xr.ts) of a capture say
 * about each RTP stream, filed as rtcp-reports.ts files the RR report
 * blocks: a VoIP Metrics (§4.7) or Statistics Summary (§4.6) block about
 * source X in XR from host B to host A is about the stream X that A sends
 * to B — what its receiver measured, MOS and R factor included. A DLRR
 * (§4.5) naming a Receiver Reference Time (§4.4) seen in the capture gives a
 * round trip, timed at the capture point as the RR's LSR/DLSR one is: the
 * stream is the one the DLRR's sender sends to the host that sent the RRT.
 * Bounded state: at most `maxStreams` streams and as many reference times.
 */
import type { RtcpXr, XrVoipMetrics } from './rtcp-xr.js';

/** The last VoIP Metrics block about a stream (RFC 3611 §4.7), in units: null where the reporter said unavailable. */
export interface XrVoipSummary {
  /** Fractions (the fields' 256ths) as percent to 0.1. */
  lossPercent: number;
  discardPercent: number;
  burstDensityPercent: number;
  gapDensityPercent: number;
  burstDurationMs: number;
  gapDurationMs: number;
  roundTripDelayMs: number;
  endSystemDelayMs: number;
  signalLevelDbm: number | null;
  noiseLevelDbm: number | null;
  rerlDb: number | null;
  gmin: number;
  rFactor: number | null;
  extRFactor: number | null;
  mosLq: number | null;
  mosCq: number | null;
  plc: 'unspecified' | 'disabled' | 'enhanced' | 'standard';
  jitterBuffer: 'unknown' | 'reserved' | 'non-adaptive' | 'adaptive';
  jbNominalMs: number;
  jbMaximumMs: number;
  jbAbsMaxMs: number;
}

/** What the stream's receiver said in XR (RtcpSummary `xr`). */
export interface XrSummary {
  /** VoIP Metrics blocks about the stream, and the last one (null: none). */
  voipReports: number;
  voip: XrVoipSummary | null;
  /** Statistics Summary blocks about the stream, and the last one's counts (null: none, or its flag off). */
  statsReports: number;
  statsLost: number | null;
  statsDuplicates: number | null;
  /** Round trips from a DLRR naming an RRT of the capture (ms, to 0.001). */
  roundTrips: number;
  meanRoundTripMs: number | null;
  maxRoundTripMs: number | null;
  /** XR packets of the stream's sender whose blocks ran past their packet or were too short (rtcp-xr.ts). */
  malformed: number;
}

interface Acc {
  voipReports: number;
  voip: XrVoipMetrics | null;
  statsReports: number;
  statsLost: number | null;
  statsDuplicates: number | null;
  roundTrips: number;
  rttSum: number;
  rttMax: number;
  malformed: number;
}

/** Which stream an XR block is about (rtcp-reports.ts StreamKeyOf): `fromSource`, the one the packet's sender sends. */
type StreamKeyOf = (ssrc: number, fromSource: boolean) => string | null;

const PLC = ['unspecified', 'disabled', 'enhanced', 'standard'] as const;
const JBA = ['unknown', 'reserved', 'non-adaptive', 'adaptive'] as const;
const RRT_KEPT = 4;
/** As rtcp-reports.ts: a round trip this far below 0 is still 0. */
const RTT_SLACK = 0.01;

const pct = (v: number): number => Math.round((v / 256) * 1000) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class XrReports {
  private readonly streams = new Map<string, Acc>();
  /** Reference times by `rrtSenderSsrc srcHost dstHost`: NTP middle bits and capture time. */
  private readonly rrts = new Map<string, { ntp: number[]; at: number[] }>();

  constructor(private readonly maxStreams = 16_384) {}

  /** The XR packets of one compound from host `src` to host `dst`, captured at `ts` (s). */
  add(xrs: readonly RtcpXr[], src: string, dst: string, ts: number, streamOf: StreamKeyOf): void {
    for (const x of xrs) {
      if (x.malformed > 0) {
        const own = streamOf(x.ssrc, true);
        if (own !== null) this.acc(own).malformed += x.malformed;
      }
      for (const b of x.blocks) {
        if (b.type === 'rrt') this.reference(`${x.ssrc} ${src} ${dst}`, b.ntpMiddle, ts);
        else if (b.type === 'dlrr') {
          const key = streamOf(x.ssrc, true);
          if (key !== null)
            for (const i of b.items) this.roundTrip(key, `${i.ssrc} ${dst} ${src}`, i.lrr, i.dlrr, ts);
        } else {
          const key = streamOf(b.ssrc, false);
          if (key === null) continue;
          const a = this.acc(key);
          if (b.type === 'voip') {
            a.voipReports++;
            a.voip = b;
          } else {
            a.statsReports++;
            a.statsLost = b.lost;
            a.statsDuplicates = b.duplicates;
          }
        }
      }
    }
  }

  /** What XR said about the stream a StreamKeyOf named `key` (null: nothing); forgotten after. */
  take(key: string): XrSummary | null {
    const a = this.streams.get(key);
    if (a === undefined) return null;
    this.streams.delete(key);
    return {
      voipReports: a.voipReports,
      voip: a.voip === null ? null : voipSummary(a.voip),
      statsReports: a.statsReports,
      statsLost: a.statsLost,
      statsDuplicates: a.statsDuplicates,
      roundTrips: a.roundTrips,
      meanRoundTripMs: a.roundTrips > 0 ? round3(a.rttSum / a.roundTrips) : null,
      maxRoundTripMs: a.roundTrips > 0 ? round3(a.rttMax) : null,
      malformed: a.malformed,
    };
  }

  private reference(key: string, ntp: number, ts: number): void {
    let r = this.rrts.get(key);
    if (r === undefined) {
      if (this.rrts.size >= this.maxStreams) this.rrts.delete(this.rrts.keys().next().value as string);
      r = { ntp: [], at: [] };
      this.rrts.set(key, r);
    }
    r.ntp.push(ntp);
    r.at.push(ts);
    if (r.ntp.length > RRT_KEPT) {
      r.ntp.shift();
      r.at.shift();
    }
  }

  /** RFC 3611 §4.5: round trip = arrival of the DLRR − LRR − DLRR, LRR the RRT seen at the capture point. */
  private roundTrip(stream: string, rrtKey: string, lrr: number, dlrr: number, ts: number): void {
    const r = this.rrts.get(rrtKey);
    const i = lrr === 0 || r === undefined ? -1 : r.ntp.lastIndexOf(lrr);
    if (r === undefined || i < 0) return;
    const rtt = ts - r.at[i] - dlrr / 65536;
    // As for LSR/DLSR: a delay longer than the capture saw between the two is a broken report.
    if (rtt < -RTT_SLACK) return;
    const ms = Math.max(0, rtt * 1000);
    const a = this.acc(stream);
    a.roundTrips++;
    a.rttSum += ms;
    if (ms > a.rttMax) a.rttMax = ms;
  }

  private acc(key: string): Acc {
    let a = this.streams.get(key);
    if (a === undefined) {
      if (this.streams.size >= this.maxStreams)
        this.streams.delete(this.streams.keys().next().value as string);
      a = {
        voipReports: 0,
        voip: null,
        statsReports: 0,
        statsLost: null,
        statsDuplicates: null,
        roundTrips: 0,
        rttSum: 0,
        rttMax: 0,
        malformed: 0,
      };
      this.streams.set(key, a);
    }
    return a;
  }
}

function voipSummary(v: XrVoipMetrics): XrVoipSummary {
  return {
    lossPercent: pct(v.lossRate),
    discardPercent: pct(v.discardRate),
    burstDensityPercent: pct(v.burstDensity),
    gapDensityPercent: pct(v.gapDensity),
    burstDurationMs: v.burstDuration,
    gapDurationMs: v.gapDuration,
    roundTripDelayMs: v.roundTripDelay,
    endSystemDelayMs: v.endSystemDelay,
    signalLevelDbm: v.signalLevel,
    noiseLevelDbm: v.noiseLevel,
    rerlDb: v.rerl,
    gmin: v.gmin,
    rFactor: v.rFactor,
    extRFactor: v.extRFactor,
    mosLq: v.mosLq,
    mosCq: v.mosCq,
    plc: PLC[v.plc],
    jitterBuffer: JBA[v.jba],
    jbNominalMs: v.jbNominal,
    jbMaximumMs: v.jbMaximum,
    jbAbsMaxMs: v.jbAbsMax,
  };
}
