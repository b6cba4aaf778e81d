import { contacts } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { isSuccess } from '../../sip/status.js';
import { type FindingDraft, NONE, type Severity } from '../finding.js';
import { isRfc2543, methodOf, startLineRange } from '../message-facts.js';
import type { MessageRule } from '../rule.js';

/** RFC 2543 did not require Contact: a warning for its elements. */
const lenient = (m: SipMessage): Severity | undefined => (isRfc2543(m) ? 'warning' : undefined);

/** `/^sips?:/i.test(u)`, without running a regular expression for each INVITE and 2xx. */
function isSipUri(u: string): boolean {
  if (u.length < 4) return false;
  // `| 0x20` lowercases an ASCII letter (and only 'S'/'s' give 's', and so on).
  if (
    (u.charCodeAt(0) | 0x20) !== 0x73 ||
    (u.charCodeAt(1) | 0x20) !== 0x69 ||
    (u.charCodeAt(2) | 0x20) !== 0x70
  )
    return false;
  const c = u.charCodeAt(3);
  return c === 0x3a || ((c | 0x20) === 0x73 && u.charCodeAt(4) === 0x3a);
}

/** How a finding names the message: `INVITE` or `200 to INVITE`. */
const what = (m: SipMessage): string => (m.kind === 'request' ? 'INVITE' : `${m.status} to INVITE`);

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
    if (msg.kind === 'request') {
      if (msg.method !== 'INVITE') return NONE;
    } else if (!isSuccess(msg.status) || methodOf(msg) !== 'INVITE') return NONE;
    // The Contact lines, found without collecting them (this runs for every INVITE and 2xx).
    const h = msg.headers;
    let first = -1;
    let last = -1;
    for (let i = 0; i < h.length; i++) {
      if (h[i].key !== 'contact') continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0)
      return [{ text: `${what(msg)} without Contact`, range: startLineRange(msg), severity: lenient(msg) }];
    const cs = contacts(msg);
    if (cs.length === 0) return NONE; // unparseable: the parser's issue says why
    const c = cs[0];
    if (cs.length === 1 && c !== '*' && isSipUri(c.uri)) return NONE;
    const f = h[first];
    const range = { offset: f.offset, length: h[last].offset + h[last].length - f.offset };
    if (cs.length > 1) {
      return [
        {
          text: `${what(msg)} has ${cs.length} Contact values; it must have exactly one`,
          range,
          severity: lenient(msg),
        },
      ];
    }
    if (c === '*') return [{ text: `${what(msg)} has Contact "*"`, range, severity: lenient(msg) }];
    const at = { offset: c.offset, length: c.length };
    return [
      { text: `${what(msg)} Contact <${c.uri}> is not a SIP or SIPS URI`, range: at, severity: lenient(msg) },
    ];
  },
};
