import { issueRule } from '../issue-rule.js';

export const ipv6Unbracketed = issueRule({
  id: 'ipv6.unbracketed',
  title: 'IPv6 address in a URI or Via without "[]"',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §25.1, RFC 5118 §4.2',
    text: 'host = hostname / IPv4address / IPv6reference … IPv6reference = "[" IPv6address "]"',
  },
  explanation:
    'In a SIP URI and in a Via sent-by, an IPv6 address is always written in square brackets, ' +
    'sip:alice@[2001:db8::10]:5060, because its colons would otherwise be read as the port separator. ' +
    'Without brackets the receiver takes the last group for a port or rejects the message. Only the Via ' +
    'received parameter may hold a bare IPv6 address (RFC 5118 §4.5).',
  issues: ['syntax.ipv6-unbracketed'],
});
