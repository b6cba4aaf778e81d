/**
 * `sipscope analyze FILE --stream ID`: one RTP stream packet by packet, as
 * Wireshark's RTP Stream Analysis shows it (src/media/stream-analysis.ts):
 * a head line with the stream's figures, then a line per packet with its
 * frame, time, sequence number, RTP timestamp, payload type, delta, jitter,
 * skew and what is wrong with it; its DTMF events (RFC 4733) above them.
 */
import { keysText } from '../media/dtmf-events.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { srtpNote } from '../media/sdes.js';
import type { AnalysedPacket, StreamAnalysis } from '../media/stream-analysis.js';

const fixed = (v: number | null, width: number, digits = 3) =>
  (v === null ? '-' : v.toFixed(digits)).padStart(width);

function statusText(p: AnalysedPacket): string {
  if (p.status === 'sequence')
    return p.lostBefore > 0
      ? `wrong sequence: ${p.lostBefore} lost before it`
      : 'wrong sequence (late or duplicate)';
  if (p.status === 'payload-type') return `payload type changed to ${p.payloadType}`;
  if (p.status === 'marker') return 'marker (talkspurt)';
  return '';
}

/** What RTCP said about the stream (RFC 3550 §6.4), as one line, or none. */
function rtcpLine(s: RtpStreamRecord): string[] {
  const r = s.rtcp;
  if (r === undefined) return [];
  const parts: string[] = [];
  if (r.cumulativeLost !== null)
    parts.push(
      `its receiver reported ${r.cumulativeLost} lost (at most ${r.maxFractionLostPercent}% in one interval) and jitter up to ${fixed(r.maxJitterMs, 0, 1)} ms in ${r.reports} reports`,
    );
  if (r.maxRoundTripMs !== null)
    parts.push(
      `round trip ${fixed(r.meanRoundTripMs, 0, 1)} ms mean, ${fixed(r.maxRoundTripMs, 0, 1)} ms max`,
    );
  if (r.senderPackets !== null) parts.push(`its sender said it sent ${r.senderPackets} packets (last SR)`);
  return [`RTCP: ${parts.join('; ')}`];
}

/** Its RFC 4733 events, one line each (digit, first frame and time, duration, volume, packets), or none. */
function dtmfLines(s: RtpStreamRecord, t0: number): string[] {
  const events = s.dtmf ?? [];
  if (events.length === 0 && s.dtmfMalformed === undefined) return [];
  const flagged = [
    ...(s.dtmfMalformed ? [`${s.dtmfMalformed} event packets too short to read`] : []),
    ...(s.dtmfDropped ? [`${s.dtmfDropped} more events not kept`] : []),
  ];
  return [
    `DTMF (RFC 4733): ${keysText(events)}${flagged.length ? ` (${flagged.join(', ')})` : ''}`,
    ...events.map(
      (e) =>
        `  ${e.digit.padEnd(5)}  frame ${String(e.frame).padStart(7)}  ${(e.ts - t0).toFixed(6).padStart(11)} s  ${fixed(e.durationMs, 7, 1)} ms  -${e.volume} dBm0  ${e.packets} packets${e.ended ? '' : '  end not seen'}`,
    ),
  ];
}

/** The report; `t0` is the time the packets' times count from (the analysis's first call or stream). */
export function streamReport(s: RtpStreamRecord, a: StreamAnalysis, t0: number): string {
  const m = a.summary;
  const lines = [
    `RTP stream ${s.id}: ${s.src} → ${s.dst}, SSRC ${s.ssrc}, ${s.codecs.join(' ') || '-'}${s.call === null ? '' : `, call ${s.call}`}` +
      (a.truncated ? ` (its first ${a.packets.length} packets: the most analysed)` : ''),
    `${m.packets} packets of ${m.expected} expected, lost ${m.lost} (${m.lostPercent}%), ${m.sequenceErrors} sequence errors; ` +
      `delta max ${fixed(m.maxDeltaMs, 0)} ms, mean ${fixed(m.meanDeltaMs, 0)} ms; ` +
      `jitter max ${fixed(m.maxJitterMs, 0)} ms, mean ${fixed(m.meanJitterMs, 0)} ms` +
      (a.clockRate === null ? ' (clock rate unknown)' : ` (clock ${a.clockRate} Hz)`),
    ...rtcpLine(s),
    ...(s.srtp === undefined ? [] : [srtpNote(s.srtp)]),
    ...dtmfLines(s, t0),
    '',
    `${'frame'.padStart(7)}  ${'time s'.padStart(11)}  ${'seq'.padStart(5)}  ${'timestamp'.padStart(10)}  ${'pt'.padStart(3)}  ${'delta ms'.padStart(9)}  ${'jitter ms'.padStart(9)}  ${'skew ms'.padStart(9)}  status`,
  ];
  for (const p of a.packets)
    lines.push(
      `${String(p.frame).padStart(7)}  ${(p.ts - t0).toFixed(6).padStart(11)}  ${String(p.sequence).padStart(5)}  ${String(p.timestamp).padStart(10)}  ${String(p.payloadType).padStart(3)}  ${fixed(p.deltaMs, 9)}  ${fixed(p.jitterMs, 9)}  ${fixed(p.skewMs, 9)}  ${statusText(p)}`.trimEnd(),
    );
  return `${lines.join('\n')}\n`;
}
