import type { SipMessage } from '../../sip/message.js';
import { label } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { startLineRange } from '../message-facts.js';
import type { MessageContext, MessageRule } from '../rule.js';

export const loop482Returned: MessageRule = {
  id: 'loop.482-returned',
  title: '482 Loop Detected returned',
  severity: 'info',
  rfc: {
    ref: 'RFC 3261 §16.3, §8.2.2.2',
    text:
      'If a loop is detected, the element MAY return a 482 (Loop Detected) response. … If the request has no ' +
      'tag in the To header field, the UAS core MUST check the request against ongoing transactions. If the ' +
      'From tag, Call-ID, and CSeq exactly match those associated with an ongoing transaction, but the request ' +
      'does not match that transaction (based on the matching rules in Section 17.2.3), the UAS core SHOULD ' +
      'generate a 482 (Loop Detected) response and pass it to the server transaction.',
  },
  explanation:
    'A proxy answers 482 when a request comes back to it (its own Via with the same branch is already in the ' +
    'list), and a UAS answers 482 when it receives the same request twice by different paths (a merged ' +
    'request after forking). Either way the request was routed in a circle or forked onto two paths that ' +
    'meet again. Look at the Via list of the request for the element that appears twice.',
  scope: 'message',
  only: { responses: [4], copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    if (msg.kind !== 'response' || msg.status !== 482) return NONE;
    const c = ctx.correlation;
    if (c !== null && (c.retransmission || c.duplicate)) return NONE;
    return [
      { text: `${label(msg)}: the request looped or reached this element twice`, range: startLineRange(msg) },
    ];
  },
};
