import { issueRule } from '../issue-rule.js';

export const sipVersionUnsupported = issueRule({
  id: 'sip-version.unsupported',
  title: 'SIP version other than SIP/2.0',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.1, §8.1.1.7',
    text:
      'To be compliant with this specification, applications sending SIP messages MUST include a SIP-Version ' +
      'of "SIP/2.0". … The protocol name and protocol version in the header field MUST be SIP and 2.0, respectively.',
  },
  explanation:
    'Every SIP message and every Via sent-protocol carries the version "SIP/2.0"; no other version exists. A ' +
    'server that receives another version answers 505 Version Not Supported. Seen in fuzzing, in test suites ' +
    '(RFC 4475 §3.1.2.16) and in non-SIP traffic on port 5060 that happens to look like SIP.',
  issues: ['syntax.version'],
});
