/**
 * The validation pass run by `parseSip`: checks the well-known headers so that
 * `message.issues` is complete without anyone calling an accessor, and leaves
 * what it parsed in the message cache for the accessors.
 *
 * Checked: Request-URI, Via, From, To, Call-ID, CSeq (and its method against
 * the request's), Max-Forwards, Contact, Route, Record-Route, Expires,
 * Min-Expires, Retry-After, Content-Type, Date, Warning, RSeq, and
 * duplicates of headers that may appear only once.
 */
import { WORD } from './chars.js';
import { addIssue } from './issue.js';
import type { HeaderField, SipIssue, SipMessage } from './message.js';
import { cacheOf } from './message-cache.js';
import type { NameAddr } from './name-addr.js';
import {
  allFields,
  cseqOfField,
  firstField,
  mediaTypeOf,
  nameAddrListOf,
  nameAddrOfField,
  numberOf,
  valueEnd,
  viasOf,
} from './typed-headers.js';
import { checkUri } from './uri.js';

const MAX_U32 = 2 ** 32 - 1;

/**
 * The value cached for a list header the message does not have: one shared
 * empty array instead of one per message (the accessors hand it out; every
 * caller only reads it).
 */
const NONE: never[] = [];

/**
 * The headers this pass looks at, found in one walk over the header list: an
 * index into `headers`, or -1 (small integers: storing them into the reused
 * object needs no write barrier, as a young HeaderField would).
 */
interface Seen {
  via: boolean;
  contact: boolean;
  route: boolean;
  recordRoute: boolean;
  from: number;
  to: number;
  callId: number;
  cseq: number;
  maxForwards: number;
  contentLength: number;
  contentType: number;
  expires: number;
  minExpires: number;
  rseq: number;
  retryAfter: number;
  date: number;
  warning: boolean;
}

/**
 * RFC 3261 §7.3.1: only list headers may repeat. Call-ID, CSeq, From, To,
 * Max-Forwards, Content-Length and Content-Type twice is an error
 * (RFC 4475 §3.3.8 multi01, §3.3.9 mcl01).
 */
function once(issues: SipIssue[], f: HeaderField): void {
  addIssue(
    issues,
    'syntax.duplicate-header',
    'error',
    `${f.name} appears more than once; it is not a list header (RFC 3261 §7.3.1)`,
    f.offset,
    f.length,
  );
}

/**
 * The one `Seen` every call of `scan` fills: nothing keeps it past
 * `validateMessage` (which never runs inside itself), so it is reset per message
 * rather than allocated (one object shape whatever the header order).
 */
const SEEN: Seen = {
  via: false,
  contact: false,
  route: false,
  recordRoute: false,
  from: -1,
  to: -1,
  callId: -1,
  cseq: -1,
  maxForwards: -1,
  contentLength: -1,
  contentType: -1,
  expires: -1,
  minExpires: -1,
  rseq: -1,
  retryAfter: -1,
  date: -1,
  warning: false,
};

/** `headers[i]`, or undefined for -1. */
function fieldAt(headers: HeaderField[], i: number): HeaderField | undefined {
  return i < 0 ? undefined : headers[i];
}

function scan(m: SipMessage, issues: SipIssue[]): Seen {
  const seen = SEEN;
  seen.via = false;
  seen.contact = false;
  seen.route = false;
  seen.recordRoute = false;
  seen.from = -1;
  seen.to = -1;
  seen.callId = -1;
  seen.cseq = -1;
  seen.maxForwards = -1;
  seen.contentLength = -1;
  seen.contentType = -1;
  seen.expires = -1;
  seen.minExpires = -1;
  seen.rseq = -1;
  seen.retryAfter = -1;
  seen.date = -1;
  seen.warning = false;
  const h = m.headers;
  for (let i = 0; i < h.length; i++) {
    const f = h[i];
    const k = f.key;
    // By length first: a few string comparisons per header instead of one per case.
    switch (k.length) {
      case 2:
        if (k === 'to') {
          if (seen.to >= 0) once(issues, f);
          else seen.to = i;
        }
        break;
      case 3:
        if (k === 'via') seen.via = true;
        break;
      case 4:
        if (k === 'from') {
          if (seen.from >= 0) once(issues, f);
          else seen.from = i;
        } else if (k === 'cseq') {
          if (seen.cseq >= 0) once(issues, f);
          else seen.cseq = i;
        } else if (k === 'rseq') {
          if (seen.rseq < 0) seen.rseq = i;
        } else if (k === 'date') {
          if (seen.date < 0) seen.date = i;
        }
        break;
      case 5:
        if (k === 'route') seen.route = true;
        break;
      case 7:
        if (k === 'contact') seen.contact = true;
        else if (k === 'call-id') {
          if (seen.callId >= 0) once(issues, f);
          else seen.callId = i;
        } else if (k === 'warning') seen.warning = true;
        else if (k === 'expires') {
          if (seen.expires < 0) seen.expires = i;
        }
        break;
      case 11:
        if (k === 'min-expires') {
          if (seen.minExpires < 0) seen.minExpires = i;
        } else if (k === 'retry-after') {
          if (seen.retryAfter < 0) seen.retryAfter = i;
        }
        break;
      case 12:
        if (k === 'max-forwards') {
          if (seen.maxForwards >= 0) once(issues, f);
          else seen.maxForwards = i;
        } else if (k === 'content-type') {
          if (seen.contentType >= 0) once(issues, f);
          else seen.contentType = i;
        } else if (k === 'record-route') seen.recordRoute = true;
        break;
      case 14:
        if (k === 'content-length') {
          if (seen.contentLength >= 0) once(issues, f);
          else seen.contentLength = i;
        }
        break;
      default:
        break;
    }
  }
  return seen;
}

/** Where the start line is, for issues about the message as a whole. */
export interface StartLinePosition {
  lineOffset: number;
  lineLength: number;
  /** Byte offset of the Request-URI (requests). */
  uriOffset: number;
}

export function validateMessage(m: SipMessage, issues: SipIssue[], at: StartLinePosition): void {
  const c = cacheOf(m);
  const isReq = m.kind === 'request';
  const text = m.text;

  if (isReq && m.uri !== '') checkRequestUri(m.uri, at.uriOffset, issues);
  const seen = scan(m, issues);
  const h = m.headers;
  const from = fieldAt(h, seen.from);
  const to = fieldAt(h, seen.to);
  const callId = fieldAt(h, seen.callId);
  const cseq = fieldAt(h, seen.cseq);
  const maxForwards = fieldAt(h, seen.maxForwards);
  const retryAfter = fieldAt(h, seen.retryAfter);
  const contentType = fieldAt(h, seen.contentType);
  const date = fieldAt(h, seen.date);

  // RFC 3261 §8.1.1: "A valid SIP request formulated by a UAC MUST, at a minimum,
  // contain the following header fields: To, From, CSeq, Call-ID, Max-Forwards,
  // and Via". Responses copy all but Max-Forwards (§8.2.6.2). Max-Forwards missing
  // is only a warning: RFC 2543 did not have it (RFC 4475 §3.4.1).
  if (!seen.via) missing(issues, 'Via', 'error', at);
  if (from === undefined) missing(issues, 'From', 'error', at);
  if (to === undefined) missing(issues, 'To', 'error', at);
  if (callId === undefined) missing(issues, 'Call-ID', 'error', at);
  if (cseq === undefined) missing(issues, 'CSeq', 'error', at);
  if (isReq && maxForwards === undefined) missing(issues, 'Max-Forwards', 'warning', at);

  c.vias = seen.via ? viasOf(m, issues) : NONE;
  c.from = from ? nameAddrOfField(m, from, issues) : null;
  c.to = to ? nameAddrOfField(m, to, issues) : null;
  if (callId) checkCallId(text, callId.valueOffset, valueEnd(callId), issues);
  c.cseq = cseq ? cseqOfField(m, cseq, issues) : null;
  if (isReq && c.cseq !== null && c.cseq.method !== m.method) {
    // RFC 3261 §8.1.1.5: "The method MUST match that of the request." RFC 4475 §3.1.2.17/18.
    const f = cseq!;
    addIssue(
      issues,
      'syntax.cseq-method-mismatch',
      'error',
      `CSeq method ${c.cseq.method} does not match the request method ${m.method} (RFC 3261 §8.1.1.5)`,
      f.offset,
      f.length,
    );
  }
  // RFC 3261 §20.22: "The Max-Forwards value is an integer in the range 0-255".
  numberOf(m, maxForwards, issues, 255, 'RFC 3261 §20.22');

  const contacts = seen.contact ? nameAddrListOf(m, 'contact', issues, true) : NONE;
  c.contacts = contacts;
  let star = false;
  for (let i = 0; i < contacts.length; i++) {
    const ct = contacts[i];
    if (ct === '*') star = true;
    else if (ct.params.expires !== undefined) checkDeltaParam(ct, 'expires', issues, 'RFC 3261 §20.10');
  }
  if (star && contacts.length > 1) {
    const f = firstField(m, 'contact')!;
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      'Contact "*" must be the only Contact value (RFC 3261 §10.2.2)',
      f.offset,
      f.length,
    );
  }
  c.routes = seen.route ? (nameAddrListOf(m, 'route', issues, false) as NameAddr[]) : NONE;
  c.recordRoutes = seen.recordRoute ? (nameAddrListOf(m, 'record-route', issues, false) as NameAddr[]) : NONE;

  // RFC 3261 §20.19: Expires "between 0 and (2**32)-1"; §20.23 Min-Expires.
  numberOf(m, fieldAt(h, seen.expires), issues, MAX_U32, 'RFC 3261 §20.19');
  numberOf(m, fieldAt(h, seen.minExpires), issues, MAX_U32, 'RFC 3261 §20.23');
  // RFC 3262 §3, §7.1: RSeq starts between 1 and 2**31 - 1 and counts up by one; a value
  // beyond 32 bits cannot come from a conforming UAS.
  numberOf(m, fieldAt(h, seen.rseq), issues, MAX_U32, 'RFC 3262 §7.1');
  if (retryAfter) checkRetryAfter(retryAfter, issues);
  const ct = contentType;
  c.contentType = ct ? (mediaTypeOf(text, ct.valueOffset, valueEnd(ct), issues) ?? null) : null;
  if (date) checkDate(date.value, date.offset, date.length, issues);
  if (seen.warning)
    for (const w of allFields(m, 'warning')) checkWarning(w.value, w.offset, w.length, issues);
}

function missing(
  issues: SipIssue[],
  name: string,
  severity: 'error' | 'warning',
  at: StartLinePosition,
): void {
  addIssue(
    issues,
    'syntax.missing-header',
    severity,
    `required header ${name} is missing (RFC 3261 §8.1.1)`,
    at.lineOffset,
    at.lineLength,
  );
}

/**
 * RFC 3261 §19.1.1 table: headers are "not allowed" in a Request-URI (RFC
 * 4475 §3.1.2.11 escruri); the URI must parse.
 */
function checkRequestUri(uri: string, offset: number, issues: SipIssue[]): void {
  const kind = checkUri(uri, offset, issues);
  // The user part may hold "?" (RFC 4475 §3.1.1.2 intmeth): headers start after the host.
  const q = kind === 'sip' ? uri.indexOf('?', uri.indexOf('@') + 1) : -1;
  if (q >= 0) {
    addIssue(
      issues,
      'syntax.request-uri-headers',
      'error',
      'a Request-URI must not contain URI headers ("?...") (RFC 3261 §19.1.1)',
      offset + q,
      uri.length - q,
    );
  }
}

/** callid = word [ "@" word ] (RFC 3261 §25.1). */
function checkCallId(s: string, start: number, end: number, issues: SipIssue[]): void {
  let at = 0;
  let ok = end > start && s.charCodeAt(start) !== 0x40 && s.charCodeAt(end - 1) !== 0x40;
  for (let i = start; ok && i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x40) ok = ++at === 1;
    else if (c > 0xff || WORD[c] === 0) ok = false;
  }
  if (!ok) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      'Call-ID is not word["@"word] (RFC 3261 §25.1)',
      start,
      end - start,
    );
  }
}

/** A delta-seconds header parameter (Contact expires, RFC 3261 §20.10). */
function checkDeltaParam(na: NameAddr, name: string, issues: SipIssue[], rfc: string): void {
  const v = na.params[name];
  if (v === undefined) return;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) > MAX_U32) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `${name}=${v === true ? '' : v} is not delta-seconds 0..2**32-1 (${rfc})`,
      na.offset,
      na.length,
    );
  }
}

/** Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) (RFC 3261 §20.33). */
function checkRetryAfter(f: HeaderField, issues: SipIssue[]): void {
  const d = /^\d+/.exec(f.value);
  if (d === null || Number(d[0]) > MAX_U32) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `Retry-After "${f.value}" is not delta-seconds 0..2**32-1 (RFC 3261 §20.33)`,
      f.offset,
      f.length,
    );
  }
}

const DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;

/**
 * RFC 3261 §20.17: "SIP only supports the most recent RFC 1123 format for
 * dates [...] SIP restricts the time zone in SIP-date to "GMT""; RFC 4475
 * §3.1.2.12 (baddate: "EST").
 */
function checkDate(value: string, offset: number, length: number, issues: SipIssue[]): void {
  const d = DATE.exec(value);
  if (d === null || Number(d[2]) > 31 || Number(d[5]) > 23 || Number(d[6]) > 59 || Number(d[7]) > 60) {
    addIssue(
      issues,
      'syntax.date',
      'error',
      `Date "${value}" is not an RFC 1123 date in GMT, e.g. "Sat, 13 Nov 2010 23:29:00 GMT" (RFC 3261 §20.17)`,
      offset,
      length,
    );
  }
}

/**
 * warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT
 * (RFC 3261 §20.43; RFC 4475 §3.1.2.5 scalarlg: "1812").
 */
function checkWarning(value: string, offset: number, length: number, issues: SipIssue[]): void {
  // One header may hold several comma-separated warnings; each must start with 3 digits.
  const ok = /^\d{3} \S+ "(?:[^"\\]|\\.)*"(?:\s*,\s*\d{3} \S+ "(?:[^"\\]|\\.)*")*$/.test(value);
  if (!ok) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `Warning "${value}" is not warn-code(3 digits) SP warn-agent SP "warn-text" (RFC 3261 §20.43)`,
      offset,
      length,
    );
  }
}
