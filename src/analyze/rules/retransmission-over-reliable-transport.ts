import { cseq } from '../../sip/accessors.js';
import { isProvisional, isSuccess } from '../../sip/status.js';
import { hopText, isReliableProvisional, label, secs } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** RFC 3261 §13.3.1.1: a UAS repeats a provisional every minute to keep proxies' Timer C alive. */
const KEEPALIVE = 50;

export const retransmissionOverReliableTransport: CorrelatedRule<IdMemo> = {
  id: 'retransmission.over-reliable-transport',
  title: 'Request or response retransmitted over a reliable transport (TCP, TLS, SCTP, WebSocket)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1',
    text:
      'If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1. ' +
      'If a reliable transport is being used, the client transaction SHOULD NOT start timer A (Timer A controls ' +
      'request retransmissions). … They are not sent reliably by the transaction layer (they are not ' +
      'retransmitted by it) and do not cause a change in the state of the server transaction. … For unreliable ' +
      'transports, timer G is set to fire in T1 seconds, and is not set to fire for reliable transports.',
  },
  explanation:
    'SIP retransmits only to make up for UDP losing packets; TCP, TLS, SCTP and WebSocket already deliver ' +
    'every byte, so a request, a provisional response or a 3xx–6xx response is sent once on them. A copy on ' +
    'the same connection doubles the load and shows a stack that runs its UDP timers on every transport (a ' +
    'repeated provisional is only info: the UAS may also send another on purpose). Not ' +
    'reported: the 2xx to INVITE and its ACK and reliable provisional responses (RFC 3262), which are ' +
    "retransmitted end to end on any transport, and a provisional repeated after a minute to keep a proxy's " +
    'Timer C running.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', responses: [1, 2, 3, 4, 5, 6], copies: 'retransmissions' },
  init: () => new IdMemo(1),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    const transport = m.source?.transport;
    if (c === null || !c.retransmission || transport === undefined || transport === 'udp') return NONE;
    // A UAS "MAY send as many provisional responses as it likes" (RFC 3261 §13.3.1.1): a repeated 1xx may
    // be the TU's, not a retransmission, so it is only info.
    let provisional = false;
    if (m.kind === 'request') {
      if (m.method === 'ACK') return NONE;
    } else {
      if (isSuccess(m.status) && cseq(m)?.method === 'INVITE') return NONE;
      provisional = isProvisional(m.status);
      if (provisional && (isReliableProvisional(m) || (c.interval ?? 0) >= KEEPALIVE)) return NONE;
    }
    if (ctx.state.get(c.transaction, 0) === 1) return NONE;
    ctx.state.set(c.transaction, 0, 1);
    const after = c.interval === undefined ? '' : ` ${secs(c.interval)} after the previous copy`;
    return [
      {
        text: `${label(m)} sent again on ${transport.toUpperCase()} ${hopText(m)}${after}`,
        messages: [ev.id],
        severity: provisional ? 'info' : undefined,
      },
    ];
  },
};
