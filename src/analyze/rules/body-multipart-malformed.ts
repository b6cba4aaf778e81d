import { headerValue } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { multipartOf } from '../../sip/multipart.js';
import { type FindingDraft, NONE } from '../finding.js';
import { draftOf } from '../issue-rule.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageRule } from '../rule.js';

const MULTIPART = /^multipart\//i;

export const bodyMultipartMalformed: MessageRule = {
  id: 'body.multipart-malformed',
  title: 'Malformed multipart body',
  severity: 'error',
  rfc: {
    ref: 'RFC 2046 §5.1.1',
    text:
      'The Content-Type field for multipart entities requires one parameter, "boundary". … The boundary ' +
      'delimiter line following the last body part is a distinguished delimiter that indicates that no ' +
      'further body parts will follow.',
  },
  explanation:
    'A multipart body (SDP next to ISUP, PIDF-LO or an S/MIME signature) is cut into parts by "--boundary" ' +
    'lines and closed by "--boundary--", each part starting with its own headers. When the boundary is ' +
    'missing, never appears, or the closing line is absent, the receiver cannot find the parts and the SDP ' +
    'inside is lost. Usually a gateway that rewrites the body without updating the boundary or the length.',
  scope: 'message',
  only: { requests: '*', responses: ANY_STATUS, withBody: true },
  issues: ['multipart.header', 'multipart.no-boundary', 'multipart.unterminated'],
  check(msg: SipMessage): readonly FindingDraft[] {
    if (msg.body.length === 0) return NONE;
    const ct = headerValue(msg, 'content-type');
    if (ct === undefined || !MULTIPART.test(ct)) return NONE;
    const mp = multipartOf(msg);
    if (mp === undefined || mp.issues.length === 0) return NONE;
    return mp.issues.map(draftOf);
  },
};
