/**
 * `GET /api/captures/:id/messages/:messageId` (server/API.md "Messages"):
 * the message as the server sends it (server/message-detail.ts builds it),
 * every position a string index into `raw`, the UTF-8 text of its bytes.
 * Types only, so that the web UI reads the same declaration.
 */
import type { Finding } from '../analyze/finding.js';
import type { Sdp } from '../sip/sdp-model.js';
import type { MessageRow } from './rows.js';

export interface Span {
  start: number;
  end: number;
}

/** A header field: the whole line, its name ending at `nameEnd`. */
export interface HeaderSpan extends Span {
  name: string;
  value: string;
  nameEnd: number;
}

/** What the parser said of the message (SipIssue, src/sip/message.ts), placed. */
export interface ParseIssue extends Span {
  code: string;
  message: string;
  severity: string;
}

export interface MessageDetail extends Omit<MessageRow, 'sdp'> {
  raw: string;
  startLine: Span;
  headers: HeaderSpan[];
  body: Span | null;
  /** The parsed SDP; its `offset`/`length` are string indexes into `raw` too. */
  sdp: Sdp | null;
  issues: ParseIssue[];
  /** Findings naming the message; `span` (ext) is `range` as string indexes when it is in this message. */
  findings: Array<Finding & { span?: Span }>;
}
