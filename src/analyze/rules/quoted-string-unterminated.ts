import { issueRule } from '../issue-rule.js';

export const quotedStringUnterminated = issueRule({
  id: 'quoted-string.unterminated',
  title: 'Quoted string without its closing quote',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §25.1',
    text:
      'A string of text is parsed as a single word if it is quoted using double-quote marks. In quoted ' +
      'strings, quotation marks (") and backslashes (\\) need to be escaped. … quoted-string  =  SWS DQUOTE ' +
      '*(qdtext / quoted-pair ) DQUOTE',
  },
  explanation:
    'A display name or parameter value that starts with a double quote must end with one; a quote inside the ' +
    'text must be written \\". Without the closing quote the rest of the header, URI included, is swallowed ' +
    'into the string, so the receiver cannot find the address. It usually comes from a display name that ' +
    'itself contains a quote or backslash and was not escaped (RFC 4475 §3.1.2.6).',
  issues: ['syntax.unterminated-quote'],
});
