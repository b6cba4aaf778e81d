/**
 * The ladder as text, for a ticket or a chat: the same drawing as
 * `sipscope analyze FILE --call ID` (src/correlate/ascii-ladder.ts, shared
 * with the CLI), with the columns named as the page names them (aliases
 * merge columns as they do on screen), each finding marked beside its
 * message and listed under the ladder, and each RTP stream a double-line
 * row of its own between the columns the page draws it between, its
 * packets, loss and one-way note beside it in the CLI's words.
 */
import { type LadderMessage, renderLadder } from '../../../src/correlate/ascii-ladder.js';
import type { CallRow, Finding, MessageRow, RtpStream } from '../api/types.js';
import { visibleLines } from '../visible.js';
import type { LadderLayout } from './layout.js';
import { messageLabel } from './layout.js';

const MARK: Record<string, string> = { error: '[E]', warning: '[W]', info: '[I]' };

export function ladderText(
  call: CallRow,
  messages: readonly MessageRow[],
  findings: readonly Finding[],
  layout: LadderLayout,
  /** The streams the layout was given, for their figures (the layout has their columns). */
  streams: readonly RtpStream[] = [],
): string {
  const column = new Map<string, string>();
  for (const c of layout.columns) for (const a of c.addrs) column.set(a, c.title);
  const marks = new Map<number, string[]>();
  for (const f of findings)
    for (const id of f.messages) {
      const mark = `${MARK[f.severity] ?? '[?]'} ${f.rule}`;
      const list = marks.get(id);
      if (list === undefined) marks.set(id, [mark]);
      else if (!list.includes(mark)) list.push(mark);
    }
  const rows: LadderMessage[] = messages.map((m) => ({
    ts: m.ts,
    src: column.get(m.src) ?? m.src,
    dst: column.get(m.dst) ?? m.dst,
    label: messageLabel(m),
    retransmission: m.retransmission,
    notes: marks.get(m.id),
  }));
  const byId = new Map(streams.map((s) => [s.id, s]));
  for (const a of layout.streams) {
    const s = byId.get(a.streamId);
    if (s === undefined) continue;
    // As src/cli/text-report.ts writes a stream's row.
    const notes = [`${s.packets} pkts`];
    if (s.lost > 0) notes.push(`lost ${s.lost} (${s.lostPercent}%)`);
    if (s.reverse === false) notes.push('one-way');
    if (s.quality?.mos != null) notes.push(`MOS ${s.quality.mos.toFixed(2)}`);
    const lq = s.rtcp?.xr?.voip?.mosLq;
    if (lq != null) notes.push(`receiver MOS-LQ ${lq.toFixed(1)}`);
    rows.push({
      ts: s.start,
      src: layout.columns[a.from].title,
      dst: layout.columns[a.to].title,
      label: `RTP ${s.codecs.join(',') || s.media}`,
      media: true,
      notes: [notes.join(', ')],
    });
  }
  // Times from the first message, as the page's gutter, even when RTP came before it.
  const drawing = renderLadder(rows, {
    columns: layout.columns.map((c) => c.title),
    t0: layout.start ?? undefined,
  });
  const head = [
    `call ${call.id}: ${call.kind}, ${call.state}${call.finalStatus !== null ? ` (${call.finalStatus})` : ''}`,
    `Call-ID ${call.callIds.join(', ')}`,
    `${call.from ?? '?'} → ${call.to ?? '?'}`,
    ...call.links.map((l) => `linked ${l.callId} by ${l.evidence}`),
    ...(call.related ?? []).map((r) => `${r.relation.replace('-', ' ')} call ${r.call} (${r.evidence})`),
  ];
  const listed = findings.length
    ? [
        '',
        `findings: ${findings.length}`,
        ...findings.map((f) => `  ${f.severity} ${f.rule}  ${f.rfc}  ${f.text}`),
      ]
    : [];
  // Wire text (Call-IDs, From, finding texts) shown as on screen: controls as `\xNN`, bidi controls as `\u202e`.
  return visibleLines(`${head.join('\n')}\n\n${drawing}${listed.length ? `${listed.join('\n')}\n` : ''}`);
}
