/**
 * The terminal views of an analysis: the call list (as sngrep's), the
 * findings grouped by call, the RTP streams (as Wireshark's "RTP Streams"),
 * and one call's ladder.
 */

import type { Finding } from '../analyze/finding.js';
import { type LadderMessage, renderLadder } from '../correlate/ascii-ladder.js';
import type { CallRecord } from '../correlate/model.js';
import { hostOf } from '../decode/payload.js';
import { keysText } from '../media/dtmf-events.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { srtpNote } from '../media/sdes.js';
import type { AnalysisResult } from '../report/analyze-capture.js';
import { dtmfLine } from '../report/call-dtmf.js';
import { callStory, type StorySdp } from '../report/call-story.js';
import type { MessageRecord } from '../report/message-record.js';
import { wireText } from '../sip/wire-text.js';

const iso = (ts: number): string => new Date(ts * 1000).toISOString().replace('T', ' ').slice(0, 23);
const secs = (ms: number | null): string => (ms === null ? '-' : (ms / 1000).toFixed(3));
/** Wire text (wire-text.ts: decoded before it is measured, so the columns line up) cut to `n` chars. */
const cut = (s: string | null, n: number): string => {
  const v = s === null ? '-' : wireText(s);
  return v.length > n ? `${v.slice(0, n - 1)}…` : v;
};

export function callList(r: AnalysisResult): string {
  if (r.calls.length === 0) return 'calls: none\n';
  const rows = [['call', 'start', 'from', 'to', 'kind', 'state', 'msgs', 'duration s', 'findings']];
  const findings = findingsPerCall(r.findings);
  for (const c of r.calls) {
    rows.push([
      String(c.id),
      iso(c.start),
      cut(c.from, 36),
      cut(c.to, 36),
      c.kind,
      c.finalStatus !== null && c.state !== 'completed' && c.state !== 'in-call'
        ? `${c.state} ${c.finalStatus}`
        : c.state,
      String(c.messages.length),
      secs(c.durationMs),
      String(findings.get(c.id)?.length ?? 0),
    ]);
  }
  return table(rows);
}

/** The RTP streams, a line each; `t0` makes their times relative (the first message's). */
export function streamList(streams: readonly RtpStreamRecord[], t0: number): string {
  if (streams.length === 0) return '';
  const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));
  const rows = [
    [
      'stream',
      'call',
      'start s',
      'end s',
      'src',
      'dst',
      'ssrc',
      'codec',
      'pkts',
      'lost',
      'max delta ms',
      'max jitter ms',
      // What the stream's receiver reported in RTCP (RFC 3550 §6.4.1): lost in all (worst interval), round trip.
      'rtcp lost',
      'rtt ms',
      // The E-model estimate (ITU-T G.107, stream-quality.ts): '-' where the codec is not rated.
      'mos',
    ],
  ];
  for (const s of streams)
    rows.push([
      String(s.id),
      s.call === null ? '-' : String(s.call),
      (s.start - t0).toFixed(3),
      (s.end - t0).toFixed(3),
      s.src,
      s.dst,
      s.ssrc,
      cut(s.codecs.join(', '), 24),
      String(s.packets),
      `${s.lost} (${s.lostPercent}%)`,
      ms(s.maxDeltaMs),
      ms(s.maxJitterMs),
      s.rtcp?.cumulativeLost == null ? '-' : `${s.rtcp.cumulativeLost} (${s.rtcp.maxFractionLostPercent}%)`,
      ms(s.rtcp?.maxRoundTripMs ?? null),
      s.quality?.mos == null ? '-' : s.quality.mos.toFixed(2),
    ]);
  return `RTP streams: ${streams.length}\n${table(rows)}`;
}

export function findingsByCall(r: AnalysisResult): string {
  if (r.findings.length === 0) return 'findings: none\n';
  const out: string[] = [`findings: ${r.findings.length}`];
  const byCall = findingsPerCall(r.findings);
  const keys = [...byCall.keys()].sort((a, b) => (a ?? -1) - (b ?? -1));
  for (const k of keys) {
    const call = k === null ? undefined : r.calls.find((c) => c.id === k);
    out.push(k === null ? '  not tied to a call' : `  call ${k}${call ? ` (${call.callIds[0]})` : ''}`);
    out.push(...findingLines(r, byCall.get(k) ?? [], '    '));
  }
  return `${out.join('\n')}\n`;
}

/** Two lines a finding: severity, rule, RFC and frames; then its text. */
function findingLines(r: AnalysisResult, findings: readonly Finding[], indent: string): string[] {
  const out: string[] = [];
  for (const f of findings) {
    const frames = f.messages.filter((m) => m < r.messages.length).map((m) => r.messages.frameOf(m));
    out.push(`${indent}${f.severity.padEnd(7)} ${f.rule}  ${f.rfc}  frames ${frames.join(',') || '-'}`);
    out.push(`${indent}        ${f.text}`);
  }
  return out;
}

/** `[E]`, `[W]`, `[I]`: a finding's severity beside an arrow of the ASCII ladder. */
const MARK: Record<Finding['severity'], string> = { error: '[E]', warning: '[W]', info: '[I]' };

/** Our call id (a number) or one of its Call-IDs. */
export function findCall(r: AnalysisResult, id: string): CallRecord | undefined {
  if (/^\d+$/.test(id)) {
    const byId = r.calls.find((c) => c.id === Number(id));
    if (byId) return byId;
  }
  return r.calls.find((c) => c.callIds.includes(id));
}

/** `text` broken into lines of at most `width` characters at spaces (a longer word stays whole). */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/**
 * The call as an ASCII ladder, each finding marked beside the arrows of its
 * messages (`[W] via.branch-no-cookie`, as the web ladder's markers) and
 * listed with its text under the ladder. `sdp` gives a message's SDP (null:
 * none) for the story's offer and answer; without it, the story says
 * nothing of them.
 */
export function callLadder(
  r: AnalysisResult,
  call: CallRecord,
  sdp?: (id: number) => StorySdp | null,
): string {
  const findings = r.findings.filter((f) => f.call === call.id);
  const marks = new Map<number, string[]>();
  for (const f of findings)
    for (const id of f.messages) {
      const list = marks.get(id);
      const mark = `${MARK[f.severity]} ${f.rule}`;
      if (list === undefined) marks.set(id, [mark]);
      else if (!list.includes(mark)) list.push(mark);
    }
  const msgs: LadderMessage[] = call.messages.map((id) => ({
    ...ladderOf(r.messages.get(id)),
    notes: marks.get(id),
  }));
  const callStreams = r.streams.filter((s) => s.call === call.id);
  // The time origin stays the first message's, even if RTP came before it.
  const t0 = msgs.reduce((t, m) => Math.min(t, m.ts), Number.POSITIVE_INFINITY);
  msgs.push(...streamRows(r, callStreams, msgs));
  const related = call.related.map((x) => `${x.relation.replace('-', ' ')} call ${x.call} (${x.evidence})`);
  const head = `call ${call.id}: ${call.kind}, ${call.state}${call.finalStatus !== null ? ` (${call.finalStatus})` : ''}, Call-ID ${call.callIds.join(', ')}${call.links.length ? `; linked by ${call.links.map((l) => `${l.evidence} → ${l.callId}`).join(', ')}` : ''}${related.length ? `; ${related.join(', ')}` : ''}`;
  const listed = findings.length
    ? `\nfindings: ${findings.length}\n${findingLines(r, findings, '  ').join('\n')}\n`
    : '';
  const streams = streamList(callStreams, call.start);
  const ladder = renderLadder(msgs, { showIds: false, t0: Number.isFinite(t0) ? t0 : undefined });
  const dtmf = r.dtmf.get(call.id) ?? [];
  const story = callStory(
    dtmf.length > 0 ? { ...call, dtmf } : call,
    call.messages.map((id) =>
      sdp === undefined ? r.messages.get(id) : { ...r.messages.get(id), sdp: sdp(id) },
    ),
    callStreams,
    findings,
  );
  const digits = dtmf.length > 0 ? `\nDTMF: ${dtmfLine(dtmf)}` : '';
  return `${head}\n${wrap(story.sentences.join(' '), 78)}\n\n${ladder}${listed}${streams ? `\n${streams}` : ''}${digits}\n`;
}

/**
 * The call's RTP streams as ladder rows, as sngrep draws them in its call
 * flow: each between the columns of the hosts that sent and received it. A
 * stream end goes to the SIP column on its host (the one that sent or got
 * the SDP's message when the host has several), else to a column of its own.
 */
function streamRows(
  r: AnalysisResult,
  streams: readonly RtpStreamRecord[],
  msgs: readonly LadderMessage[],
): LadderMessage[] {
  const columns: string[] = [];
  for (const m of msgs) for (const a of [m.src, m.dst]) if (!columns.includes(a)) columns.push(a);
  return streams.map((st) => {
    const setup = st.setup < r.messages.length ? r.messages.get(st.setup) : undefined;
    const near = setup === undefined ? [] : [setup.src, setup.dst];
    const notes = [`${st.packets} pkts`];
    if (st.lost > 0) notes.push(`lost ${st.lost} (${st.lostPercent}%)`);
    if (!st.reverse) notes.push('one-way');
    if (st.quality?.mos != null) notes.push(`MOS ${st.quality.mos.toFixed(2)}`);
    // What the receiver itself reported in RTCP XR (RFC 3611 §4.7), beside the estimate.
    const lq = st.rtcp?.xr?.voip?.mosLq;
    if (lq != null) notes.push(`receiver MOS-LQ ${lq.toFixed(1)}`);
    if (st.dtmf !== undefined && st.dtmf.length > 0) notes.push(`DTMF ${keysText(st.dtmf)}`);
    if (st.srtp !== undefined) notes.push(srtpNote(st.srtp));
    return {
      ts: st.start,
      src: columnOnHost(st.src, columns, near),
      dst: columnOnHost(st.dst, columns, near),
      label: `RTP ${st.codecs.join(',') || st.media}`,
      media: true,
      notes: [notes.join(', ')],
    };
  });
}

/** The column of `addr`'s host among `columns` (one in `near` first); `addr` itself when none is on that host. */
export function columnOnHost(addr: string, columns: readonly string[], near: readonly string[]): string {
  const host = hostOf(addr);
  const same = columns.filter((c) => hostOf(c) === host);
  return same.find((c) => near.includes(c)) ?? same[0] ?? addr;
}

function ladderOf(m: MessageRecord): LadderMessage {
  // Decoded here, so that the ladder measures the label as it will be printed.
  const label = wireText(m.method ?? (m.reason ? `${m.status} ${m.reason}` : String(m.status)));
  return { ts: m.ts, src: m.src, dst: m.dst, label, retransmission: m.retransmission, id: m.id };
}

function findingsPerCall(findings: readonly Finding[]): Map<number | null, Finding[]> {
  const m = new Map<number | null, Finding[]>();
  for (const f of findings) {
    const list = m.get(f.call);
    if (list) list.push(f);
    else m.set(f.call, [f]);
  }
  return m;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
