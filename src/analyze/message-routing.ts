/**
 * Which rules a message goes to. Calling every rule for every message is what
 * the engine costs most (a megamorphic call per rule per message), so each
 * message is put in a class — request method (and inside or outside a
 * dialog) or response status class, times first copy / retransmission /
 * duplicate, times with or without a body, times with or without parser
 * issues — and each class gets, once, the list of rules whose `MessageFilter`
 * accepts it. A response is classed by status class and CSeq method.
 */
import type { MessageCorrelation } from '../correlate/model.js';
import { cseq, toHeader } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import type { MessageFilter } from './rule.js';

/** Methods with a class of their own; others share one. */
const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'REGISTER',
  'OPTIONS',
  'PRACK',
  'UPDATE',
  'INFO',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'MESSAGE',
  'PUBLISH',
];
const OTHER = METHODS.length;
/** Request classes: (method index) × 2 + (has a To tag). */
const RESPONSES = (OTHER + 1) * 2;
/** Response classes: RESPONSES + (status class (0: below 100, 1–6, 7: 700 and above)) × methods + CSeq method. */
const CLASSES = RESPONSES + 8 * (OTHER + 1);
const COPIES = 3;
/** Number of message keys: class × copy × (has a body) × (has parser issues). */
export const KEYS = CLASSES * COPIES * 4;

/** Every response status class (`MessageFilter.responses`): below 100, 1xx … 6xx, 700 and above. */
export const ANY_STATUS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** The class key of a message: what routes it to rules. */
export function messageKey(m: SipMessage, c: MessageCorrelation | null): number {
  const copy = c === null ? 0 : c.duplicate ? 2 : c.retransmission ? 1 : 0;
  let cls: number;
  if (m.kind === 'request') {
    cls = methodIndex(m.method) * 2 + (toHeader(m)?.tag !== undefined ? 1 : 0);
  } else {
    const sc = (m.status / 100) | 0;
    const method = cseq(m)?.method;
    cls =
      RESPONSES +
      (sc < 1 ? 0 : sc > 6 ? 7 : sc) * (OTHER + 1) +
      (method === undefined ? OTHER : methodIndex(method));
  }
  // `| 0`: an integer the engine can index with (a float key would be converted to a string on every lookup).
  return (((cls * COPIES + copy) * 2 + (m.body.length > 0 ? 1 : 0)) * 2 + (m.issues.length > 0 ? 1 : 0)) | 0;
}

/** Does the message of class `key` carry parser issues? */
export function hasIssues(key: number): boolean {
  return (key & 1) === 1;
}

function methodIndex(method: string): number {
  const i = METHODS.indexOf(method);
  return i < 0 ? OTHER : i;
}

/** Does `list` name the method of class index `i` (the shared class: any method without a class of its own)? */
function names(list: readonly string[], i: number): boolean {
  return i === OTHER ? list.some((x) => !METHODS.includes(x)) : list.includes(METHODS[i]);
}

/** Does a rule with filter `f` want the messages of class `key`? */
export function accepts(f: MessageFilter | undefined, key: number): boolean {
  if (f === undefined) return true;
  if (f.withIssues === true && !hasIssues(key)) return false;
  const kb = key >> 1;
  const body = kb % 2 === 1;
  if (f.withBody === true && !body) return false;
  const k = (kb - (kb % 2)) / 2;
  const copy = k % COPIES;
  const cls = (k - copy) / COPIES;
  const copies = f.copies ?? 'all';
  if ((copies === 'first' && copy !== 0) || (copies === 'retransmissions' && copy !== 1)) return false;
  if (cls >= RESPONSES) {
    const r = cls - RESPONSES;
    const mi = r % (OTHER + 1);
    const sc = (r - mi) / (OTHER + 1);
    if (f.responses === undefined || !f.responses.includes(sc)) return false;
    return f.responseTo === undefined || names(f.responseTo, mi);
  }
  if (f.requests === undefined) return false;
  const inDialog = cls % 2 === 1;
  if (f.inDialog !== undefined && f.inDialog !== inDialog) return false;
  const i = (cls - (cls % 2)) / 2;
  if (f.except !== undefined && i !== OTHER && f.except.includes(METHODS[i])) return false;
  return f.requests === '*' || names(f.requests, i);
}
