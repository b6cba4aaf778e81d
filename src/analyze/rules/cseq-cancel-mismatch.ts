import { callId, cseq, headerFields } from '../../sip/accessors.js';
import { isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const cseqCancelMismatch: CorrelatedRule = {
  id: 'cseq.cancel-mismatch',
  title: 'CANCEL whose CSeq number (or Call-ID) differs from the INVITE it cancels',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §9.1',
    text:
      'The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL request ' +
      'MUST be identical to those in the request being cancelled, including tags. A CANCEL constructed by a ' +
      'client MUST have only a single Via header field value matching the top Via value in the request being ' +
      'cancelled.',
  },
  explanation:
    'A CANCEL finds the request it cancels by the same branch, and carries the same Call-ID, tags and CSeq ' +
    'number, with the method CANCEL. A server that checks them (RFC 2543 servers match on them) does not find ' +
    'the INVITE for a CANCEL with another number, answers 481, and the phone keeps ringing. Usually a stack ' +
    'that gives every new request the next CSeq, CANCEL included.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: ['CANCEL'], copies: 'first' },
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.method !== 'CANCEL' || !isFirstCopy(ev.correlation)) return NONE;
    const tx = txOf(model, ev.correlation);
    if (tx?.cancels === undefined) return NONE;
    const inv = model.transaction?.(tx.cancels);
    const cs = cseq(m);
    if (inv === undefined || inv.cseq === null || cs === undefined) return NONE;
    const cid = callId(m);
    const problems: string[] = [];
    if (cs.seq !== inv.cseq) problems.push(`CSeq ${cs.seq} where the INVITE has ${inv.cseq}`);
    if (cid !== undefined && inv.callId !== '' && cid !== inv.callId)
      problems.push('another Call-ID than the INVITE');
    if (problems.length === 0) return NONE;
    const f = headerFields(m, 'cseq')[0];
    return [
      {
        text: `CANCEL has ${problems.join(' and ')}`,
        messages: inv.request === null ? [ev.id] : [inv.request, ev.id],
        range: f === undefined ? undefined : { offset: f.offset, length: f.length, message: ev.id },
      },
    ];
  },
};
