import { issueRule } from '../issue-rule.js';

export const headerValueInvalid = issueRule({
  id: 'header.value-invalid',
  title: 'Header value does not follow its grammar',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3.1, §25',
    text: 'The format of a header field-value is defined per header-name.',
  },
  explanation:
    'Each header has its own grammar: CSeq is a number below 2**31 and a method, Max-Forwards a number from ' +
    '0 to 255, Expires and Retry-After delta-seconds, Call-ID word["@"word], Warning a 3-digit code, an agent ' +
    'and a quoted text. A value outside that grammar (the finding names the header and the value) is ' +
    'answered with 400 Bad Request by strict servers. Typical causes are integer overflows, wrong units and ' +
    'vendor extensions written into standard headers (RFC 4475 §3.1.2.4, §3.1.2.5).',
  issues: ['syntax.header-value'],
});
