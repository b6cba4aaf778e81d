/**
 * The SIP message model (RFC 3261 §7): a discriminated union of request and
 * response, lossless (raw bytes kept) and indexed by byte offsets so the UI can
 * highlight any header and findings can point at byte ranges.
 *
 * `text` is the raw bytes decoded as latin1, so that a string index is a byte
 * offset; decode UTF-8 only for display.
 */
import type { Endpoint, HepMeta, Transport } from '../decode/payload.js';

export type IssueSeverity = 'error' | 'warning';

/** Something wrong with the bytes of a message; kept, never thrown. */
export interface SipIssue {
  /** Stable dotted code, e.g. `syntax.header-without-colon`. */
  code: string;
  severity: IssueSeverity;
  message: string;
  /** Byte range in `raw` the issue is about. */
  offset: number;
  length: number;
}

export interface HeaderField {
  /** Name as written on the wire. */
  name: string;
  /** Canonical lowercase long name (compact forms expanded): `via`, `call-id`. */
  key: string;
  /** Value with line folding replaced by a single space, outer whitespace trimmed. */
  value: string;
  /** Byte offset of the header line's first byte in `raw`. */
  offset: number;
  /** Bytes from `offset` to the end of the value (continuation lines included, line end excluded). */
  length: number;
  /** Byte offset of the value's first byte in `raw`. */
  valueOffset: number;
}

/** Where a captured message came from; null for messages parsed from text (lint). */
export interface MessageSource {
  transport: Transport;
  src: Endpoint;
  dst: Endpoint;
  /** Frame in which the message became complete (last fragment / segment). */
  frame: number;
  /** Every frame that carried bytes of the message, ascending. */
  frames: number[];
  /** Capture time, seconds (float), of the completing frame. */
  ts: number;
  /** Delivered by a HEP agent: its id, node name and correlation id. */
  hep?: HepMeta;
}

interface SipMessageBase {
  raw: Uint8Array;
  /** latin1 view of `raw` (index = byte offset). */
  text: string;
  /** e.g. `SIP/2.0` */
  version: string;
  /** The first line without its line end. */
  startLine: string;
  headers: HeaderField[];
  /** Byte offset where the body starts (after the empty line); raw.length when none. */
  bodyOffset: number;
  body: Uint8Array;
  issues: SipIssue[];
  /** True when any issue has severity `error`. */
  malformed: boolean;
  source: MessageSource | null;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  /** Open string: extension methods exist (RFC 3261 §7.1). Case kept as sent. */
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

export const isRequest = (m: SipMessage): m is SipRequest => m.kind === 'request';
export const isResponse = (m: SipMessage): m is SipResponse => m.kind === 'response';
