import { fromHeader } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { hasErrorIn, isRfc2543 } from '../message-facts.js';
import type { MessageRule } from '../rule.js';

export const fromTagMissing: MessageRule = {
  id: 'from.tag-missing',
  title: 'Request without a From tag',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.1.1.3',
    text: 'The From field MUST contain a new "tag" parameter, chosen by the UAC.',
  },
  explanation:
    "The From tag is the caller's half of the dialog identifier (Call-ID plus both tags). Without it, " +
    'dialogs created by forking cannot be told apart and in-dialog requests are matched on URIs, the RFC 2543 ' +
    'way. RFC 2543 did not mandate From tags, so a request whose Via branch lacks the z9hG4bK cookie gets a ' +
    'warning instead of an error.',
  scope: 'message',
  only: { requests: '*' },
  check(msg: SipMessage): readonly FindingDraft[] {
    if (msg.kind !== 'request') return NONE;
    const from = fromHeader(msg);
    if (from === undefined || from.tag !== undefined) return NONE;
    // A value the parser could not read has no reliable tag; its issue already says why.
    if (hasErrorIn(msg, from.offset, from.length)) return NONE;
    return [
      {
        text: `${msg.method} From <${from.uri}> has no tag parameter`,
        range: { offset: from.offset, length: from.length },
        severity: isRfc2543(msg) ? 'warning' : undefined,
      },
    ];
  },
};
