/**
 * What the store's queries answer and the API sends as it is (server/API.md
 * "Calls", "Captures"): a page of the call list, a call with its parts, the
 * statistics view. Types only, no code, so that the web UI's types
 * (web/src/api/types.ts) name them without pulling in the store.
 */
import type { RtpStreamRecord } from '../media/rtp-stream-record.js';
import type { Distribution } from './distribution.js';
import type { CallRow, DialogRow, Finding, MessageRow, TransactionRow } from './rows.js';

export interface CallDetail {
  call: CallRow;
  /** Every message of the call, in capture order. */
  messages: MessageRow[];
  /** The transactions and dialogs its messages belong to, by id. */
  transactions: TransactionRow[];
  dialogs: DialogRow[];
  /** Findings whose `call` is this call. */
  findings: Finding[];
  /** RTP streams whose `call` is this call (set up by the SDP of one of its messages), by id. */
  streams: RtpStreamRecord[];
}

/** What the statistics view plots (`GET /api/captures/:id/stats`). */
export interface CaptureStatsView {
  requests: Record<string, number>;
  responses: Record<string, number>;
  callsByState: Record<string, number>;
  callsByKind: Record<string, number>;
  /** Answered INVITE calls / INVITE calls (kind `call`); null without any. */
  asr: number | null;
  /** The distributions of the calls that have each (distribution.ts: bins, median, 95th percentile, max). */
  pddMs: Distribution;
  setupMs: Distribution;
  durationMs: Distribution;
}

export interface CallPage {
  /** Calls matching the filters (all pages). */
  total: number;
  calls: CallRow[];
}
