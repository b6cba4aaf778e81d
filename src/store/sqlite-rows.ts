/**
 * Rows of the SQLite store to and from the store's records (rows.ts): the
 * message columns, the call-list columns of a call, the search text, and a
 * capture's row. Pure functions: no database here.
 */
import type { Severity } from '../analyze/finding.js';
import { searchText } from './call-query.js';
import { type CallJson, type CallRow, callRowOf, type MessageRow, type SdpSummary } from './rows.js';
import type { CaptureFileRef, CaptureRecord, CaptureSource, CaptureStatus, MessageInput } from './store.js';

const RETRANSMISSION = 1;
const MALFORMED = 2;

/** Severity as a number the database can take the max of; 0 is none. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };
const SEVERITY_OF: Array<Severity | null> = [null, 'info', 'warning', 'error'];

export function severityOf(rank: number): Severity | null {
  return SEVERITY_OF[rank] ?? null;
}

/** The column list of `messages` in insert order (sqlite-schema.ts). */
export const MESSAGE_COLUMNS = [
  'cap',
  'id',
  'frame',
  'ts',
  'src',
  'dst',
  'transport',
  'method',
  'status',
  'reason',
  'call_id',
  'cseq',
  'cseq_method',
  'from_tag',
  'to_tag',
  'branch',
  'tx',
  'dialog',
  'call',
  'flags',
  'frames',
  'sdp',
  'agent',
  'raw',
  'raw_off',
  'raw_len',
  'file',
  'file_frame',
] as const;

export type MessageParams = Array<string | number | null | Uint8Array>;

/** The insert parameters of one message; the bytes go by place when the input says where they are. */
export function messageParams(cap: number, m: MessageInput): MessageParams {
  const r = m.row;
  const flags = (r.retransmission ? RETRANSMISSION : 0) | (r.malformed ? MALFORMED : 0);
  const byPlace = m.fileRange !== undefined;
  return [
    cap,
    r.id,
    r.frame,
    r.ts,
    r.src,
    r.dst,
    r.transport,
    r.method ?? null,
    r.status ?? null,
    r.reason ?? null,
    r.callId,
    r.cseq,
    r.cseqMethod,
    r.fromTag,
    r.toTag,
    r.branch,
    r.transaction,
    r.dialog,
    r.call,
    flags,
    r.frames === undefined ? null : r.frames.join(','),
    r.sdp === null ? null : JSON.stringify(r.sdp),
    m.agent,
    byPlace ? null : m.raw,
    byPlace ? m.fileRange!.offset : null,
    byPlace ? m.fileRange!.length : m.raw.length,
    r.file ?? null,
    r.fileFrame ?? null,
  ];
}

/** A `messages` row as better-sqlite3 gives it. */
export interface MessageDbRow {
  id: number;
  frame: number;
  file: number | null;
  file_frame: number | null;
  ts: number;
  src: string;
  dst: string;
  transport: string;
  method: string | null;
  status: number | null;
  reason: string | null;
  call_id: string | null;
  cseq: number | null;
  cseq_method: string | null;
  from_tag: string | null;
  to_tag: string | null;
  branch: string | null;
  tx: number | null;
  dialog: number | null;
  call: number | null;
  flags: number;
  frames: string | null;
  sdp: string | null;
}

/** The columns `messageRow` reads (raw bytes aside). */
export const MESSAGE_ROW_COLUMNS =
  'id, frame, file, file_frame, ts, src, dst, transport, method, status, reason, call_id, cseq, cseq_method, from_tag, to_tag, branch, tx, dialog, call, flags, frames, sdp';

/** The message as the JSON contract writes it (report/message-table.ts `json`), plus its SDP summary. */
export function messageRow(d: MessageDbRow): MessageRow {
  const row = { id: d.id, frame: d.frame } as MessageRow;
  // A merged capture's (the JSON contract's order: after `frame`).
  if (d.file !== null) {
    row.file = d.file;
    row.fileFrame = d.file_frame ?? 0;
  }
  row.ts = d.ts;
  row.src = d.src;
  row.dst = d.dst;
  row.transport = d.transport;
  if (d.method !== null) row.method = d.method;
  else {
    row.status = d.status ?? 0;
    row.reason = d.reason ?? '';
  }
  row.callId = d.call_id;
  row.cseq = d.cseq;
  row.cseqMethod = d.cseq_method;
  row.fromTag = d.from_tag;
  row.toTag = d.to_tag;
  row.branch = d.branch;
  row.transaction = d.tx;
  row.dialog = d.dialog;
  row.call = d.call;
  row.retransmission = (d.flags & RETRANSMISSION) !== 0;
  if ((d.flags & MALFORMED) !== 0) row.malformed = true;
  if (d.frames !== null) row.frames = d.frames === '' ? [] : d.frames.split(',').map(Number);
  row.sdp = d.sdp === null ? null : (JSON.parse(d.sdp) as SdpSummary);
  return row;
}

/**
 * A method in the `methods` column: `,invite,ack,bye,`. Each is lower-cased
 * and has `%` and `,` percent-encoded, so that `instr(methods, ',x,')` finds
 * exactly the calls with a request whose method is x, whatever the capture wrote.
 */
export function methodToken(method: string): string {
  return `,${method.toLowerCase().replace(/%/g, '%25').replace(/,/g, '%2C')},`;
}

export function methodsColumn(methods: Iterable<string>): string {
  const set = new Set<string>();
  for (const m of methods) set.add(methodToken(m).slice(1));
  return `,${[...set].join('')}`;
}

/** Separates the searched fields in `call_search.lower`; a needle holding it is matched field by field in JS. */
export const SEARCH_SEPARATOR = '\n';

/** The searched text of a call (call-query.ts `searchText`) as the `call_search` columns. */
export function searchColumns(row: CallJson, agents: Iterable<string>): { lower: string; texts: string } {
  const fields = searchText(row as CallRow, agents);
  return { lower: fields.join(SEARCH_SEPARATOR).toLowerCase(), texts: JSON.stringify(fields) };
}

/** The call-list columns of a call: cap, id, kind … complete (sqlite-schema.ts `calls`). */
export function callParams(
  cap: number,
  c: CallJson,
  methods: string,
  complete: boolean,
): Array<string | number | null> {
  return [
    cap,
    c.id,
    c.kind,
    c.state,
    c.start,
    c.from === null ? null : c.from.toLowerCase(),
    c.to === null ? null : c.to.toLowerCase(),
    c.durationMs,
    c.pddMs,
    c.setupMs,
    c.messages.length,
    methods,
    complete ? 1 : 0,
  ];
}

export function callRow(json: string, findingCount: number, worst: number): CallRow {
  return callRowOf(JSON.parse(json) as CallJson, findingCount, severityOf(worst));
}

export interface CaptureDbRow {
  n: number;
  name: string;
  size: number;
  path: string;
  files: string | null;
  status: string;
  progress: number;
  error: string | null;
  created_at: string;
  analyzed_at: string | null;
  stats: string | null;
  source: string | null;
  warnings: string | null;
}

export const captureId = (n: number): string => `c${n}`;

/** The number of a capture id (`c12` → 12); undefined for anything else. */
export function captureNumber(id: string): number | undefined {
  const m = /^c([1-9]\d{0,14})$/.exec(id);
  return m === null ? undefined : Number(m[1]);
}

export function captureRecord(r: CaptureDbRow): CaptureRecord {
  const rec: CaptureRecord = {
    id: captureId(r.n),
    name: r.name,
    size: r.size,
    path: r.path,
    status: r.status as CaptureStatus,
    progress: r.progress,
    createdAt: r.created_at,
    stats: r.stats === null ? null : JSON.parse(r.stats),
  };
  if (r.files !== null) rec.files = JSON.parse(r.files) as CaptureFileRef[];
  if (r.analyzed_at !== null) rec.analyzedAt = r.analyzed_at;
  if (r.error !== null) rec.error = r.error;
  if (r.source !== null) rec.source = JSON.parse(r.source) as CaptureSource;
  if (r.warnings !== null) rec.warnings = JSON.parse(r.warnings) as string[];
  return rec;
}
