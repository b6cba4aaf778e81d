import { issueRule } from '../issue-rule.js';

export const startLineMalformed = issueRule({
  id: 'start-line.malformed',
  title: 'Malformed start line',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.1, §7.2',
    text:
      'A Request-Line contains a method name, a Request-URI, and the protocol version separated by a single ' +
      'space (SP) character. … No linear whitespace (LWS) is allowed in any of the elements. … A Status-Line ' +
      'consists of the protocol version followed by a numeric Status-Code and its associated textual phrase, ' +
      'with each element separated by a single SP character.',
  },
  explanation:
    'The first line says what the message is: "METHOD Request-URI SIP/2.0" for a request, "SIP/2.0 code ' +
    'reason" for a response, with exactly one space between the parts. Extra or missing spaces, a missing ' +
    'part or blanks at the end make strict parsers answer 400 Bad Request while lenient ones guess. It usually ' +
    'comes from hand-written test tools or string templates that pad fields.',
  issues: ['syntax.start-line', 'syntax.trailing-space'],
});
