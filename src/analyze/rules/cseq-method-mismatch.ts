import { issueRule } from '../issue-rule.js';

export const cseqMethodMismatch = issueRule({
  id: 'cseq.method-mismatch',
  title: 'CSeq method differs from the request method',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.1.1.5',
    text: 'The method MUST match that of the request.',
  },
  explanation:
    'The CSeq header holds a sequence number and the method of the request, for example "CSeq: 1 INVITE" on ' +
    'an INVITE. Transactions are matched on the CSeq method (RFC 3261 §17.1.3), so a mismatch breaks the ' +
    'matching of responses and of CANCEL and ACK. It usually comes from code that builds a new request by ' +
    'copying an old one and forgets to update CSeq (RFC 4475 §3.1.2.17, §3.1.2.18).',
  issues: ['syntax.cseq-method-mismatch'],
});
