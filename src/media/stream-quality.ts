/**
 * How bad a stream sounded, estimated: an E-model R factor and its MOS
 * (ITU-T G.107, simplified: e-model.ts; for a wideband codec ITU-T G.107.1,
 * e-model-wb.ts) from what the capture point saw of
 * the stream — its codec (G.113's Ie and Bpl: codec-impairment.ts), the
 * packets lost before the capture point or (when its receiver's RTCP says
 * more) on the whole path, the packets a fixed jitter buffer would have
 * dropped as late (playout-buffer.ts), and the one-way delay when RTCP gave
 * a round trip (an RR's, else an XR DLRR's). An estimate of what the network did to the call, not a
 * perceptual measurement of the sound (PESQ, POLQA): echo, noise, levels and
 * the phones' own delay are the G.107 defaults.
 */

import { type CodecImpairment, encodingOf, impairmentOf, voiceCodec } from './codec-impairment.js';
import { AMR_WB_KBPS } from './codec-impairment-wb.js';
import { burstRatio, mosFromR, rFactor } from './e-model.js';
import { mosFromRWb, rFactorWb } from './e-model-wb.js';
import { JITTER_BUFFER_MS } from './playout-buffer.js';
import type { RtcpSummary } from './rtcp-reports.js';

/** A stream the estimate rates (RtpStreamRecord `quality`). */
export interface RatedQuality {
  /**
   * The E-model that rated it: `G.107` (narrowband, R up to 100) or
   * `G.107.1` (wideband, R up to 129). The MOS is on one scale either way.
   * Always written; absent only on records stored before it was (all G.107).
   */
  model?: 'G.107' | 'G.107.1';
  /** R factor on the model's scale, to 0.1 (a G.107.1 R divided by 1.29 is on G.107's). */
  r: number;
  /** MOS from R (G.107 Annex B; G.107.1 Annex A: from R / 1.29), to 0.01. */
  mos: number;
  /** The codec rated (its RTP encoding name; a RED stream's primary codec) and its G.113 values (Ie,wb and Bpl,wb for G.107.1). */
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
  /** A stream's lost packets (voice or events in red) that later packets' redundant blocks brought back (RFC 2198 §1), not counted in lostPackets. */
  recoveredPackets?: number;
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
  /** An RFC 2198 stream's blocks (stream-red.ts): its voice primaries' codec, the lost packets (voice and events) redundancy recovered. */
  red?: { primary: string | null; recovered: number };
  /** An AMR-WB stream's mode (RFC 4867 frame type) most of its packets showed (amr-wb-mode.ts), null when none did. */
  amrWb?: { mode: number; packets: number } | null;
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
  let voice = voiceCodec(s.codecs);
  if (s.media !== 'audio') return unrated(voice, `${s.media.slice(0, 32)} is not audio`);
  if (voice === null) return unrated(null, 'no voice codec (only comfort noise or telephone events)');
  // RFC 2198: what a RED stream's listener hears is its primary blocks' codec.
  const red = encodingOf(voice) === 'RED' ? (s.red ?? { primary: null, recovered: 0 }) : null;
  if (red !== null) {
    if (red.primary === null)
      return unrated(voice, 'RED whose blocks carried no voice (only comfort noise or telephone events)');
    voice = red.primary;
  }
  const codec = impairmentOf(voice, s.amrWb?.mode ?? null);
  if ('reason' in codec) return unrated(voice, red === null ? codec.reason : `RED of ${codec.reason}`);
  if (s.expected <= 0) return unrated(codec.codec, 'no packets expected');
  // A voice stream whose telephone events went in RFC 2198 (stream-red.ts): its event packets recovered likewise.
  return rated(codec, s, pattern, red !== null, (red ?? s.red)?.recovered ?? null);
}

function unrated(codec: string | null, reason: string): UnratedQuality {
  return { r: null, mos: null, codec: codec === null ? null : codec.slice(0, 32), reason };
}

function rated(
  codec: CodecImpairment,
  s: QualityInput,
  pattern: LossPattern,
  redVoice: boolean,
  recoveredByRed: number | null,
): RatedQuality {
  const assumptions = [codec.entry, `fixed jitter buffer of ${JITTER_BUFFER_MS} ms`];
  if (codec.model === 'G.107.1') assumptions.push(...wideband(s));
  // The receiver counts from its side of the path (RFC 3550 §6.4.1): more than the capture saw is loss after it.
  const seenLost = Math.max(s.lost, 0);
  const reported = s.rtcp?.lostBetweenReports ?? null;
  const fromRtcp = reported !== null && reported > seenLost;
  // RFC 2198 §1: a lost packet whose data a later packet's redundant block carried is heard.
  const recovered = recoveredByRed === null || fromRtcp ? 0 : Math.min(recoveredByRed, seenLost);
  if (recoveredByRed !== null) assumptions.push(redNote(redVoice ? codec.codec : null, recovered, fromRtcp));
  const seen = seenLost - recovered;
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
  const wb = codec.model === 'G.107.1';
  const { r, id, ieEff } = wb
    ? rFactorWb({ ie: codec.ie, bpl: codec.bpl, ppl, delayMs })
    : rFactor({ ie: codec.ie, bpl: codec.bpl, ppl, burstR, delayMs });
  return {
    model: codec.model,
    r: round(r, 1),
    mos: round(wb ? mosFromRWb(r) : mosFromR(r), 2),
    codec: codec.codec,
    ie: codec.ie,
    bpl: codec.bpl,
    ieEff: round(ieEff, 2),
    ppl: round(ppl, 2),
    burstR: round(burstR, 2),
    lostPackets: lost,
    latePackets: pattern.late,
    ...(recoveredByRed === null ? {} : { recoveredPackets: recovered }),
    lossFrom: fromRtcp ? 'rtcp' : 'capture',
    jitterBufferMs: JITTER_BUFFER_MS,
    delayMs: delayMs === null ? null : round(delayMs, 1),
    id: round(id, 2),
    assumptions,
  };
}

/** What the wideband estimate took for granted beyond the narrowband one's. */
function wideband(s: QualityInput): string[] {
  const m = s.amrWb;
  return [
    ...(m == null ? [] : [`AMR-WB mode ${AMR_WB_KBPS[m.mode]} kbit/s read in ${m.packets} packets`]),
    'wideband E-model (G.107.1): R on its 0–129 scale, MOS from R / 1.29; loss rated as random (no BurstR in its formula 7-15)',
  ];
}

/**
 * What was done with a stream of RFC 2198 packets: a RED voice stream rated
 * as its primary `codec`, another (its telephone events in RED: `codec`
 * null) as it is; either less the lost packets redundancy recovered.
 */
function redNote(codec: string | null, recovered: number, fromRtcp: boolean): string {
  const what = codec === null ? 'RFC 2198 redundancy' : `RED (RFC 2198) rated as its primary ${codec}`;
  if (fromRtcp) return `${what}; loss as its RTCP said, recovery not counted`;
  const n = recovered === 1 ? '1 lost packet' : `${recovered} lost packets`;
  return `${what}; ${n} recovered from later packets' redundant blocks, not counted lost`;
}
