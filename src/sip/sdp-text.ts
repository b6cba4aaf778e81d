/**
 * Scanning helpers for SDP text (RFC 8866 §5: "<type>=<value>" lines of
 * structured text): positions in a string that is the message's latin1
 * text, so indexes are byte offsets. Nothing here allocates except where a
 * value is returned.
 */
import { parseDigits } from './chars.js';

/** Above this much text after `from`, `indexIn` loops by hand rather than letting indexOf run past `end`. */
const INDEXOF_SPAN = 4096;

/** Index of the first `c` (one char) in `s[from, end)`, or `end`. */
export function indexIn(s: string, c: string, from: number, end: number): number {
  if (s.length - from <= INDEXOF_SPAN) {
    // Native and much faster than a loop; what it finds past `end` does not count.
    const i = s.indexOf(c, from);
    return i < 0 || i > end ? end : i;
  }
  const code = c.charCodeAt(0);
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === code) return i;
  return end;
}

/** Number of `c` (one char) in `s[from, end)`. */
export function countIn(s: string, c: string, from: number, end: number): number {
  let n = 0;
  for (let i = indexIn(s, c, from, end); i < end; i = indexIn(s, c, i + 1, end)) n++;
  return n;
}

/**
 * The value of the decimal digits `s[start, end)` (all digits, at least one),
 * as `Number()` reads them; -1 when the range is empty or holds a non-digit.
 */
export function digitsValue(s: string, start: number, end: number): number {
  const n = parseDigits(s, start, end);
  // Beyond 15 digits the running sum may round differently from Number()'s.
  return n >= 0 && end - start > 15 ? Number(s.slice(start, end)) : n;
}

/** Index after the digits from `i`. */
export function skipDigits(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** `\s` of a JavaScript regular expression, restricted to latin1: HT LF VT FF CR SP NBSP. */
export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

export function skipSpace(s: string, i: number, end: number): number {
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Tokens seen in nearly every SDP (nettype, addrtype, media, proto), handed
 * out as constants rather than sliced anew for each description.
 */
const TOKENS = ['IN', 'IP4', 'IP6', 'audio', 'video', 'image', 'RTP/AVP', 'RTP/SAVP', 'RTP/AVPF', 'udptl'];

/** `s.slice(start, end)`, as the constant from TOKENS when it is one. */
export function token(s: string, start: number, end: number): string {
  return constantOf(TOKENS, s, start, end);
}

/** `s.slice(start, end)`, or the string of `table` equal to it (no new string). */
function constantOf(table: readonly string[], s: string, start: number, end: number): string {
  const n = end - start;
  for (let k = 0; k < table.length; k++) {
    const t = table[k];
    if (t.length === n && s.startsWith(t, start)) return t;
  }
  return s.slice(start, end);
}

/**
 * `a` with `x` appended: a new one-element array when `a` is empty (pushing
 * onto an empty array reserves room for 17 elements, and most SDP lists hold one).
 */
export function pushed<T>(a: T[], x: T): T[] {
  if (a.length === 0) return [x];
  a.push(x);
  return a;
}

/** Attribute names seen in nearly every SDP, handed out as constants. */
const ATTRIBUTE_NAMES = ['rtpmap', 'fmtp', 'ptime', 'maxptime', 'rtcp', 'sendrecv', 'sendonly', 'recvonly'];

export function attributeName(s: string, start: number, end: number): string {
  return constantOf(ATTRIBUTE_NAMES, s, start, end);
}
