import { issueRule } from '../issue-rule.js';

export const viaMalformed = issueRule({
  id: 'via.malformed',
  title: 'Malformed Via header',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §20.42, §25.1',
    text:
      'via-parm = sent-protocol LWS sent-by *( SEMI via-params ) … sent-protocol = protocol-name SLASH ' +
      'protocol-version SLASH transport … via-received = "received" EQUAL (IPv4address / IPv6address)',
  },
  explanation:
    'Each Via value is "SIP/2.0/transport host[:port]" followed by parameters such as branch, received and ' +
    'rport. Responses travel back along the Via list, so a Via that cannot be parsed means the response ' +
    'cannot be routed and the transaction cannot be matched. A received parameter that is not an IP address ' +
    'is reported as a warning: it only misleads the response routing of that one hop.',
  issues: ['syntax.via'],
});
