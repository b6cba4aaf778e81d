/**
 * How bad a stream sounded, estimated: an E-model R factor and its MOS
 * (ITU-T G.107, simplified: e-model.ts) from what the capture point saw of
 * the stream — its codec (G.113's Ie and Bpl: codec-impairment.ts), the
 * packets lost before the capture point or (when its receiver's RTCP says
 * more) on the whole path, the packets a fixed jitter buffer would have
 * dropped as late (playout-buffer.ts), and the one-way delay when RTCP gave
 * a round trip (an RR's, else an XR DLRR's). An estimate of what the network did to the call, not a
 * perceptual measurement of the sound (PESQ, POLQA): echo, noise, levels and
 * the phones' own delay are the G.107 defaults.
 */
import { type CodecImpairment, impairmentOf, voiceCodec } from './codec-impairment.js';
import { burstRatio, mosFromR, rFactor } from './e-model.js';
import { JITTER_BUFFER_MS } from './playout-buffer.js';
import type { RtcpSummary } from './rtcp-reports.js';

/** A stream the estimate rates (RtpStreamRecord `quality`). */
export interface RatedQuality {
  /** R factor (G.107), to 0.1. */
  r: number;
  /** MOS from R (G.107 Annex B), to 0.01. */
  mos: number;
  /** The codec rated (its RTP encoding name) and its G.113 values. */
  codec: string;
  ie: number;
  bpl: number;
  /** Ie,eff: Ie with the packet loss, to 0.01. */
  ieEff: number;
  /** Ppl: the packets counted lost, percent of those expected, to 0.01. */
  ppl: number;
  /** BurstR of the loss pattern, to 0.01 (1: random, or unknown). */
  burstR: number;
  /** Packets lost (never seen, or the receiver's RTCP count: `lossFrom`) and packets past the jitter buffer. */
  lostPackets: number;
  latePackets: number;
  lossFrom: 'capture' | 'rtcp';
  jitterBufferMs: number;
  /** One-way delay counted (RTT/2 + jitter buffer + packet interval, ms to 0.1); null: no round trip, Id = 0. */
  delayMs: number | null;
  /** Id, the delay impairment, to 0.01. */
  id: number;
  /** What the estimate took for granted, as short sentences. */
  assumptions: string[];
}

/** A stream the estimate cannot rate, and why. */
export interface UnratedQuality {
  r: null;
  mos: null;
  codec: string | null;
  reason: string;
}

export type StreamQuality = RatedQuality | UnratedQuality;

/** What the estimate reads of a stream (an RtpStreamRecord is one). */
export interface QualityInput {
  media: string;
  codecs: readonly string[];
  expected: number;
  lost: number;
  meanDeltaMs: number | null;
  rtcp?: RtcpSummary;
}

/** What the capture showed of the loss pattern: runs of lost packets (RtpStreamStats), late packets and their runs (PlayoutBuffer). */
export interface LossPattern {
  lossRuns: number;
  late: number;
  lateRuns: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f + 0;
};

/** Packet interval assumed when a stream has too few packets to show its own (ms). */
const DEFAULT_PTIME = 20;

/** The estimate for stream `s` whose packets showed `pattern`. */
export function streamQuality(s: QualityInput, pattern: LossPattern): StreamQuality {
  const voice = voiceCodec(s.codecs);
  if (s.media !== 'audio') return unrated(voice, `${s.media.slice(0, 32)} is not audio`);
  if (voice === null) return unrated(null, 'no voice codec (only comfort noise or telephone events)');
  const codec = impairmentOf(voice);
  if ('reason' in codec) return unrated(voice, codec.reason);
  if (s.expected <= 0) return unrated(codec.codec, 'no packets expected');
  return rated(codec, s, pattern);
}

function unrated(codec: string | null, reason: string): UnratedQuality {
  return { r: null, mos: null, codec: codec === null ? null : codec.slice(0, 32), reason };
}

function rated(codec: CodecImpairment, s: QualityInput, pattern: LossPattern): RatedQuality {
  const assumptions = [codec.entry, `fixed jitter buffer of ${JITTER_BUFFER_MS} ms`];
  // The receiver counts from its side of the path (RFC 3550 §6.4.1): more than the capture saw is loss after it.
  const seen = Math.max(s.lost, 0);
  const reported = s.rtcp?.lostBetweenReports ?? null;
  const fromRtcp = reported !== null && reported > seen;
  const lost = fromRtcp ? reported : seen;
  const counted = Math.min(lost + pattern.late, s.expected);
  const ppl = (counted / s.expected) * 100;
  // RTCP gives a count, not a pattern: bursts unknown, taken as random.
  const burstR = fromRtcp ? 1 : burstRatio(s.expected, counted, pattern.lossRuns + pattern.lateRuns);
  if (fromRtcp) assumptions.push('loss as its receiver reported it in RTCP, pattern unknown: BurstR 1');
  // The RR's LSR/DLSR round trip, else the XR DLRR one (RFC 3611 §4.5): both timed at the capture point.
  const rtt = s.rtcp?.meanRoundTripMs ?? s.rtcp?.xr?.meanRoundTripMs ?? null;
  let delayMs: number | null = null;
  if (rtt === null) assumptions.push('no RTCP round trip: delay not counted (Id 0)');
  else {
    const ptime = s.meanDeltaMs === null ? DEFAULT_PTIME : Math.round(s.meanDeltaMs);
    delayMs = rtt / 2 + JITTER_BUFFER_MS + ptime;
    assumptions.push(
      `one-way delay: half the RTCP round trip beyond the capture point + jitter buffer + ${ptime} ms packet interval`,
    );
  }
  const { r, id, ieEff } = rFactor({ ie: codec.ie, bpl: codec.bpl, ppl, burstR, delayMs });
  return {
    r: round(r, 1),
    mos: round(mosFromR(r), 2),
    codec: codec.codec,
    ie: codec.ie,
    bpl: codec.bpl,
    ieEff: round(ieEff, 2),
    ppl: round(ppl, 2),
    burstR: round(burstR, 2),
    lostPackets: lost,
    latePackets: pattern.late,
    lossFrom: fromRtcp ? 'rtcp' : 'capture',
    jitterBufferMs: JITTER_BUFFER_MS,
    delayMs: delayMs === null ? null : round(delayMs, 1),
    id: round(id, 2),
    assumptions,
  };
}
