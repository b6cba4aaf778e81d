/**
 * The rows a store keeps and the API sends (server/API.md): the JSON
 * contract's records as plain data, plus the extensions the UI needs. Text
 * from a capture is already read as UTF-8 here (report/message-json.ts), so a
 * row can go to JSON.stringify or a database column as it is.
 */
import type { Finding, Severity } from '../analyze/finding.js';
import type { CallEndpoint, CallLink, CallRelation } from '../correlate/call-links.js';
import type { AnalysisStats } from '../report/analysis-stats.js';
import type { MessageRecord } from '../report/message-record.js';

/** The session description of a message, as the ladder labels it. */
export interface SdpSummary {
  /** The session c= address, else the first media's. */
  addr: string | null;
  media: Array<{
    media: string;
    port: number;
    proto: string;
    addr: string | null;
    /** `PCMU/8000` where an rtpmap (or a static payload type) names it, else the format as written. */
    codecs: string[];
    direction: string | null;
  }>;
}

/**
 * A message as the JSON contract writes it (report/message-table.ts `json`):
 * the record, with `malformed` only when true and `frames` only when the
 * message was carried by more than its completing frame.
 */
export type MessageJson = Omit<MessageRecord, 'malformed' | 'frames'> & {
  malformed?: boolean;
  frames?: number[];
};

export interface MessageRow extends MessageJson {
  sdp: SdpSummary | null;
}

/** A transaction as report/model-json.ts `transactionJson` writes it. */
export interface TransactionRow {
  id: number;
  kind: string;
  method: string;
  branch: string | null;
  state: string;
  messages: number[];
  finalStatus: number | null;
  sentBy: string;
  callId: string;
  cseq: number | null;
  retransmissions: number;
  timedOut: boolean;
  rfc2543?: boolean;
  upstream?: number;
  cancels?: number;
  acks?: number;
  anomalies?: string[];
}

/** A dialog as `dialogJson` writes it. */
export interface DialogRow {
  id: number;
  callId: string;
  tags: [string, string];
  state: string;
  messages: number[];
  kind: string;
  createdBy: number;
  start: number | null;
  end: number | null;
  endReason: string | null;
}

/** A call as `callJson` writes it. */
export interface CallJson {
  id: number;
  callIds: string[];
  from: string | null;
  to: string | null;
  /** Capture time (s) of its first and last message (correlate/model.ts CallRecord). */
  start: number;
  end: number;
  state: string;
  setupMs: number | null;
  durationMs: number | null;
  dialogs: number[];
  messages: number[];
  links: CallLink[];
  kind: string;
  finalStatus: number | null;
  reason: string | null;
  pddMs: number | null;
  hangupBy: 'caller' | 'callee' | null;
  retransmissions: number;
  transactions: number[];
  endpoints: CallEndpoint[];
  related: CallRelation[];
}

/** A call of the call list: the contract's call and what the store knows of its findings. */
export interface CallRow extends CallJson {
  findingCount: number;
  worstSeverity: Severity | null;
}

/**
 * A call list row: `c` (left as it is) with its findings' count and worst
 * severity. Not `{ ...c, findingCount, worstSeverity }`: Node 20's V8 copies
 * an object by spread fast but then adds new properties to the copy slowly,
 * ~5 µs a call here against ~1.5 for Object.assign (the memory store's first
 * call-list query of a 100,000-call capture builds a row per call).
 */
export function callRowOf(c: CallJson, findingCount: number, worstSeverity: Severity | null): CallRow {
  return Object.assign({}, c, { findingCount, worstSeverity });
}

export type { AnalysisStats, Finding, Severity };
