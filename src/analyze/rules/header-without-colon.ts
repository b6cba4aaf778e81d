import { issueRule } from '../issue-rule.js';

export const headerWithoutColon = issueRule({
  id: 'header.without-colon',
  title: 'Header line without a colon',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3.1',
    text: 'Each header field consists of a field name followed by a colon (":") and the field value.',
  },
  explanation:
    'Every line between the start line and the empty line must be "Name: value" (or the continuation of the ' +
    'previous header, starting with a space or tab). A line without a colon cannot be read as a header at all, ' +
    'so receivers drop it or reject the message. Common causes are a missing empty line before the body, a ' +
    'line break inserted inside a value, or text pasted into the header block.',
  issues: ['syntax.header-without-colon'],
});
