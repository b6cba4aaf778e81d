import { issueRule } from '../issue-rule.js';

export const requestUriMalformed = issueRule({
  id: 'request-uri.malformed',
  title: 'Request-URI with spaces or enclosed in "<>"',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.1',
    text: 'The Request-URI MUST NOT contain unescaped spaces or control characters and MUST NOT be enclosed in "<>".',
  },
  explanation:
    'The Request-URI is the bare address between the method and "SIP/2.0". Angle brackets belong to name-addr ' +
    'header values such as To and Contact, never to the request line, and a space inside the URI splits the ' +
    'line into extra elements. Both usually come from copying a To or Contact value into the request line ' +
    'without stripping it (RFC 4475 §3.1.2.7, §3.1.2.8).',
  issues: ['syntax.request-uri-lws', 'syntax.request-uri-enclosed'],
});
