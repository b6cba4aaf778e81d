import { cseq } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { startLineRange } from '../message-facts.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageContext, MessageRule } from '../rule.js';

export const ackAnswered: MessageRule = {
  id: 'ack.answered',
  title: 'A response to an ACK',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §17.1, §8.2.7',
    text:
      'There is no client transaction for ACK. If the TU wishes to send an ACK, it passes one directly to the ' +
      'transport layer for transmission. … A stateless UAS MUST ignore ACK requests.',
  },
  explanation:
    'ACK is the one request that is never answered: it closes the three-way INVITE handshake and has no ' +
    'transaction of its own to carry a response. A response with "ACK" in its CSeq matches nothing at the ' +
    'receiver and is dropped, and it shows that the element answering it treated the ACK as a new request ' +
    '(often after failing to match it to its dialog or INVITE transaction).',
  scope: 'message',
  only: { responses: ANY_STATUS, responseTo: ['ACK'], copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    if (msg.kind !== 'response' || cseq(msg)?.method !== 'ACK') return NONE;
    const c = ctx.correlation;
    if (c !== null && (c.retransmission || c.duplicate)) return NONE;
    return [{ text: `${msg.status} ${msg.reason} answers an ACK`, range: startLineRange(msg) }];
  },
};
