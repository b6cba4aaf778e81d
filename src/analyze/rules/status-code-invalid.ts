import { issueRule } from '../issue-rule.js';

export const statusCodeInvalid = issueRule({
  id: 'status-code.invalid',
  title: 'Status code not a 3-digit code from 100 to 699',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.2',
    text:
      'The Status-Code is a 3-digit integer result code that indicates the outcome of an attempt to understand ' +
      'and satisfy a request. … SIP/2.0 allows six values for the first digit',
  },
  explanation:
    'A response code has exactly three digits and its first digit, 1 to 6, is its class: provisional, success, ' +
    'redirection, client error, server error, global failure. A code such as 4294967301 or 99 has no class, so ' +
    'the client cannot tell whether the transaction is over. It comes from broken encoders or deliberate ' +
    'torture tests (RFC 4475 §3.1.2.19).',
  issues: ['syntax.status-code'],
});
