import { issueRule } from '../issue-rule.js';

export const contentLengthInvalid = issueRule({
  id: 'content-length.invalid',
  title: 'Content-Length not a non-negative number',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20.14',
    text:
      'The Content-Length header field indicates the size of the message-body, in decimal number of octets, ' +
      'sent to the recipient. … Any Content-Length greater than or equal to zero is a valid value.',
  },
  explanation:
    'Content-Length is a plain decimal number of bytes. A negative or non-numeric value leaves the receiver ' +
    'unable to find where the body ends, which on TCP also loses every following message on the connection. ' +
    'Seen in fuzzing and in torture tests (RFC 4475 §3.1.2.3).',
  issues: ['framing.content-length-invalid'],
});
