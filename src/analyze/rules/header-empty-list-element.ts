import { issueRule } from '../issue-rule.js';

export const headerEmptyListElement = issueRule({
  id: 'header.empty-list-element',
  title: 'Empty element in a comma-separated header',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3',
    text: 'header  =  "header-name" HCOLON header-value *(COMMA header-value)',
  },
  explanation:
    'A list header such as Via, Contact or Allow separates its values with single commas; ",," or a comma at ' +
    'the start or end leaves an empty value the grammar does not allow. Receivers may skip it or reject the ' +
    'whole message. It usually comes from code that joins a list containing an empty string ' +
    '(RFC 4475 §3.1.2.1).',
  issues: ['syntax.empty-list-element'],
});
