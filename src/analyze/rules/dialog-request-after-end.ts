import { toHeader } from '../../sip/accessors.js';
import { isFirstCopy, secs, tsOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

/** End reasons after which the sender knew the dialog was over. */
const FINAL_REASONS = new Set(['bye', 'bye-timeout', 'notify-terminated', '481', '408']);

export const dialogRequestAfterEnd: CorrelatedRule = {
  id: 'dialog.request-after-end',
  title: 'Request sent in a dialog that had already ended',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §15.1.1, §15.1.2',
    text:
      'If the response for the BYE is a 481 (Call/Transaction Does Not Exist) or a 408 (Request Timeout) or no ' +
      'response at all is received for the BYE (that is, a timeout is returned by the client transaction), the ' +
      'UAC MUST consider the session and the dialog terminated. … A UAS core receiving a BYE request checks if ' +
      'it matches an existing dialog. If the BYE does not match an existing dialog, the UAS core SHOULD ' +
      'generate a 481 (Call/Transaction Does Not Exist) response and pass that to the server transaction.',
  },
  explanation:
    'Once a BYE has been answered (or a subscription ended by a terminating NOTIFY, or a request in the dialog ' +
    'answered 481 or 408), the dialog is gone on both sides, and a new request with its tags is answered 481. ' +
    'Seeing one means a UA kept stale dialog state: a re-INVITE or INFO timer that was not cancelled, or a ' +
    'keep-alive for a call that ended. Requests crossing the BYE on the wire (less than T1 apart) are races, ' +
    'not faults, and the BYE a UA sends after a 481 or 408 is the required clean-up; neither is reported.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', inDialog: true, copies: 'first' },
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (m.kind !== 'request' || !isFirstCopy(c) || c.dialog === null) return NONE;
    if (m.method === 'ACK' || m.method === 'CANCEL' || toHeader(m)?.tag === undefined) return NONE;
    const d = model.dialog?.(c.dialog);
    if (d === undefined || d.state !== 'terminated' || d.end === null || d.endReason === null) return NONE;
    if (!FINAL_REASONS.has(d.endReason)) return NONE;
    if ((d.endReason === '481' || d.endReason === '408') && m.method === 'BYE') return NONE;
    const late = tsOf(m) - d.end;
    if (!(late > ctx.timers.t1)) return NONE;
    const why =
      d.endReason === 'notify-terminated'
        ? 'a NOTIFY terminated it'
        : d.endReason.startsWith('bye')
          ? 'its BYE'
          : `a ${d.endReason}`;
    return [
      {
        text: `${m.method} sent ${secs(late)} after the dialog ended (${why})`,
        messages: [ev.id],
      },
    ];
  },
};
