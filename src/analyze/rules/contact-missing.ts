import { contacts, headerFields } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { isSuccess } from '../../sip/status.js';
import { type FindingDraft, NONE, type Severity } from '../finding.js';
import { isRfc2543, methodOf, startLineRange } from '../message-facts.js';
import type { MessageRule } from '../rule.js';

/** RFC 2543 did not require Contact: a warning for its elements. */
const lenient = (m: SipMessage): Severity | undefined => (isRfc2543(m) ? 'warning' : undefined);

const isSipUri = (u: string): boolean => /^sips?:/i.test(u);

export const contactMissing: MessageRule = {
  id: 'contact.missing',
  title: 'INVITE or its 2xx without exactly one SIP Contact URI',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.1.1.8, §12.1.1',
    text:
      'The Contact header field MUST be present and contain exactly one SIP or SIPS URI in any request that ' +
      'can result in the establishment of a dialog. For the methods defined in this specification, that ' +
      'includes only the INVITE request. … The UAS MUST add a Contact header field to the response. … The URI ' +
      'provided in the Contact header field MUST be a SIP or SIPS URI.',
  },
  explanation:
    'The Contact of an INVITE and of its 2xx is where each side wants to receive the rest of the dialog: the ' +
    'ACK, re-INVITEs and the BYE go to it. Without it (or with several, or a tel: URI) the peer has no remote ' +
    'target and in-dialog requests get lost or go to the wrong place. Usually a B2BUA or gateway that drops ' +
    'the header. RFC 2543 did not require it, so a request or response whose Via branch lacks the z9hG4bK ' +
    'cookie gets a warning instead (RFC 4475 §3.4.1).',
  scope: 'message',
  only: { requests: ['INVITE'], responses: [2], responseTo: ['INVITE'] },
  check(msg: SipMessage): readonly FindingDraft[] {
    let what: string;
    if (msg.kind === 'request') {
      if (msg.method !== 'INVITE') return NONE;
      what = 'INVITE';
    } else {
      if (!isSuccess(msg.status) || methodOf(msg) !== 'INVITE') return NONE;
      what = `${msg.status} to INVITE`;
    }
    const fields = headerFields(msg, 'contact');
    if (fields.length === 0)
      return [{ text: `${what} without Contact`, range: startLineRange(msg), severity: lenient(msg) }];
    const cs = contacts(msg);
    if (cs.length === 0) return NONE; // unparseable: the parser's issue says why
    const f = fields[0];
    const range = {
      offset: f.offset,
      length: fields[fields.length - 1].offset + fields[fields.length - 1].length - f.offset,
    };
    if (cs.length > 1) {
      return [
        {
          text: `${what} has ${cs.length} Contact values; it must have exactly one`,
          range,
          severity: lenient(msg),
        },
      ];
    }
    const c = cs[0];
    if (c === '*') return [{ text: `${what} has Contact "*"`, range, severity: lenient(msg) }];
    if (!isSipUri(c.uri)) {
      const at = { offset: c.offset, length: c.length };
      return [
        { text: `${what} Contact <${c.uri}> is not a SIP or SIPS URI`, range: at, severity: lenient(msg) },
      ];
    }
    return NONE;
  },
};
