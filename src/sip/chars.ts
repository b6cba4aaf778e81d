/**
 * Character classes of the SIP grammar (RFC 3261 §25.1) as lookup tables over
 * char codes, so the scanners test a byte with one array read.
 */

function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) t[c] = 1;
  return t;
}

const ALNUM: Array<[number, number]> = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", ALNUM);

/**
 * word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
 *        "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
 * (RFC 3261 §25.1, used by Call-ID)
 */
export const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', ALNUM);

/** SP, HTAB and the CR/LF of a folded line: the LWS a header value may contain. */
export const LWS = table(' \t\r\n');

export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** True when every char of `s[start, end)` is a token char (and the range is not empty). */
export function isTokenRange(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) return false;
  }
  return true;
}

/** Skips SP/HTAB/CR/LF from `i`; returns the first other index (or `end`). */
export function skipLws(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    i++;
  }
  return i;
}

/** Moves `end` back over SP/HTAB/CR/LF, not below `start`. */
export function trimLwsEnd(s: string, start: number, end: number): number {
  while (end > start) {
    const c = s.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    end--;
  }
  return end;
}

/** Scans a run of token chars from `i`; returns its end. */
export function scanToken(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) break;
    i++;
  }
  return i;
}

/**
 * Collapses line folding inside a slice: RFC 3261 §7.3.1 "a recipient MAY
 * replace any linear white space with a single SP before interpreting the field
 * value". Only folds are replaced; other whitespace is kept as written.
 */
export function unfold(s: string): string {
  if (s.indexOf('\n') < 0) return s;
  return s.replace(/[ \t]*\r?\n[ \t]*/g, ' ');
}

/**
 * Parses a run of decimal digits as a number. Returns -1 when the range is
 * empty or holds a non-digit. Values beyond 2^53 lose precision but stay
 * finite and above any limit a caller checks.
 */
export function parseDigits(s: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}
