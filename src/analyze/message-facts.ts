/**
 * Small facts about one message that several rules need: where its start
 * line is, whether it comes from an RFC 2543 element, the method a response
 * answers. Pure reads of the parsed message; nothing is allocated unless a
 * value is returned.
 */
import { isRfc3261Branch } from '../correlate/transaction-key.js';
import { cseq, topVia } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';

/** Byte range of the start line in `raw` (issues about the message as a whole point here). */
export function startLineRange(m: SipMessage): { offset: number; length: number } {
  // RFC 3261 §7.5: CRLFs before the start line are skipped by the parser; find where it begins.
  const offset = m.text.indexOf(m.startLine);
  return { offset: Math.max(offset, 0), length: m.startLine.length };
}

/**
 * RFC 3261 §8.1.1.7: "The branch ID inserted by an element compliant with
 * this specification MUST always begin with the characters "z9hG4bK"." A top
 * Via without that magic cookie (or without a branch) marks a transaction
 * started by an RFC 2543 element, which several RFC 3261 MUSTs do not bind
 * (RFC 4475 §3.4.1: such a request "should be accepted").
 */
export function isRfc2543(m: SipMessage): boolean {
  const v = topVia(m);
  return v !== undefined && !isRfc3261Branch(v.branch);
}

/** The method a message is about: the request's own, or the CSeq method of a response. */
export function methodOf(m: SipMessage): string | undefined {
  return m.kind === 'request' ? m.method : cseq(m)?.method;
}

/** True when the parser reported an error inside `[offset, offset + length)`: the value could not be read. */
export function hasErrorIn(m: SipMessage, offset: number, length: number): boolean {
  const end = offset + length;
  const is = m.issues;
  for (let i = 0; i < is.length; i++) {
    if (is[i].severity === 'error' && is[i].offset >= offset && is[i].offset < end) return true;
  }
  return false;
}
