import { issueRule } from '../issue-rule.js';

export const nameAddrMalformed = issueRule({
  id: 'name-addr.malformed',
  title: 'Malformed display name or "<URI>"',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20.10, §25.1',
    text:
      'When the header field value contains a display name, the URI including all URI parameters is enclosed ' +
      'in "<" and ">". … name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; display-name = *(token LWS)/ ' +
      'quoted-string',
  },
  explanation:
    'From, To, Contact, Route and similar headers hold an address as "Display Name" <sip:user@host>. The ' +
    'display name is tokens or a quoted string, the URI sits directly inside the angle brackets with no ' +
    'spaces, and every "<" needs its ">". Otherwise the receiver cannot separate the name, the URI and the ' +
    'header parameters (such as the tag). Typical causes are unquoted names with punctuation and spaces ' +
    'added inside the brackets (RFC 4475 §3.1.2.14, §3.1.2.15).',
  issues: ['syntax.addr-spec-space', 'syntax.display-name', 'syntax.name-addr', 'syntax.unterminated-angle'],
});
