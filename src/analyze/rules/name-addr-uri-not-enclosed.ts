import { issueRule } from '../issue-rule.js';

export const nameAddrUriNotEnclosed = issueRule({
  id: 'name-addr.uri-not-enclosed',
  title: 'URI with ",", ";" or "?" not enclosed in "<>"',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20',
    text:
      'The Contact, From, and To header fields contain a URI. If the URI contains a comma, question mark or ' +
      'semicolon, the URI MUST be enclosed in angle brackets (< and >).',
  },
  explanation:
    'Without angle brackets, a ";" after the URI starts a header parameter and a "," starts the next list ' +
    'value, so a URI carrying parameters or "?headers" changes meaning when written bare. The receiver reads ' +
    'the URI parameters as header parameters (for example a transport or an expires). Always write ' +
    '<sip:...;param?header=value> in these headers (RFC 4475 §3.1.2.13).',
  issues: ['syntax.uri-not-enclosed'],
});
