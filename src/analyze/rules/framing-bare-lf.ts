import { issueRule } from '../issue-rule.js';

export const framingBareLf = issueRule({
  id: 'framing.bare-lf',
  title: 'Line ended by LF without CR',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §7',
    text:
      'The start-line, each message-header line, and the empty line MUST be terminated by a carriage-return ' +
      'line-feed sequence (CRLF).',
  },
  explanation:
    'SIP lines end with the two bytes CR LF. Many parsers also accept a bare LF, which is why this is only a ' +
    'warning, but strict ones do not find the end of the headers and time out or answer 400. It usually ' +
    'comes from messages written on Unix with "\\n" only, or from text pasted from a document; ' +
    '`sipscope lint` therefore converts a file that has no CR at all to CRLF before checking it.',
  issues: ['syntax.bare-lf'],
});
