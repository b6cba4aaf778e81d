import { isFirstCopy, secs, tsOf, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const cancelAfterFinal: CorrelatedRule = {
  id: 'cancel.after-final',
  title: 'CANCEL sent after the INVITE already had a final response',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §9.1',
    text:
      'If the original request has generated a final response, the CANCEL SHOULD NOT be sent, as it is an ' +
      'effective no-op, since CANCEL has no effect on requests that have already generated a final response.',
  },
  explanation:
    'CANCEL asks a server to stop an INVITE that is still ringing. After the final response it does nothing: ' +
    'a call already answered with 2xx must be ended with ACK and BYE, and a rejected one is over. A CANCEL ' +
    'that crosses the final response on the wire is a race and is fine, so only a CANCEL captured more than ' +
    'T1 after the final response on its hop is reported; it shows a UA that did not process the response (or ' +
    'never got it).',
  scope: 'correlated',
  on: ['message'],
  only: { requests: ['CANCEL'], copies: 'first' },
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.method !== 'CANCEL' || !isFirstCopy(ev.correlation)) return NONE;
    const tx = txOf(model, ev.correlation);
    if (tx?.cancels === undefined) return NONE;
    const inv = model.transaction?.(tx.cancels);
    if (inv === undefined || inv.finalAt === null || inv.finalStatus === null) return NONE;
    const late = tsOf(m) - inv.finalAt;
    if (!(late > ctx.timers.t1)) return NONE;
    return [
      {
        text: `CANCEL sent ${secs(late)} after the INVITE's ${inv.finalStatus} final response`,
        messages: inv.request === null ? [ev.id] : [inv.request, ev.id],
      },
    ];
  },
};
