/**
 * Turning header fields into typed values. Shared by the validation pass
 * (with an issue sink, at parse time) and the lazy accessors (without one).
 * Every function reads the message text between a field's value offset and
 * its end, so positions in results and issues are byte offsets in `raw`.
 */
import { isTokenRange, parseDigits, scanToken, skipLws } from './chars.js';
import { splitInto } from './header-split.js';
import { addIssue, type IssueSink } from './issue.js';
import type { HeaderField, SipMessage } from './message.js';
import type { CSeq } from './message-cache.js';
import { type NameAddr, parseNameAddr } from './name-addr.js';
import { methodString } from './start-line.js';
import { parseVia, type Via } from './via.js';

/** End offset (exclusive) of a field's value in `raw`. */
export const valueEnd = (f: HeaderField): number => f.offset + f.length;

/** First field with this key (lowercase long name), or undefined. */
export function firstField(m: SipMessage, key: string): HeaderField | undefined {
  const h = m.headers;
  for (let i = 0; i < h.length; i++) if (h[i].key === key) return h[i];
  return undefined;
}

export function allFields(m: SipMessage, key: string): HeaderField[] {
  const out: HeaderField[] = [];
  const h = m.headers;
  for (let i = 0; i < h.length; i++) if (h[i].key === key) out.push(h[i]);
  return out;
}

/** Element bounds of the list header being parsed (reused: nothing here is re-entrant). */
const RANGES: number[] = [];

export function viasOf(m: SipMessage, issues: IssueSink): Via[] {
  let out: Via[] | undefined;
  const h = m.headers;
  const r = RANGES;
  for (let i = 0; i < h.length; i++) {
    const f = h[i];
    if (f.key !== 'via') continue;
    const n = splitInto(m.text, f.valueOffset, valueEnd(f), issues, r);
    if (n === 0) {
      addIssue(issues, 'syntax.via', 'error', 'empty Via header (RFC 3261 §20.42)', f.offset, f.length);
    }
    for (let k = 0; k < n; k += 2) {
      const v = parseVia(m.text, r[k], r[k + 1], issues);
      if (v === null) continue;
      // A literal for the first hop: `[]` then push would reserve room for 16.
      if (out === undefined) out = [v];
      else out.push(v);
    }
  }
  return out ?? [];
}

/** A single name-addr header (From, To, Reply-To, Refer-To...): its first occurrence. */
export function nameAddrOf(m: SipMessage, key: string, issues: IssueSink): NameAddr | null {
  const f = firstField(m, key);
  if (f === undefined) return null;
  return parseNameAddr(m.text, f.valueOffset, valueEnd(f), issues);
}

/** The name-addr in one field. */
export function nameAddrOfField(m: SipMessage, f: HeaderField, issues: IssueSink): NameAddr | null {
  return parseNameAddr(m.text, f.valueOffset, valueEnd(f), issues);
}

/** A list of name-addrs over every occurrence (Contact, Route, Record-Route...). */
export function nameAddrListOf(
  m: SipMessage,
  key: string,
  issues: IssueSink,
  allowStar: boolean,
): Array<NameAddr | '*'> {
  let out: Array<NameAddr | '*'> | undefined;
  const h = m.headers;
  const r = RANGES;
  for (let i = 0; i < h.length; i++) {
    const f = h[i];
    if (f.key !== key) continue;
    const n = splitInto(m.text, f.valueOffset, valueEnd(f), issues, r);
    for (let k = 0; k < n; k += 2) {
      let v: NameAddr | '*' | null;
      if (allowStar && r[k + 1] - r[k] === 1 && m.text.charCodeAt(r[k]) === 0x2a) v = '*';
      else v = parseNameAddr(m.text, r[k], r[k + 1], issues);
      if (v === null) continue;
      if (out === undefined) out = [v];
      else out.push(v);
    }
  }
  return out ?? [];
}

/**
 * CSeq = "CSeq" HCOLON 1*DIGIT LWS Method (RFC 3261 §20.16). RFC 3261 §8.1.1.5:
 * "The sequence number value MUST be expressible as a 32-bit unsigned integer
 * and MUST be less than 2**31."
 */
export function cseqOf(m: SipMessage, issues: IssueSink): CSeq | null {
  const f = firstField(m, 'cseq');
  return f === undefined ? null : cseqOfField(m, f, issues);
}

export function cseqOfField(m: SipMessage, f: HeaderField, issues: IssueSink): CSeq | null {
  const s = m.text;
  const end = valueEnd(f);
  let i = f.valueOffset;
  const ds = i;
  while (i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  const de = i;
  i = skipLws(s, i, end);
  const ms = i;
  const me = scanToken(s, i, end);
  if (de === ds || i === de || me === ms || skipLws(s, me, end) !== end) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `CSeq "${f.value}" is not "number method" (RFC 3261 §20.16)`,
      f.offset,
      f.length,
    );
    return recoverCseq(s, ds, de, end);
  }
  const seq = parseDigits(s, ds, de);
  if (seq >= 2 ** 31) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `CSeq number ${s.slice(ds, de)} is not below 2**31 (RFC 3261 §8.1.1.5)`,
      ds,
      de - ds,
    );
  }
  return { seq, method: methodString(s, ms, me) };
}

/**
 * A malformed CSeq (already flagged) read the way Wireshark reads it, so a
 * damaged message still correlates and compares: the leading digits (0 when
 * there are none), then the method from the first letter to the end of the
 * value (a NUL, CR or LF ends it), none when that is longer than 16 bytes.
 * We knowingly depart from strict parsing here.
 */
function recoverCseq(s: string, ds: number, de: number, end: number): CSeq {
  let stop = ds;
  while (stop < end) {
    const c = s.charCodeAt(stop);
    if (c === 0 || c === 0x0d || c === 0x0a) break;
    stop++;
  }
  let k = de;
  while (k < stop && !isAsciiLetter(s.charCodeAt(k))) k++;
  let e = stop;
  while (e > k && (s.charCodeAt(e - 1) === 0x20 || s.charCodeAt(e - 1) === 0x09)) e--;
  return { seq: de === ds ? 0 : parseDigits(s, ds, de), method: e - k > MAX_METHOD ? '' : s.slice(k, e) };
}

/** Wireshark's MAX_CSEQ_METHOD_SIZE: a longer "method" is garbage. */
const MAX_METHOD = 16;

const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * A header holding a number and nothing else (Max-Forwards, Content-Length,
 * Expires, Min-Expires...). Returns -1 when absent or not a number; an issue
 * when `max` is exceeded or the value is not digits.
 */
export function numberOf(
  m: SipMessage,
  f: HeaderField | undefined,
  issues: IssueSink,
  max: number,
  rfc: string,
): number {
  if (f === undefined) return -1;
  const n = parseDigits(m.text, f.valueOffset, valueEnd(f));
  if (n < 0) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `${f.name} "${f.value}" is not a number (${rfc})`,
      f.offset,
      f.length,
    );
  } else if (n > max) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `${f.name} ${f.value} is larger than ${max} (${rfc})`,
      f.valueOffset,
      valueEnd(f) - f.valueOffset,
    );
  }
  return n;
}

/** media-type = m-type SLASH m-subtype *(SEMI m-parameter) (RFC 3261 §20.15): "type/subtype" lowercased. */
export function mediaTypeOf(s: string, start: number, end: number, issues: IssueSink): string | undefined {
  let i = skipLws(s, start, end);
  const ts = i;
  i = scanToken(s, i, end);
  const te = i;
  i = skipLws(s, i, end);
  if (te === ts || i >= end || s.charCodeAt(i) !== 0x2f) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      'Content-Type is not "type/subtype" (RFC 3261 §20.15)',
      start,
      end - start,
    );
    return undefined;
  }
  i = skipLws(s, i + 1, end);
  const ss = i;
  i = scanToken(s, i, end);
  if (i === ss || !isTokenRange(s, ts, te)) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      'Content-Type has no subtype (RFC 3261 §20.15)',
      start,
      end - start,
    );
    return undefined;
  }
  const j = skipLws(s, i, end);
  if (j < end && s.charCodeAt(j) !== 0x3b) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      'unexpected text after the media type (RFC 3261 §20.15)',
      j,
      end - j,
    );
  }
  return knownMediaType(s, ts, te, ss, i) ?? `${s.slice(ts, te)}/${s.slice(ss, i)}`.toLowerCase();
}

/** Media types common in SIP, handed out as constants (no string building for them). */
const MEDIA_TYPES = [
  'application/sdp',
  'multipart/mixed',
  'multipart/alternative',
  'multipart/related',
  'application/pidf+xml',
  'application/dtmf-relay',
  'application/isup',
  'application/simple-message-summary',
  'message/sipfrag',
  'text/plain',
];

/** `type/subtype` lowercased when it is one of MEDIA_TYPES, compared in place; else undefined. */
function knownMediaType(s: string, ts: number, te: number, ss: number, se: number): string | undefined {
  for (let k = 0; k < MEDIA_TYPES.length; k++) {
    const t = MEDIA_TYPES[k];
    const slash = t.indexOf('/');
    if (te - ts !== slash || se - ss !== t.length - slash - 1) continue;
    if (sameLower(s, ts, t, 0, slash) && sameLower(s, ss, t, slash + 1, t.length)) return t;
  }
  return undefined;
}

/** `s` from `at` equals `t[from, to)` (lowercase ASCII) ignoring ASCII case. */
function sameLower(s: string, at: number, t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    let c = s.charCodeAt(at + i - from);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== t.charCodeAt(i)) return false;
  }
  return true;
}
