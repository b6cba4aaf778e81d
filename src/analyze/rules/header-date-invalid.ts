import { issueRule } from '../issue-rule.js';

export const headerDateInvalid = issueRule({
  id: 'header.date-invalid',
  title: 'Date not an RFC 1123 date in GMT',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20.17',
    text:
      'SIP only supports the most recent RFC 1123 [20] format for dates. As in [H3.3], SIP restricts the time ' +
      'zone in SIP-date to "GMT", while RFC 1123 allows any time zone.',
  },
  explanation:
    'The Date header must look like "Sat, 13 Nov 2010 23:29:00 GMT": English day and month names, a 4-digit ' +
    'year and always GMT. Local time zones such as "EST" or "+0100" are not allowed, so a device that sets its ' +
    'clock from Date would get it wrong. It usually comes from formatting the date with the local locale or ' +
    'time zone (RFC 4475 §3.1.2.12).',
  issues: ['syntax.date'],
});
