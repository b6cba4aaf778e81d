import { fromHeader, toHeader } from '../../sip/accessors.js';
import { isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const dialogUnknownRequest: CorrelatedRule = {
  id: 'dialog.unknown-request',
  title: 'In-dialog request for a dialog that does not exist (answered 481)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §12.2.1.1, §12.2.2',
    text:
      'The tag in the To header field of the request MUST be set to the remote tag of the dialog ID. … The tag ' +
      'in the From header field of the request MUST be set to the local tag of the dialog ID. … If the UAS ' +
      'wishes to reject the request because it does not wish to recreate the dialog, it MUST respond to the ' +
      'request with a 481 (Call/Transaction Does Not Exist) status code and pass that to the server transaction.',
  },
  explanation:
    'A request with a To tag belongs to a dialog, named by the Call-ID and the two tags. When the receiver ' +
    'knows no such dialog it answers 481: the sender used the wrong tags, the dialog was already over, or the ' +
    'receiver restarted and lost it. The finding says whether the capture itself saw a dialog with these ' +
    'tags. A BYE answered 481 leaves one side believing the call is still up.',
  scope: 'correlated',
  on: ['message'],
  only: { responses: [4], copies: 'first' },
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (m.kind !== 'response' || m.status !== 481 || !isFirstCopy(c)) return NONE;
    const tx = txOf(model, c);
    // CANCEL's 481 means "no such transaction", not "no such dialog" (RFC 3261 §9.2).
    if (tx === undefined || !tx.inDialog || tx.request === null || tx.method === 'CANCEL') return NONE;
    const unknown = model.call?.(c.call)?.unknownDialogRequests.includes(tx.request) === true;
    const tags = `${fromHeader(m)?.tag ?? '-'}/${toHeader(m)?.tag ?? '-'}`;
    return [
      {
        text: unknown
          ? `${tx.method} names a dialog (tags ${tags}) that the capture never saw established; answered 481`
          : `${tx.method} inside a dialog the capture saw (tags ${tags}) was answered 481: the far end has lost the dialog`,
        messages: [tx.request, ev.id],
      },
    ];
  },
};
