import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { isRfc2543, startLineRange } from '../message-facts.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageRule } from '../rule.js';

const TO = 1;
const FROM = 2;
const CSEQ = 4;
const CALL_ID = 8;
const VIA = 16;
const MAX_FORWARDS = 32;
const RESPONSE_SET = TO | FROM | CSEQ | CALL_ID | VIA;
const REQUEST_SET = RESPONSE_SET | MAX_FORWARDS;
const NAMES: ReadonlyArray<[number, string]> = [
  [TO, 'To'],
  [FROM, 'From'],
  [CSEQ, 'CSeq'],
  [CALL_ID, 'Call-ID'],
  [MAX_FORWARDS, 'Max-Forwards'],
  [VIA, 'Via'],
];

function bit(key: string): number {
  switch (key) {
    case 'to':
      return TO;
    case 'from':
      return FROM;
    case 'cseq':
      return CSEQ;
    case 'call-id':
      return CALL_ID;
    case 'via':
      return VIA;
    case 'max-forwards':
      return MAX_FORWARDS;
    default:
      return 0;
  }
}

export const headerMandatoryMissing: MessageRule = {
  id: 'header.mandatory-missing',
  title: 'Mandatory header missing (To, From, CSeq, Call-ID, Max-Forwards, Via)',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §8.1.1, §20',
    text:
      'A valid SIP request formulated by a UAC MUST, at a minimum, contain the following header fields: To, ' +
      'From, CSeq, Call-ID, Max-Forwards, and Via; all of these header fields are mandatory in all SIP ' +
      'requests. … A mandatory response header field MUST be present in the response',
  },
  explanation:
    'These six headers address the request (To, From), identify and order its transaction (Call-ID, CSeq, ' +
    'the Via branch), route the response back (Via) and stop loops (Max-Forwards); responses copy all of ' +
    'them but Max-Forwards. Without one of them the message cannot be matched or routed and is rejected ' +
    'with 400 (RFC 4475 §3.3.1). Max-Forwards did not exist in RFC 2543, so its absence in a request whose ' +
    'Via branch lacks the z9hG4bK cookie is only a warning (RFC 4475 §3.4.1).',
  scope: 'message',
  only: { requests: '*', responses: ANY_STATUS, withIssues: true },
  issues: ['syntax.missing-header'],
  check(msg: SipMessage): readonly FindingDraft[] {
    const want = msg.kind === 'request' ? REQUEST_SET : RESPONSE_SET;
    let have = 0;
    const h = msg.headers;
    for (let i = 0; i < h.length; i++) have |= bit(h[i].key);
    const missing = want & ~have;
    if (missing === 0) return NONE;
    const out: FindingDraft[] = [];
    const range = startLineRange(msg);
    const what = msg.kind === 'request' ? `${msg.method} request` : `${msg.status} response`;
    for (const [b, name] of NAMES) {
      if ((missing & b) === 0) continue;
      const lenient = b === MAX_FORWARDS && isRfc2543(msg);
      out.push({
        text: lenient
          ? `${what} without Max-Forwards (accepted from an RFC 2543 element: its Via branch has no z9hG4bK cookie)`
          : `${what} without ${name}`,
        range,
        severity: lenient ? 'warning' : undefined,
      });
    }
    return out;
  },
};
