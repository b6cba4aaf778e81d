import { headerValue } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageRule } from '../rule.js';

/** A body of only CR, LF, SP or HT: stray line ends after the empty line, not content. */
function blank(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

export const contentTypeMissing: MessageRule = {
  id: 'content-type.missing',
  title: 'Body without Content-Type',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20.15',
    text: 'The Content-Type header field MUST be present if the body is not empty.',
  },
  explanation:
    'The receiver decides what to do with a body (SDP offer, DTMF relay, presence document...) from its ' +
    'Content-Type only; it must not guess from the bytes. A body without it is usually rejected with 415 or ' +
    'silently ignored, so an SDP offer is lost. Stray line ends after the empty line are not counted as a ' +
    'body.',
  scope: 'message',
  only: { requests: '*', responses: ANY_STATUS, withBody: true },
  check(msg: SipMessage): readonly FindingDraft[] {
    const b = msg.body;
    if (b.length === 0 || headerValue(msg, 'content-type') !== undefined || blank(b)) return NONE;
    return [
      {
        text: `${b.length}-byte body without Content-Type`,
        range: { offset: msg.bodyOffset, length: b.length },
      },
    ];
  },
};
