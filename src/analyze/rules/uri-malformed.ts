import { issueRule } from '../issue-rule.js';

export const uriMalformed = issueRule({
  id: 'uri.malformed',
  title: 'Malformed URI',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §19.1.1, §19.1.2',
    text:
      'If the @ sign is present in a SIP or SIPS URI, the user field MUST NOT be empty. … For each component, ' +
      'the set of valid BNF expansions defines exactly which characters may appear unescaped. All other ' +
      'characters MUST be escaped.',
  },
  explanation:
    'A SIP URI is sip:user@host:port;params?headers, where each part allows a fixed set of characters and ' +
    'anything else is %-escaped. A missing scheme or host, an empty user before "@", a port that is not a ' +
    'number up to 65535, or a space inside the URI make the address unusable for routing. Usually a template ' +
    'with an empty field or an unescaped character copied from a phone book.',
  issues: ['syntax.uri', 'syntax.uri-host', 'syntax.uri-port', 'syntax.uri-param', 'syntax.uri-header'],
});
