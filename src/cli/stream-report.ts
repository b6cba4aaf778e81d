/**
 * `sipscope analyze FILE --stream ID`: one RTP stream packet by packet, as
 * Wireshark's RTP Stream Analysis shows it (src/media/stream-analysis.ts):
 * a head line with the stream's figures (and Wireshark's max skew, clock
 * drift and freq drift on the next), then a line per packet with its
 * frame, time, sequence number, RTP timestamp, payload type, delta, jitter,
 * skew and what is wrong with it; its DTMF events (RFC 4733) above them.
 */
import { keysText } from '../media/dtmf-events.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { modelName } from '../media/quality-limits.js';
import { srtpNote } from '../media/sdes.js';
import type { AnalysedPacket, StreamAnalysis, StreamAnalysisSummary } from '../media/stream-analysis.js';

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
  // Extended Reports alone (RFC 3611) leave nothing to say here: xrLine says it.
  return parts.length === 0 ? [] : [`RTCP: ${parts.join('; ')}`];
}

/** What the stream's receiver measured itself and sent in RTCP XR (RFC 3611 §4.7, xr-reports.ts), as one line, or none. */
export function xrLine(s: RtpStreamRecord): string[] {
  const x = s.rtcp?.xr;
  if (x === undefined) return [];
  const parts: string[] = [];
  const v = x.voip;
  if (v !== null) {
    const fig = (name: string, n: number | null, digits = 0) =>
      `${name} ${n === null ? 'unavailable' : n.toFixed(digits)}`;
    parts.push(
      `its receiver reported ${fig('MOS-LQ', v.mosLq, 1)}, ${fig('MOS-CQ', v.mosCq, 1)}, ${fig('R', v.rFactor)} ` +
        `(loss ${v.lossPercent}%, discarded ${v.discardPercent}%, round trip ${v.roundTripDelayMs} ms, end system delay ${v.endSystemDelayMs} ms, ` +
        `${v.jitterBuffer} jitter buffer ${v.jbNominalMs}/${v.jbMaximumMs} ms, PLC ${v.plc}; ${x.voipReports} VoIP Metrics reports)`,
    );
  }
  if (x.statsReports > 0)
    parts.push(`statistics summary: ${x.statsLost ?? '-'} lost, ${x.statsDuplicates ?? '-'} duplicates`);
  if (x.maxRoundTripMs !== null)
    parts.push(
      `DLRR round trip ${fixed(x.meanRoundTripMs, 0, 1)} ms mean, ${fixed(x.maxRoundTripMs, 0, 1)} ms max`,
    );
  if (x.malformed > 0) parts.push(`${x.malformed} malformed XR blocks`);
  return parts.length === 0 ? [] : [`RTCP XR: ${parts.join('; ')}`];
}

/** The E-model estimate (stream-quality.ts) as one line, or why there is none. */
export function qualityLine(s: RtpStreamRecord): string[] {
  const q = s.quality;
  if (q === undefined) return [];
  if (q.r === null) return [`MOS (E-model, ITU-T G.107): none: ${q.reason}`];
  const red = q.recoveredPackets === undefined ? '' : `, ${q.recoveredPackets} recovered by RED`;
  const loss =
    `loss ${q.ppl}% (${q.lostPackets} lost${q.lossFrom === 'rtcp' ? ' as its receiver reported in RTCP' : ''}${red}, ` +
    `${q.latePackets} past the ${q.jitterBufferMs} ms jitter buffer, BurstR ${q.burstR})`;
  const delay =
    q.delayMs === null ? 'delay not counted (no RTCP round trip)' : `one-way delay ${q.delayMs} ms`;
  const wb = q.model === 'G.107.1';
  const ie = wb ? `Ie,wb ${q.ie} Bpl,wb ${q.bpl}` : `Ie ${q.ie} Bpl ${q.bpl}`;
  return [
    `MOS (${modelName(q.model)}): ${q.mos.toFixed(2)}, R ${q.r.toFixed(1)}${wb ? ' of 129' : ''}; ${q.codec} ${ie}, ${loss}, ${delay}`,
  ];
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

/** What its RFC 2198 (red) packets carried: the codecs of their blocks, payloads cut short; or nothing. */
function redLine(s: RtpStreamRecord): string[] {
  if (s.red === undefined) return [];
  const cut = s.red.malformed ? `; ${s.red.malformed} red payloads cut short, not read` : '';
  return [`RFC 2198 redundancy (red): blocks of ${s.red.codecs.join(' ') || 'nothing'}${cut}`];
}

/**
 * Wireshark's Max Skew, Clock Drift and Freq Drift (clock-drift.ts) on one
 * line, in its dialog's precision (drifts to the ms and Hz, percent to
 * 0.01); none without a clock rate (the head line says so).
 */
export function driftLine(m: StreamAnalysisSummary): string[] {
  if (m.maxSkewMs === null) return [];
  const skew = `max skew ${m.maxSkewMs.toFixed(3)} ms`;
  if (m.clockDriftMs === null || m.freqDriftHz === null || m.freqDriftPercent === null)
    return [`${skew}; clock drift and freq drift: none (too few packets for a line)`];
  const whole = (v: number, digits = 0) => (Math.round(v * 10 ** digits) / 10 ** digits + 0).toFixed(digits);
  return [
    `${skew}; clock drift ${whole(m.clockDriftMs)} ms, freq drift ${whole(m.freqDriftHz)} Hz (${whole(m.freqDriftPercent, 2)} %)`,
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
    ...driftLine(m),
    ...rtcpLine(s),
    ...xrLine(s),
    ...qualityLine(s),
    ...(s.srtp === undefined ? [] : [srtpNote(s.srtp)]),
    ...redLine(s),
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
