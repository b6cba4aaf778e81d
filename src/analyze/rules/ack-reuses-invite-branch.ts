import { callId, topVia } from '../../sip/accessors.js';
import { isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const ackReusesInviteBranch: CorrelatedRule = {
  id: 'ack.reuses-invite-branch',
  title: "ACK for a 2xx reuses the INVITE's branch",
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.1.1.7, §17.1.1.3',
    text:
      'The branch parameter value MUST be unique across space and time for all requests sent by the UA. The ' +
      'exceptions to this rule are CANCEL and ACK for non-2xx responses. … A UAC core that generates an ACK ' +
      'for 2xx MUST instead follow the rules described in Section 13.',
  },
  explanation:
    'Only the ACK for a 3xx–6xx response is part of the INVITE transaction and reuses its branch. The ACK for ' +
    'a 2xx is built by the UA core like any request in the dialog, in a transaction of its own, so it needs a ' +
    "new branch. A 2xx ACK with the INVITE's branch can be absorbed by a proxy's or UAS's INVITE " +
    'transaction instead of reaching the UA, which then retransmits its 2xx and hangs up after 32 s.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: ['ACK'], copies: 'first' },
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.method !== 'ACK' || !isFirstCopy(ev.correlation)) return NONE;
    const tx = txOf(model, ev.correlation);
    if (tx === undefined || tx.request !== ev.id || !tx.anomalies.includes('ack-reuses-invite-branch'))
      return NONE;
    const v = topVia(m);
    const inv =
      v?.branch === undefined
        ? undefined
        : model.liveTransaction?.(v.branch, v.sentBy, 'INVITE', callId(m) ?? '');
    return [
      {
        text: `ACK for the ${inv?.finalStatus ?? '2xx'} response reuses the INVITE's branch ${v?.branch ?? ''}; a 2xx ACK needs a new branch`,
        messages: inv?.request === null || inv?.request === undefined ? [ev.id] : [inv.request, ev.id],
        range: v === undefined ? undefined : { offset: v.offset, length: v.length, message: ev.id },
      },
    ];
  },
};
