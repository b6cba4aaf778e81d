import type { SipMessage } from '../../sip/message.js';
import { sdpOf } from '../../sip/sdp.js';
import { type FindingDraft, NONE } from '../finding.js';
import { draftOf } from '../issue-rule.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageRule } from '../rule.js';

export const sdpMalformed: MessageRule = {
  id: 'sdp.malformed',
  title: 'Malformed SDP body',
  severity: 'error',
  rfc: {
    ref: 'RFC 8866 §5',
    text:
      'An SDP description consists of a number of lines of text of the form: <type>=<value> where <type> ' +
      'MUST be exactly one case-significant character and <value> is structured text whose format depends ' +
      'on <type>.',
  },
  explanation:
    'The session description says where media goes (c=), on which ports and codecs (m=, a=rtpmap). It must ' +
    'start with v=0, have the o=, s= and t= lines, and each line must be "x=value" with the fields its type ' +
    'requires. A malformed SDP makes the offer/answer fail, typically heard as one-way or no audio; usually ' +
    'an SBC or gateway rewrote addresses with a broken template. A malformed attribute (an a=rtpmap without ' +
    'clock rate, say) is only a warning: the rest of the description still stands.',
  scope: 'message',
  only: { requests: '*', responses: ANY_STATUS, withBody: true },
  issues: [
    'sdp.attribute',
    'sdp.connection',
    'sdp.line',
    'sdp.media',
    'sdp.missing-field',
    'sdp.origin',
    'sdp.time',
    'sdp.version',
  ],
  check(msg: SipMessage): readonly FindingDraft[] {
    if (msg.body.length === 0) return NONE;
    const sdp = sdpOf(msg);
    if (sdp === undefined || sdp.issues.length === 0) return NONE;
    const out: FindingDraft[] = [];
    for (const is of sdp.issues) {
      const d = draftOf(is);
      // A malformed attribute is ignored on its own by the receiver; the session is still described.
      if (is.code === 'sdp.attribute') d.severity = 'warning';
      out.push(d);
    }
    return out;
  },
};
