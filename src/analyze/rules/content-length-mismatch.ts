import { issueRule } from '../issue-rule.js';

export const contentLengthMismatch = issueRule({
  id: 'content-length.mismatch',
  title: 'Content-Length does not match the body',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §18.3, §20.14',
    text:
      'If there are additional bytes in the transport packet beyond the end of the body, they MUST be ' +
      'discarded. If the transport packet ends before the end of the message body, this is considered an ' +
      'error. … If no body is present in a message, then the Content-Length header field value MUST be set ' +
      'to zero.',
  },
  explanation:
    'Content-Length gives the body size in bytes, not counting the empty line. When it is larger than what ' +
    'arrived the message is invalid (a request gets 400, a response is dropped); when it is smaller, the ' +
    'extra bytes are thrown away, which is reported as a warning. Typical causes are a body edited after the ' +
    'length was computed, characters counted instead of bytes (UTF-8), or LF line ends counted as CRLF ' +
    '(RFC 4475 §3.1.2.2).',
  issues: ['framing.content-length-mismatch', 'framing.extra-bytes'],
});
