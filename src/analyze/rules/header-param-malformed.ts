import { issueRule } from '../issue-rule.js';

export const headerParamMalformed = issueRule({
  id: 'header.param-malformed',
  title: 'Empty or malformed header parameter',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3.1',
    text:
      'Many existing header fields will adhere to the general form of a value followed by a semi-colon ' +
      'separated sequence of parameter-name, parameter-value pairs: field-name: field-value ' +
      '*(;parameter-name=parameter-value)',
  },
  explanation:
    'After a header value, each ";" introduces a parameter name, optionally "=" and a value. ";;", a ";" at ' +
    'the end, "name=" with nothing after it, or a tag parameter without a value do not fit that form, and the ' +
    'receiver cannot know which parameter was meant. Usually a template with an empty variable, such as ' +
    '";tag=" when no tag was generated (RFC 4475 §3.1.2.1).',
  issues: ['syntax.param'],
});
