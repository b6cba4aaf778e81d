/**
 * One RTP stream packet by packet, as Wireshark's RTP Stream Analysis lists
 * it: each packet's sequence number, arrival delta, interarrival jitter
 * (RFC 3550 §6.4.1, A.8) and skew, and what is wrong with it. The figures
 * come from the same RtpStreamStats the stream's summary does (fed the same
 * packets in the same order), so the largest delta and jitter in the list are
 * the summary's.
 *
 * Skew, as Wireshark computes it: how far the packet arrived from where its
 * RTP timestamp says it should have, counted from the first packet, in ms
 * (negative: late; clock-drift.ts, which also gives the summary's max skew,
 * clock drift and freq drift). A status other than `ok`:
 * - `sequence`: not the one after the highest so far (a gap: `lostBefore`
 *   packets missing before it; a late packet or a duplicate: none);
 * - `payload-type`: its payload type differs from the packet before it;
 * - `marker`: the marker bit (RFC 3551 §4.1: the first packet of a talkspurt).
 */
import type { FrameSource } from '../capture/frame-source.js';
import type { AnalysedPacket, PacketStatus } from './analysed-packet.js';
import { ClockDrift, type ClockDriftFigures, NO_CLOCK_DRIFT } from './clock-drift.js';
import { RtpStreamStats, type RtpStreamSummary, type StatsHeader } from './rtp-stats.js';
import { codecsOf, type RecordedStream, type RtpPacket, readStreamPackets } from './stream-packets.js';

export type { AnalysedPacket, PacketStatus };

/** The stream's figures (as the stream record has them) and Wireshark's max skew, clock drift and freq drift. */
export type StreamAnalysisSummary = RtpStreamSummary & ClockDriftFigures;

export interface StreamAnalysis {
  /** The clock rate the jitter and skew use (Hz), null when the codec's is unknown. */
  clockRate: number | null;
  packets: AnalysedPacket[];
  summary: StreamAnalysisSummary;
  /** The stream had more than MAX_ANALYSED_PACKETS: those are the first (and the summary theirs). */
  truncated: boolean;
}

/** Packets of one stream analysed at most (~5.5 hours of 20 ms packets, ~150 MB while held). */
export const MAX_ANALYSED_PACKETS = 1_000_000;

const ms = (s: number) => Math.round(s * 1e6) / 1000 + 0;

/** The clock rate of a codec name ("PCMU/8000"), or null. */
function rateOf(codec: string | undefined): number | null {
  const r = Number(codec?.split('/')[1]);
  return Number.isInteger(r) && r > 0 ? r : null;
}

/**
 * Every packet of a stream (`packets` in capture order), with `codecs` the
 * codec name of each payload type (the stream record's payloadTypes and
 * codecs): the clock rate is the first packet's codec's, comfort noise is
 * told by its name (CN, RFC 3389), as the stream's own figures do. `ssrc`:
 * the stream's (its packets were read back by it), for the summary.
 */
export function analyseStream(
  packets: readonly RtpPacket[],
  codecs: ReadonlyMap<number, string>,
  ssrc = 0,
): StreamAnalysis {
  const clockRate = packets.length === 0 ? null : rateOf(codecs.get(packets[0].payloadType));
  const stats = new RtpStreamStats(clockRate);
  const drift = clockRate === null ? null : new ClockDrift(clockRate);
  const out: AnalysedPacket[] = [];
  // What RtpStreamStats.add reads of a header, for each packet in turn.
  const header: StatsHeader = {
    marker: false,
    payloadType: 0,
    sequence: 0,
    timestamp: 0,
    ssrc,
    payloadLength: 0,
  };
  let highest = -1;
  let prev: RtpPacket | undefined;
  for (const p of packets) {
    header.marker = p.marker;
    header.payloadType = p.payloadType;
    header.sequence = p.sequence;
    header.timestamp = p.timestamp;
    header.payloadLength = p.payloadLength;
    const errors = stats.sequenceErrors;
    const codec = codecs.get(p.payloadType);
    const encoding = codec?.split('/')[0].toUpperCase();
    const event = encoding === 'TELEPHONE-EVENT';
    stats.add(header, p.ts, encoding === 'CN', event);
    // Off the drift line (clock-drift.ts): events, and payload types whose clock is unknown.
    const skew = drift === null ? null : drift.add(p.ts, p.timestamp, event || rateOf(codec) === null);
    let lostBefore = 0;
    if (highest >= 0) {
      const step = (p.sequence - highest + 0x10000) % 0x10000;
      if (step > 1 && step < 3000) lostBefore = step - 1;
      if (step >= 1 && step < 3000) highest = p.sequence;
    } else highest = p.sequence;
    const status: PacketStatus =
      stats.sequenceErrors > errors
        ? 'sequence'
        : prev !== undefined && prev.payloadType !== p.payloadType
          ? 'payload-type'
          : p.marker
            ? 'marker'
            : 'ok';
    const jitter = stats.jitterMs;
    out.push({
      frame: p.frame,
      ts: p.ts,
      sequence: p.sequence,
      timestamp: p.timestamp,
      payloadType: p.payloadType,
      marker: p.marker,
      deltaMs: prev === undefined ? 0 : ms(p.ts - prev.ts),
      jitterMs: clockRate === null ? null : jitter === null ? 0 : Math.round(jitter * 1000) / 1000 + 0,
      skewMs: skew === null ? null : ms(skew),
      lostBefore,
      status,
    });
    prev = p;
  }
  return {
    clockRate,
    packets: out,
    summary: { ...stats.summary(), ...(drift === null ? NO_CLOCK_DRIFT : drift.figures()) },
    truncated: false,
  };
}

/** A stream of a capture packet by packet: its packets read back from `source` (stream-packets.ts), then analysed. */
export async function analyseRecordedStream(
  source: FrameSource,
  stream: RecordedStream,
): Promise<StreamAnalysis> {
  // Their lengths are all the analysis needs of the payloads.
  const read = await readStreamPackets(source, [stream], {
    payloads: false,
    maxPackets: MAX_ANALYSED_PACKETS,
  });
  const ssrc = Number.parseInt(stream.ssrc, 16);
  return { ...analyseStream(read.streams[0], codecsOf(stream), ssrc), truncated: read.truncated };
}
