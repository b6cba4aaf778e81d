import { callId, cseq, headerFields, topVia } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { isFirstCopy, label, txOf } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

/** Methods probed for the request a response with a foreign CSeq method answers. */
const METHODS = [
  'INVITE',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
];

function cseqRange(m: SipMessage, id: number): FindingDraft['range'] {
  const f = headerFields(m, 'cseq')[0];
  return f === undefined ? undefined : { offset: f.offset, length: f.length, message: id };
}

export const cseqResponseMismatch: CorrelatedRule = {
  id: 'cseq.response-mismatch',
  title: 'Response CSeq differs from the CSeq of its request',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.2.6.2',
    text:
      'The From field of the response MUST equal the From header field of the request. The Call-ID header ' +
      'field of the response MUST equal the Call-ID header field of the request. The CSeq header field of the ' +
      'response MUST equal the CSeq field of the request.',
  },
  explanation:
    'A response copies the CSeq of the request it answers, number and method: the client matches it to its ' +
    'transaction by the top Via branch and the CSeq method (RFC 3261 §17.1.3), and uses the number to tell ' +
    'answers to old and new requests apart. A response with another number is taken for the answer to some ' +
    'other request; one with another method matches no transaction at all and is dropped, so the request ' +
    'times out although it was answered. Usually a B2BUA or SBC that rebuilds responses from the wrong request.',
  scope: 'correlated',
  on: ['message'],
  only: { responses: [1, 2, 3, 4, 5, 6], copies: 'first' },
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (m.kind !== 'response' || !isFirstCopy(c)) return NONE;
    const cs = cseq(m);
    const tx = txOf(model, c);
    if (cs === undefined || tx === undefined || tx.rfc2543) return NONE;
    if (!tx.orphan) {
      if (tx.cseq === null || tx.cseq === cs.seq || tx.request === null) return NONE;
      return [
        {
          text: `${label(m)} carries CSeq ${cs.seq} ${cs.method}; its request has CSeq ${tx.cseq} ${tx.method}`,
          messages: [tx.request, ev.id],
          range: cseqRange(m, ev.id),
        },
      ];
    }
    // A response matching no transaction: is there a live request on its branch with another method?
    if (tx.messages.length !== 1 || model.liveTransaction === undefined) return NONE;
    const v = topVia(m);
    if (v?.branch === undefined) return NONE;
    for (const method of METHODS) {
      if (method === cs.method) continue;
      const req = model.liveTransaction(v.branch, v.sentBy, method, callId(m) ?? '');
      if (req === undefined || req.request === null || req.id === tx.id) continue;
      return [
        {
          text: `${m.status} ${m.reason} carries CSeq ${cs.seq} ${cs.method}, but the request on its branch ${v.branch} is ${method} (CSeq ${req.cseq ?? '?'} ${method}): no client transaction will match it`,
          messages: [req.request, ev.id],
          range: cseqRange(m, ev.id),
        },
      ];
    }
    return NONE;
  },
};
