import { toHeader } from '../../sip/accessors.js';
import { isFirstCopy, label, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { hash32 } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** Per transaction of a request sent inside a dialog: its To tag; reported. */
const REQ_TAG = 0;
const REPORTED = 1;

/**
 * Only what is certain is checked: a response to a request that was sent
 * inside a dialog must echo the request's To tag. Different To tags in the
 * responses to an initial INVITE are not judged: a forking proxy, or a
 * B2BUA or SIPp presenting forked branches behind one Contact, legitimately
 * returns several, and the capture cannot tell those from a UAS that changed
 * its tag.
 */
export const dialogToTagChanged: CorrelatedRule<IdMemo> = {
  id: 'dialog.to-tag-changed',
  title: "Response inside a dialog with another To tag than its request's",
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.2.6.2, §12.2.1.1',
    text:
      'If a request contained a To tag in the request, the To header field in the response MUST equal that of ' +
      'the request. … The tag in the To header field of the request MUST be set to the remote tag of the dialog ' +
      'ID.',
  },
  explanation:
    "The To tag is the answering side's half of the dialog identifier. A request inside a dialog names the " +
    'dialog with it, and the response must echo it unchanged: a response with another To tag (or none) ' +
    'belongs to no dialog the client knows, so a re-INVITE, UPDATE or BYE looks unanswered and the dialog ' +
    'state of the two sides drifts apart. Different To tags in the responses to an initial INVITE are not ' +
    'judged: they are how forking shows up.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', inDialog: true, responses: [1, 2, 3, 4, 5, 6], copies: 'first' },
  init: () => new IdMemo(2),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (!isFirstCopy(c)) return NONE;
    const memo = ctx.state;
    const tx = c.transaction;
    const tag = toHeader(m)?.tag;
    if (m.kind === 'request') {
      // Requests come here only inside a dialog (the filter): remember the To tag their responses must echo.
      // (A non-2xx ACK joins its INVITE's transaction but carries the final response's tag: not its request.)
      if (tag !== undefined && m.method !== 'ACK') {
        const r = memo.claim(tx);
        memo.v[r + REQ_TAG] = hash32(tag);
      }
      return NONE;
    }
    // RFC 3261 §8.2.6.2 lets a 100 Trying come from the next hop, which may not know the tag.
    if (m.status <= 100) return NONE;
    const r = memo.row(tx);
    if (r < 0) return NONE;
    const v = memo.v;
    if (v[r + REPORTED] === 1 || Number.isNaN(v[r + REQ_TAG])) return NONE;
    if (tag !== undefined && hash32(tag) === v[r + REQ_TAG]) return NONE;
    v[r + REPORTED] = 1;
    const req = txOf(model, c)?.request;
    return [
      {
        text: `${label(m)} ${tag === undefined ? 'has no To tag' : `has To tag "${tag}"`}, not the To tag of its request (sent inside a dialog)`,
        messages: req === null || req === undefined ? [ev.id] : [req, ev.id],
      },
    ];
  },
};
