import { cseq, headerFields } from '../../sip/accessors.js';
import { isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const cseqAckMismatch: CorrelatedRule = {
  id: 'cseq.ack-mismatch',
  title: "ACK for a non-2xx response with a CSeq number other than the INVITE's",
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §17.1.1.3',
    text:
      'The CSeq header field in the ACK MUST contain the same value for the sequence number as was present in ' +
      'the original request, but the method parameter MUST be equal to "ACK".',
  },
  explanation:
    "The ACK for a 3xx–6xx response is part of the INVITE transaction: it reuses the INVITE's branch and " +
    'CSeq number, only the method becomes ACK. The server transaction may check the number to be sure the ACK ' +
    'is for this INVITE; an ACK with another number may not stop the retransmissions of the final response, ' +
    'which then go on until Timer H. Typically a stack that increments CSeq for every request it sends, ACK ' +
    'included.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: ['ACK'], copies: 'first' },
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.method !== 'ACK' || !isFirstCopy(ev.correlation)) return NONE;
    const tx = txOf(model, ev.correlation);
    const cs = cseq(m);
    // The non-2xx ACK joins the INVITE transaction (kind `invite`); a 2xx ACK is a transaction of its own.
    if (tx === undefined || tx.kind !== 'invite' || tx.rfc2543 || cs === undefined || tx.cseq === null)
      return NONE;
    if (cs.seq === tx.cseq) return NONE;
    const f = headerFields(m, 'cseq')[0];
    return [
      {
        text: `ACK for ${tx.finalStatus ?? 'a non-2xx'} has CSeq ${cs.seq}; the INVITE it acknowledges has CSeq ${tx.cseq}`,
        messages: tx.request === null ? [ev.id] : [tx.request, ev.id],
        range: f === undefined ? undefined : { offset: f.offset, length: f.length, message: ev.id },
      },
    ];
  },
};
