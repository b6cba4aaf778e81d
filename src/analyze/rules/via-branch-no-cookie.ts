import { isRfc3261Branch } from '../../correlate/transaction-key.js';
import { topVia } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { MessageRule } from '../rule.js';

export const viaBranchNoCookie: MessageRule = {
  id: 'via.branch-no-cookie',
  title: 'Top Via branch missing or without the z9hG4bK magic cookie',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §8.1.1.7',
    text:
      'The Via header field value MUST contain a branch parameter. … The branch ID inserted by an element ' +
      'compliant with this specification MUST always begin with the characters "z9hG4bK".',
  },
  explanation:
    'The branch of the top Via identifies the transaction; the "z9hG4bK" prefix promises that it is unique, ' +
    'so servers can match retransmissions, ACK and CANCEL by branch alone. Without it they fall back to the ' +
    'RFC 2543 rules (Request-URI, tags, Call-ID, CSeq, whole top Via), which break with forking and NAT. It ' +
    'means an RFC 2543 element or a home-made stack (RFC 4475 §3.2.1). Only the top Via is checked: lower ' +
    'ones were added by earlier hops and are checked where those hops send.',
  scope: 'message',
  only: { requests: '*' },
  check(msg: SipMessage): readonly FindingDraft[] {
    if (msg.kind !== 'request') return NONE;
    const v = topVia(msg);
    if (v === undefined || isRfc3261Branch(v.branch)) return NONE;
    return [
      {
        text:
          v.branch === undefined
            ? `top Via (${v.sentBy}) of ${msg.method} has no branch parameter`
            : `top Via branch "${v.branch}" of ${msg.method} does not begin with z9hG4bK`,
        range: { offset: v.offset, length: v.length },
      },
    ];
  },
};
