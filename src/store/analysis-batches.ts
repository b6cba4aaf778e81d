/**
 * An analysis (report/analyze-capture.ts) cut into the batches a
 * CaptureWriter takes. The batches are plain data (structured-clone safe), so
 * a worker thread can post them and the thread that owns the store write
 * them: `collectMessageExtras` keeps what the records do not (each message's
 * bytes, SDP summary and User-Agent) while the analysis runs,
 * `analysisBatches` then yields rows in bounded batches.
 */
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { AnalysisResult } from '../report/analyze-capture.js';
import type { MessageTable } from '../report/message-table.js';
import { callJson, dialogJson, transactionJson } from '../report/model-json.js';
import { userAgent } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import type { CallJson, DialogRow, Finding, MessageJson, SdpSummary, TransactionRow } from './rows.js';
import { sdpSummary, utf8Text } from './sdp-summary.js';
import type { CaptureWriter, MessageInput } from './store.js';

export type AnalysisBatch =
  | { kind: 'messages'; items: MessageInput[] }
  | { kind: 'transactions'; items: TransactionRow[] }
  | { kind: 'dialogs'; items: DialogRow[] }
  | { kind: 'calls'; items: CallJson[] }
  | { kind: 'findings'; items: Finding[] }
  | { kind: 'streams'; items: RtpStreamRecord[] };

/**
 * Rows per batch written to a store, by the server and by analyze-to-store.ts
 * (and so by the bench). Rows waiting for a batch of 5,000 outlived a few
 * young-generation collections and were copied and promoted on the way: on
 * the 200,000-call capture 2,000 took ~0.5 s and ~25 MiB of peak RSS off
 * the store analysis (three runs each).
 */
export const DEFAULT_BATCH_SIZE = 2000;

/** Per message id: what the row does not hold. */
export interface MessageExtras {
  raw: Uint8Array[];
  sdp: Array<SdpSummary | null>;
  agent: Array<string | null>;
  /** Pass as `analyzeCapture`'s `onMessage`. */
  onMessage(msg: SipMessage, id: number, table?: MessageTable): void;
}

export function collectMessageExtras(): MessageExtras {
  const x: MessageExtras = {
    raw: [],
    sdp: [],
    agent: [],
    onMessage(msg, id) {
      // A copy: msg.raw is a view into a shared slab.
      x.raw[id] = msg.raw.slice();
      const sdp = msg.body.length > 0 ? sdpOf(msg) : undefined;
      x.sdp[id] = sdp === undefined ? null : sdpSummary(sdp);
      const ua = userAgent(msg);
      x.agent[id] = ua === undefined ? null : utf8Text(ua);
    },
  };
  return x;
}

function* chunks<U>(n: number, size: number, make: (i: number) => U): Generator<U[]> {
  for (let i = 0; i < n; i += size) {
    const out: U[] = [];
    for (let k = i; k < Math.min(n, i + size); k++) out.push(make(k));
    yield out;
  }
}

/** The analysis as batches of at most `size` items: messages, transactions, dialogs, calls, findings, RTP streams. */
export function* analysisBatches(
  result: AnalysisResult,
  extras: MessageExtras,
  size = DEFAULT_BATCH_SIZE,
): Generator<AnalysisBatch> {
  const table = result.messages;
  for (const items of chunks(table.length, size, (i) => ({
    // The parsed row itself, given its SDP summary (rows.ts callRowOf: not a spread).
    row: Object.assign(JSON.parse(table.json(i)) as MessageJson, { sdp: extras.sdp[i] ?? null }),
    raw: extras.raw[i] ?? new Uint8Array(0),
    agent: extras.agent[i] ?? null,
  })))
    yield { kind: 'messages', items };
  const t = result.transactions;
  for (const items of chunks(t.length, size, (i) => JSON.parse(transactionJson(t[i])) as TransactionRow))
    yield { kind: 'transactions', items };
  const d = result.dialogs;
  for (const items of chunks(d.length, size, (i) => JSON.parse(dialogJson(d[i])) as DialogRow))
    yield { kind: 'dialogs', items };
  const c = result.calls;
  for (const items of chunks(c.length, size, (i) => JSON.parse(callJson(c[i])) as CallJson))
    yield { kind: 'calls', items };
  const f = result.findings;
  for (const items of chunks(f.length, size, (i) => f[i])) yield { kind: 'findings', items };
  // Their `call` is set: analyzeCapture gives each the final call of the message whose SDP announced it.
  const st = result.streams;
  for (const items of chunks(st.length, size, (i) => st[i])) yield { kind: 'streams', items };
}

export function writeBatch(w: CaptureWriter, b: AnalysisBatch): Promise<void> {
  switch (b.kind) {
    case 'messages':
      return w.addMessages(b.items);
    case 'transactions':
      return w.addTransactions(b.items);
    case 'dialogs':
      return w.addDialogs(b.items);
    case 'calls':
      return w.addCalls(b.items);
    case 'findings':
      return w.addFindings(b.items);
    case 'streams':
      return w.addStreams(b.items);
  }
}

/** Writes the whole analysis through `w` and finishes it. */
export async function writeAnalysis(
  w: CaptureWriter,
  result: AnalysisResult,
  extras: MessageExtras,
  size = DEFAULT_BATCH_SIZE,
): Promise<void> {
  for (const b of analysisBatches(result, extras, size)) await writeBatch(w, b);
  await w.finish(result.stats, result.source);
}
