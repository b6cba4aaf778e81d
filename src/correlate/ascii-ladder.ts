/**
 * The terminal view of a call flow: a column per endpoint, one arrow per
 * message in time order, the relative time in a left gutter.
 *
 *   time      10.0.0.1:5060    10.0.0.2:5060
 *                   │                │
 *   0.000           │─────INVITE────>│
 *   0.012           │<───100 Trying──│
 *
 * An RTP stream (`media: true`) is a row of its own at its first packet,
 * drawn with a double line between the columns its caller chose for it, as
 * sngrep's call flow draws RTP next to the SIP arrows:
 *
 *   2.010           │<══RTP PCMU/8000══│  499 pkts
 *
 * Pure: messages in, a string out (no SIP parsing, no I/O); `ladderMessage`
 * makes the input from a parsed message. Used by `sipscope analyze --call`,
 * by tests and in teaching notes.
 */
import { endpointString } from '../decode/payload.js';
import type { SipMessage } from '../sip/message.js';

export interface LadderMessage {
  /** Capture time, seconds. */
  ts: number;
  /** `ip:port` of sender and receiver: the column names. */
  src: string;
  dst: string;
  /** Method, or `code reason`. */
  label: string;
  retransmission?: boolean;
  duplicate?: boolean;
  /** Message id, shown with `showIds`. */
  id?: number;
  /** Written after the arrow (and its other notes): the findings on the message, say. */
  notes?: readonly string[];
  /** An RTP stream rather than a SIP message: drawn with a double line. */
  media?: boolean;
}

export interface LadderOptions {
  /** Time origin (s); default the earliest message. */
  t0?: number;
  /** Plain ASCII (`-`, `|`) instead of box-drawing characters. */
  ascii?: boolean;
  /** Longest label before it is cut with `…`/`~` (default 32). */
  maxLabel?: number;
  /** Append `#id` after each arrow. */
  showIds?: boolean;
  /** Column order; endpoints not listed follow in order of appearance. */
  columns?: string[];
}

/** The label of a message: its method, or its status code and reason phrase. */
export function ladderLabel(m: SipMessage): string {
  return m.kind === 'request' ? m.method : m.reason ? `${m.status} ${m.reason}` : String(m.status);
}

/** Ladder input from a parsed message (messages without a source are drawn between `?` columns). */
export function ladderMessage(
  m: SipMessage,
  extra: { id?: number; retransmission?: boolean; duplicate?: boolean } = {},
): LadderMessage {
  const s = m.source;
  return {
    ts: s ? s.ts : 0,
    src: s ? endpointString(s.src) : '?',
    dst: s ? endpointString(s.dst) : '?',
    label: ladderLabel(m),
    ...extra,
  };
}

export function renderLadder(messages: readonly LadderMessage[], opts: LadderOptions = {}): string {
  const H1 = opts.ascii ? '-' : '─';
  const H2 = opts.ascii ? '=' : '═';
  const V = opts.ascii ? '|' : '│';
  const cut = opts.ascii ? '~' : '…';
  const maxLabel = Math.max(4, opts.maxLabel ?? 32);
  // Stable sort by time: equal timestamps keep their input order.
  const msgs = messages.map((m, i) => ({ m, i })).sort((a, b) => a.m.ts - b.m.ts || a.i - b.i);
  const cols: string[] = [];
  const colOf = new Map<string, number>();
  const addCol = (name: string) => {
    if (!colOf.has(name)) {
      colOf.set(name, cols.length);
      cols.push(name);
    }
  };
  for (const c of opts.columns ?? []) addCol(c);
  for (const { m } of msgs) {
    addCol(m.src);
    addCol(m.dst);
  }
  if (cols.length === 0) return '';
  const labels = msgs.map(({ m }) =>
    m.label.length > maxLabel ? m.label.slice(0, maxLabel - 1) + cut : m.label,
  );
  const t0 = opts.t0 ?? (msgs.length ? msgs[0].m.ts : 0);
  const times = msgs.map(({ m }) => (m.ts - t0).toFixed(3));
  const gutter = Math.max(4, ...times.map((t) => t.length)) + 2;
  // Each gap between neighbouring columns fits the two names and the labels of
  // the arrows that cross only it; an arrow crossing several gaps widens them
  // evenly if they are too narrow together.
  const gaps = new Array<number>(Math.max(0, cols.length - 1)).fill(0);
  for (let i = 0; i < gaps.length; i++)
    gaps[i] = Math.max(12, Math.ceil((cols[i].length + cols[i + 1].length) / 2) + 3);
  const spans = msgs
    .map(({ m }, k) => ({
      a: colOf.get(m.src) as number,
      b: colOf.get(m.dst) as number,
      need: labels[k].length + 6,
    }))
    .filter((s) => s.a !== s.b)
    .map((s) => ({ lo: Math.min(s.a, s.b), hi: Math.max(s.a, s.b), need: s.need }))
    .sort((p, q) => p.hi - p.lo - (q.hi - q.lo));
  for (const s of spans) {
    let have = 0;
    for (let g = s.lo; g < s.hi; g++) have += gaps[g];
    if (have >= s.need) continue;
    const add = Math.ceil((s.need - have) / (s.hi - s.lo));
    for (let g = s.lo; g < s.hi; g++) gaps[g] += add;
  }
  const x: number[] = [gutter + Math.ceil(cols[0].length / 2)];
  for (let i = 0; i < gaps.length; i++) x.push(x[i] + gaps[i]);
  const lineLen = x[x.length - 1] + 1;

  const lines: string[] = [];
  const header = new Array<string>(lineLen + cols[cols.length - 1].length).fill(' ');
  put(header, 0, 'time');
  for (let i = 0; i < cols.length; i++)
    put(header, Math.max(gutter, x[i] - Math.floor(cols[i].length / 2)), cols[i]);
  lines.push(trimEnd(header));
  lines.push(trimEnd(lifelines(lineLen, x, V)));
  msgs.forEach(({ m }, k) => {
    const row = lifelines(lineLen, x, V);
    put(row, 0, times[k]);
    const a = colOf.get(m.src) as number;
    const b = colOf.get(m.dst) as number;
    const label = labels[k];
    const H = m.media ? H2 : H1;
    let end = lineLen;
    if (a === b) {
      // To itself: a stub to the right of its lifeline.
      const s = `${H}${H} ${label} ${H}${H}┐`.replace('┐', opts.ascii ? '+' : '┐');
      put(row, x[a] + 1, s);
      end = Math.max(end, x[a] + 1 + s.length);
    } else {
      const left = Math.min(x[a], x[b]);
      const right = Math.max(x[a], x[b]);
      for (let p = left + 1; p < right; p++) row[p] = H;
      if (b > a) row[right - 1] = '>';
      else row[left + 1] = '<';
      const span = right - left - 3;
      const at = left + 2 + Math.max(0, Math.floor((span - label.length) / 2));
      put(row, at, label);
    }
    const notes: string[] = [];
    if (m.retransmission) notes.push('(retrans)');
    if (m.duplicate) notes.push('(dup)');
    if (opts.showIds && m.id !== undefined) notes.push(`#${m.id}`);
    if (m.notes !== undefined) notes.push(...m.notes);
    let line = trimEnd(row);
    if (notes.length) line = line.padEnd(end) + '  ' + notes.join(' ');
    lines.push(line);
  });
  return lines.join('\n') + '\n';
}

function lifelines(len: number, x: number[], v: string): string[] {
  const row = new Array<string>(len).fill(' ');
  for (const p of x) row[p] = v;
  return row;
}

function put(row: string[], at: number, s: string): void {
  for (let i = 0; i < s.length; i++) row[at + i] = s[i];
}

function trimEnd(row: string[]): string {
  return row.join('').replace(/\s+$/, '');
}
