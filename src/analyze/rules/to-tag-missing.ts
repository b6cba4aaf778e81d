import { toHeader } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { hasErrorIn, isRfc2543, methodOf } from '../message-facts.js';
import type { MessageRule } from '../rule.js';

export const toTagMissing: MessageRule = {
  id: 'to.tag-missing',
  title: 'Response other than 100 without a To tag',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.2.6.2',
    text:
      'However, if the To header field in the request did not contain a tag, the URI in the To header field ' +
      'in the response MUST equal the URI in the To header field; additionally, the UAS MUST add a tag to the ' +
      'To header field in the response (with the exception of the 100 (Trying) response, in which a tag MAY ' +
      'be present).',
  },
  explanation:
    "The To tag is the answering side's half of the dialog identifier. Every response except 100 Trying " +
    'must carry one (a 100 comes from the nearest hop, not from the far end, so it may lack it). Without it ' +
    'the caller cannot tell forked answers apart, and a 2xx creates a dialog it cannot address. RFC 2543 did ' +
    'not mandate To tags, so a response whose Via branch lacks the z9hG4bK cookie gets a warning instead.',
  scope: 'message',
  only: { responses: [1, 2, 3, 4, 5, 6] },
  check(msg: SipMessage): readonly FindingDraft[] {
    if (msg.kind !== 'response' || msg.status <= 100 || msg.status > 699) return NONE;
    const to = toHeader(msg);
    if (to === undefined || to.tag !== undefined) return NONE;
    // A value the parser could not read has no reliable tag; its issue already says why.
    if (hasErrorIn(msg, to.offset, to.length)) return NONE;
    const method = methodOf(msg);
    return [
      {
        text: `${msg.status} ${msg.reason}${method ? ` to ${method}` : ''} has no To tag`,
        range: { offset: to.offset, length: to.length },
        severity: isRfc2543(msg) ? 'warning' : undefined,
      },
    ];
  },
};
