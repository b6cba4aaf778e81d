/**
 * The call list as CSV (RFC 4180: a header line, CRLF line ends, a field in
 * double quotes when it holds a comma, a quote or a line break, its quotes
 * doubled), for a spreadsheet or a script: what `sipscope analyze --csv`
 * prints and `GET /api/captures/:id/calls.csv` sends, one line per call,
 * the columns of the call list (sngrep's, Wireshark's VoIP Calls).
 *
 * From, To, Call-ID and User-Agent are text from the wire, so anyone can
 * write `=HYPERLINK(…)` in them: a text field starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return gets a `'` in front, so that a spreadsheet
 * shows it as text instead of running it as a formula (OWASP "CSV
 * Injection"). Numbers are written as numbers.
 */
import { type Finding, type Severity, worse } from '../analyze/finding.js';
import type { CallEndpoint } from '../correlate/model.js';

/** What a line is made of: a call of the JSON contract (the CLI's records, the store's rows) and its findings. */
export interface CsvCall {
  id: number;
  kind: string;
  state: string;
  start: number | null;
  end: number | null;
  from: string | null;
  to: string | null;
  callIds: readonly string[];
  finalStatus: number | null;
  reason: string | null;
  pddMs: number | null;
  setupMs: number | null;
  durationMs: number | null;
  hangupBy: string | null;
  messages: readonly number[];
  retransmissions: number;
  endpoints: readonly CallEndpoint[];
}

export interface CsvFindings {
  count: number;
  worst: string | null;
}

export const CALL_CSV_COLUMNS = [
  'id',
  'start',
  'end',
  'kind',
  'state',
  'from',
  'to',
  'call_ids',
  'final_status',
  'reason',
  'messages',
  'retransmissions',
  'pdd_ms',
  'setup_ms',
  'duration_ms',
  'hangup_by',
  'endpoints',
  'findings',
  'worst_severity',
] as const;

/** The header line, CRLF included. */
export function callCsvHeader(): string {
  return `${CALL_CSV_COLUMNS.join(',')}\r\n`;
}

/** One call's line, CRLF included. */
export function callCsvLine(c: CsvCall, f: CsvFindings): string {
  const cells = [
    num(c.id),
    text(isoTime(c.start)),
    text(isoTime(c.end)),
    text(c.kind),
    text(c.state),
    text(c.from),
    text(c.to),
    text(c.callIds.join(' ')),
    num(c.finalStatus),
    text(c.reason),
    num(c.messages.length),
    num(c.retransmissions),
    num(c.pddMs),
    num(c.setupMs),
    num(c.durationMs),
    text(c.hangupBy),
    text(c.endpoints.map((e) => (e.label === null ? e.addr : `${e.addr} (${e.label})`)).join('; ')),
    num(f.count),
    text(f.worst),
  ];
  return `${cells.join(',')}\r\n`;
}

/**
 * The CSV of an analysis's calls (`sipscope analyze --csv`): the header,
 * then every call in id order with the count and worst severity of the
 * findings on it, a line at a time.
 */
export function* analysisCsvLines(r: {
  calls: readonly CsvCall[];
  findings: readonly Pick<Finding, 'call' | 'severity'>[];
}): Generator<string> {
  const byCall = new Map<number, { count: number; worst: Severity | null }>();
  for (const f of r.findings) {
    if (f.call === null) continue;
    const c = byCall.get(f.call) ?? { count: 0, worst: null };
    c.count++;
    c.worst = worse(c.worst, f.severity);
    byCall.set(f.call, c);
  }
  yield callCsvHeader();
  for (const c of r.calls) yield callCsvLine(c, byCall.get(c.id) ?? { count: 0, worst: null });
}

/** A text field: quoted when it must be, defused when a spreadsheet would take it for a formula. */
export function text(v: string | null): string {
  if (v === null || v === '') return '';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(v);
}

/** Capture time (epoch seconds) as ISO 8601 UTC to the millisecond; '' when unknown. */
function isoTime(ts: number | null): string | null {
  if (ts === null || !Number.isFinite(ts)) return null;
  return new Date(Math.round(ts * 1000)).toISOString();
}
