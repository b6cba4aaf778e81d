/**
 * Small facts the correlated rules share: is this the first copy of a
 * message, which hop did it take, how to name it in a finding. Pure reads;
 * nothing here allocates unless it returns a string for a finding's text.
 */
import type { MessageCorrelation, TransactionRecord } from '../correlate/model.js';
import { endpointString } from '../decode/payload.js';
import { cseq } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { pathHash } from './hash.js';
import type { CorrelatedModel } from './rule.js';

/** The message is the first copy the capture saw (not a retransmission, not a mirror duplicate). */
export function isFirstCopy(c: MessageCorrelation | null): c is MessageCorrelation {
  return c !== null && !c.retransmission && !c.duplicate;
}

let lastC: MessageCorrelation | null = null;
let lastModel: CorrelatedModel | null = null;
let lastTx: TransactionRecord | undefined;

/** The transaction record of a correlated message, when the model can give it (the last one is cached: several rules ask). */
export function txOf(model: CorrelatedModel, c: MessageCorrelation | null): TransactionRecord | undefined {
  if (c === null) return undefined;
  if (c === lastC && model === lastModel) return lastTx;
  lastC = c;
  lastModel = model;
  lastTx = model.transaction?.(c.transaction);
  return lastTx;
}

let hopMsg: SipMessage | null = null;
let hop = 0;

/** Hash of the message's src → dst (0 without a source); the last one is cached, several rules ask. */
export function hopOf(m: SipMessage): number {
  if (m === hopMsg) return hop;
  const s = m.source;
  hopMsg = m;
  hop = s === null ? 0 : pathHash(s.src.ip, s.src.port, s.dst.ip, s.dst.port);
  return hop;
}

/** `src → dst` for a finding's text ('' without a source). */
export function hopText(m: SipMessage): string {
  const s = m.source;
  return s === null ? '' : `${endpointString(s.src)} → ${endpointString(s.dst)}`;
}

/** Capture time of the message (NaN without a source). */
export function tsOf(m: SipMessage): number {
  return m.source?.ts ?? Number.NaN;
}

/** `INVITE` or `200 OK to INVITE`: how a finding names a message. */
export function label(m: SipMessage): string {
  if (m.kind === 'request') return m.method;
  const method = cseq(m)?.method;
  return `${m.status} ${m.reason}${method ? ` to ${method}` : ''}`;
}

/**
 * RFC 3262 §3: a reliable provisional response "MUST contain a Require
 * header field containing the option tag 100rel, and MUST include an RSeq
 * header field". The RSeq header marks one.
 */
export function isReliableProvisional(m: SipMessage): boolean {
  return m.kind === 'response' && m.status > 100 && m.status < 200 && hasHeader(m, 'rseq');
}

/** The message has a header with this canonical key (lowercase long name); no allocation. */
export function hasHeader(m: SipMessage, key: string): boolean {
  const h = m.headers;
  for (let i = 0; i < h.length; i++) if (h[i].key === key) return true;
  return false;
}

/** Value of the first header with this canonical key, without allocating. */
export function firstValue(m: SipMessage, key: string): string | undefined {
  const h = m.headers;
  for (let i = 0; i < h.length; i++) if (h[i].key === key) return h[i].value;
  return undefined;
}

/** Milliseconds, rounded, for texts. */
export const ms = (s: number): string => `${Math.round(s * 1000)} ms`;

/** Seconds with one decimal, for texts. */
export const secs = (s: number): string => `${(Math.round(s * 10) / 10).toFixed(1)} s`;
