import { vias } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { MessageContext, MessageRule } from '../rule.js';

const sameSentBy = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase();

export const loopViaRepeated: MessageRule = {
  id: 'loop.via-repeated',
  title: 'The same Via (branch and sent-by) twice in one request: it looped',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §16.3',
    text:
      'If the request contains a Via header field with a sent-by value that equals a value placed into ' +
      'previous requests by the proxy, the request has been forwarded by this element before. The request has ' +
      'either looped or is legitimately spiraling through the element. To determine if the request has looped, ' +
      'the element MAY perform the branch parameter calculation described in Step 8 of Section 16.6 on this ' +
      'message and compare it to the parameter received in that Via header field. If the parameters match, the ' +
      'request has looped.',
  },
  explanation:
    'Every proxy that forwards a request adds its own Via with a branch computed from the request, so the Via ' +
    'list is the path the request took. The same sent-by with the same branch twice means the same proxy ' +
    'forwarded the same request twice: it went round in a circle. (The same sent-by with a different branch ' +
    'is a spiral, which is legitimate.) A looping request ends with 482 or 483 at best and burns every hop on ' +
    'the way; the cause is a routing table or DNS entry pointing back.',
  scope: 'message',
  only: { requests: '*', copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    if (msg.kind !== 'request') return NONE;
    const c = ctx.correlation;
    if (c !== null && (c.retransmission || c.duplicate)) return NONE;
    const vs = vias(msg);
    if (vs.length < 2) return NONE;
    for (let j = 1; j < vs.length; j++) {
      const b = vs[j].branch;
      if (b === undefined || b === '') continue;
      for (let i = 0; i < j; i++) {
        if (vs[i].branch !== b || !sameSentBy(vs[i].sentBy, vs[j].sentBy)) continue;
        return [
          {
            text: `${msg.method} carries Via ${vs[j].sentBy};branch=${b} twice (Via #${i + 1} and #${j + 1} of ${vs.length}): the request came back to an element it had already passed`,
            range: { offset: vs[j].offset, length: vs[j].length },
          },
        ];
      }
    }
    return NONE;
  },
};
