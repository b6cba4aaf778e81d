import { issueRule } from '../issue-rule.js';

export const headerLineMalformed = issueRule({
  id: 'header.line-malformed',
  title: 'Header name not a token, or continuation line with no header',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3.1, §25.1',
    text:
      'Header fields can be extended over multiple lines by preceding each extra line with at least one SP or ' +
      'horizontal tab (HT). … extension-header = header-name HCOLON header-value; header-name = token',
  },
  explanation:
    'A header name is a token (letters, digits and a few marks such as "-", never spaces or separators), and ' +
    'a line that starts with a space or tab continues the header above it. A continuation line right after ' +
    'the start line, or a name with spaces or brackets, leaves the receiver unable to tell which header the ' +
    'text belongs to. It usually comes from careless line folding or from binary data in the header block.',
  issues: ['syntax.header-name', 'syntax.header-continuation'],
});
