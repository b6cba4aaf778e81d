import { cseq } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { label } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { startLineRange } from '../message-facts.js';
import type { MessageContext, MessageRule } from '../rule.js';

export const loop483Returned: MessageRule = {
  id: 'loop.483-returned',
  title: '483 Too Many Hops returned',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §16.3, §8.1.1.6',
    text:
      'If the request contains a Max-Forwards header field with a field value of zero (0), the element MUST NOT ' +
      'forward the request. If the request was for OPTIONS, the element MAY act as the final recipient and ' +
      'respond per Section 11. Otherwise, the element MUST return a 483 (Too many hops) response.',
  },
  explanation:
    'Max-Forwards starts at 70 and every proxy takes one off; the element that receives it at 0 answers 483. ' +
    'No real path has 70 hops, so a 483 almost always means a routing loop between proxies (or one that ' +
    'resets and re-decrements the counter). An OPTIONS sent with a small Max-Forwards on purpose, to probe ' +
    'the path, gets a 483 by design: that case is only info.',
  scope: 'message',
  only: { responses: [4], copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    if (msg.kind !== 'response' || msg.status !== 483) return NONE;
    const c = ctx.correlation;
    if (c !== null && (c.retransmission || c.duplicate)) return NONE;
    const probe = cseq(msg)?.method === 'OPTIONS';
    return [
      {
        text: `${label(msg)}: Max-Forwards ran out${probe ? ' (an OPTIONS probe)' : ', most likely a routing loop'}`,
        range: startLineRange(msg),
        severity: probe ? 'info' : undefined,
      },
    ];
  },
};
