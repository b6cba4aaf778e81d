import { issueRule } from '../issue-rule.js';

export const ipv6Invalid = issueRule({
  id: 'ipv6.invalid',
  title: 'Invalid IPv6 address literal',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §25.1, RFC 5118 §4.10',
    text:
      'IPv6reference  =  "[" IPv6address "]" … IPv6address    =  hexpart [ ":" IPv4address ] … hexpart        =  ' +
      'hexseq / hexseq "::" [ hexseq ] / "::" [ hexseq ]',
  },
  explanation:
    'What is inside "[...]" must be an IPv6 address: at most eight groups of 1 to 4 hex digits, "::" at ' +
    'most once, and an optional dotted IPv4 tail. RFC 3261\'s grammar wrongly lets "2001:db8:::192.0.2.1" ' +
    '(three colons) through; RFC 5118 §4.10 and RFC 5954 correct it. An invalid literal cannot be routed to.',
  issues: ['syntax.ipv6-address'],
});
