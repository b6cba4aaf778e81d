import { issueRule } from '../issue-rule.js';

export const framingNoEmptyLine = issueRule({
  id: 'framing.no-empty-line',
  title: 'No empty line after the headers',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §7',
    text: 'Note that the empty line MUST be present even if the message-body is not.',
  },
  explanation:
    'The headers end with an empty line, even when there is no body. A datagram that stops right after the ' +
    'last header is usually still understood, hence a warning, but on TCP the receiver keeps waiting for the ' +
    'end of the headers and the next message gets glued to this one. Typical cause: a generator that adds ' +
    'the empty line only when it writes a body.',
  issues: ['framing.no-empty-line'],
});
