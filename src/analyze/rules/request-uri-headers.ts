import type { SipMessage } from '../../sip/message.js';
import { parseUri } from '../../sip/uri.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { MessageRule } from '../rule.js';

export const requestUriHeaders: MessageRule = {
  id: 'request-uri.headers',
  title: 'Request-URI with URI headers ("?...")',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §19.1.1',
    text:
      'Entries marked "m" are mandatory, those marked "o" are optional, and those marked "-" are not ' +
      'allowed. (Table 1, row "headers": "-" in the Req.-URI column.)',
  },
  explanation:
    'URI headers (sip:bob@example.com?Subject=hi) tell whoever builds a request from the URI which headers to ' +
    'add; once the request exists they have done their job and must not stay in the Request-URI. A request ' +
    'carrying them was built by copying a Contact or a web link verbatim. Note that "?" is allowed inside the ' +
    'user part (RFC 4475 §3.1.1.2), which is not a header (RFC 4475 §3.1.2.11).',
  scope: 'message',
  only: { requests: '*' },
  issues: ['syntax.request-uri-headers'],
  check(msg: SipMessage): readonly FindingDraft[] {
    // Own check rather than the parser's issue: the parser flags any "?", also one in the user part.
    if (msg.kind !== 'request' || msg.uri.indexOf('?') < 0) return NONE;
    const u = parseUri(msg.uri);
    if (u.kind !== 'sip') return NONE;
    const names = Object.keys(u.headers);
    if (names.length === 0) return NONE;
    const at = msg.text.indexOf(msg.uri);
    return [
      {
        text: `Request-URI carries URI header${names.length > 1 ? 's' : ''} ${names.join(', ')}`,
        range: { offset: Math.max(at, 0), length: msg.uri.length },
      },
    ];
  },
};
