/**
 * Fast SIP start-line recognition on raw bytes, without allocation.
 *
 * Used by the framing layer to decide whether bytes begin a SIP message (UDP
 * datagrams, SCTP chunks, WebSocket messages, the head of a TCP stream) and to
 * resynchronise a stream after a gap. Full syntax checks belong to the parser;
 * this only answers "is this a start line", so it is a little more liberal than
 * the grammar where RFC 4475 shows senders are (see below).
 */

/** The bytes end inside what may still become a start line: wait for more. */
export const START_LINE_NEED_MORE = -2;
/** Longest start line considered (a longer line is not a start line). */
export const MAX_START_LINE = 8192;
/** Longest method token considered. */
const MAX_METHOD = 256;

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;

/**
 * RFC 3261 §25.1:
 *   token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
 */
const TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

/** True for a byte allowed in an RFC 3261 §25.1 token. */
export const isTokenByte = (c: number): boolean => TOKEN[c] === 1;

/** "SIP", upper case; compared with `byte & 0xdf` (ASCII letters only). */
const SIP_LETTERS = new Uint8Array([0x53, 0x49, 0x50]);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/**
 * A byte that may appear inside a start line: anything but NUL (and the line
 * ends, handled by the caller). The grammar allows no CTL but HTAB there, yet
 * a Request-URI or Reason-Phrase with an ESC or a BEL in it is a malformed SIP
 * message, not something else: it is read (and flagged by the parser), as
 * Wireshark reads it; otherwise one control byte would hide a request or a
 * response from the analysis. NUL still ends the match: binary data, and not
 * SIP for Wireshark either.
 */
const isLineByte = (c: number): boolean => c !== 0;

/**
 * RFC 3261 §25.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
 * (ABNF literals are case-insensitive). Digits bounded to 3 each.
 * Returns the index after the version, -1 when it is not one, NEED_MORE when
 * the bytes end inside a valid prefix.
 */
function matchVersion(b: Uint8Array, i: number, end: number): number {
  for (let k = 0; k < 3; k++, i++) {
    if (i >= end) return START_LINE_NEED_MORE;
    if ((b[i] & 0xdf) !== SIP_LETTERS[k]) return -1;
  }
  if (i >= end) return START_LINE_NEED_MORE;
  if (b[i++] !== 0x2f) return -1; // '/'
  for (let part = 0; part < 2; part++) {
    const start = i;
    while (i < end && isDigit(b[i]) && i - start < 3) i++;
    if (i >= end) return START_LINE_NEED_MORE;
    if (i === start) return -1;
    if (part === 0) {
      if (b[i] !== 0x2e) return -1; // '.'
      i++;
    }
  }
  return i;
}

/**
 * Backward check that `b[start..stop)` ends with SP SIP/d.d, returns the index
 * of that SP or -1.
 */
function versionSuffixAt(b: Uint8Array, start: number, stop: number): number {
  let k = stop - 1;
  let n = 0;
  while (k >= start && isDigit(b[k]) && n < 3) {
    k--;
    n++;
  }
  if (n === 0 || k < start || b[k] !== 0x2e) return -1;
  k--;
  n = 0;
  while (k >= start && isDigit(b[k]) && n < 3) {
    k--;
    n++;
  }
  if (n === 0 || k - 3 < start) return -1;
  if (
    b[k] !== 0x2f ||
    (b[k - 1] & 0xdf) !== 0x50 ||
    (b[k - 2] & 0xdf) !== 0x49 ||
    (b[k - 3] & 0xdf) !== 0x53
  ) {
    return -1;
  }
  k -= 4;
  return k >= start && b[k] === SP ? k : -1;
}

/**
 * Recognises a SIP start line at `offset`.
 *
 * RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 *                Status-Code = 3DIGIT; the Reason-Phrase may be empty.
 *
 * Knowingly more liberal than the grammar, so that the messages of RFC 4475
 * reach the parser and get flagged there instead of vanishing: several SP
 * between elements (lwsstart), SP inside the Request-URI (lwsruri), trailing
 * whitespace after the version (trws), any 1*3DIGIT "." 1*3DIGIT version
 * (badvers), a bare LF line end (RFC 5118 files) or a bare CR (damaged
 * captures, read so by Wireshark too). An HTTP line
 * (`HTTP/1.1 200 OK`, `GET / HTTP/1.1`) never matches.
 *
 * Returns the index of the line end (the CR of CRLF, a bare LF or CR),
 * -1 when the bytes do not begin a SIP start line, START_LINE_NEED_MORE when
 * they end inside something that may still become one.
 */
export function matchSipStartLine(b: Uint8Array, offset: number, end: number): number {
  if (end > b.length) end = b.length;
  if (offset >= end) return START_LINE_NEED_MORE;
  const limit = end - offset > MAX_START_LINE ? offset + MAX_START_LINE : end;
  const v = matchVersion(b, offset, limit);
  if (v === START_LINE_NEED_MORE) return limit === end ? v : -1;
  if (v >= 0) return matchStatusRest(b, v, limit, end);
  return matchRequest(b, offset, limit, end);
}

function matchStatusRest(b: Uint8Array, i: number, limit: number, end: number): number {
  const more = limit === end ? START_LINE_NEED_MORE : -1;
  if (i >= limit) return more;
  if (b[i] !== SP) return -1;
  while (i < limit && b[i] === SP) i++;
  for (let n = 0; n < 3; n++, i++) {
    if (i >= limit) return more;
    if (!isDigit(b[i])) return -1;
  }
  if (i >= limit) return more;
  const c = b[i];
  if (c !== SP && c !== CR && c !== LF) return -1;
  return lineEnd(b, i, limit, end);
}

/** Scans reason-phrase-like bytes up to the line end; -1 on a NUL. */
function lineEnd(b: Uint8Array, i: number, limit: number, end: number): number {
  for (; i < limit; i++) {
    const c = b[i];
    if (c === LF) return i;
    if (c === CR) {
      // A bare CR ends the line too (as Wireshark reads it; seen in damaged captures).
      return i + 1 >= end ? START_LINE_NEED_MORE : i;
    }
    if (!isLineByte(c)) return -1;
  }
  return limit === end ? START_LINE_NEED_MORE : -1;
}

function matchRequest(b: Uint8Array, offset: number, limit: number, end: number): number {
  const more = limit === end ? START_LINE_NEED_MORE : -1;
  let i = offset;
  while (i < limit && TOKEN[b[i]] === 1) {
    if (++i - offset > MAX_METHOD) return -1;
  }
  if (i === offset) return -1;
  if (i >= limit) return more;
  if (b[i] !== SP) return -1;
  while (i < limit && b[i] === SP) i++;
  const uriStart = i;
  let eol = lineEnd(b, i, limit, end);
  if (eol === -1) return eol;
  if (eol === START_LINE_NEED_MORE) {
    // The line is complete but for the LF after a final CR: decide now
    // (so that `GET / HTTP/1.1\r` is known not to be SIP without waiting).
    if (limit !== end || b[end - 1] !== CR) return eol;
    eol = end - 1;
  }
  // Trailing whitespace after the version is tolerated (RFC 4475 trws).
  let stop = eol;
  while (stop > uriStart && (b[stop - 1] === SP || b[stop - 1] === HTAB)) stop--;
  const sp = versionSuffixAt(b, uriStart, stop);
  if (sp < 0) return -1;
  // The Request-URI must hold at least one non-space byte.
  let u = sp;
  while (u > uriStart && b[u - 1] === SP) u--;
  if (u === uriStart) return -1;
  return eol === end - 1 && b[eol] === CR ? START_LINE_NEED_MORE : eol;
}

/**
 * Index of the line end if `bytes[offset..end)` begins a SIP start line, else -1
 * (also when the line is not complete yet).
 */
export function sipStartLineEnd(bytes: Uint8Array, offset: number, end: number): number {
  const r = matchSipStartLine(bytes, offset, end);
  return r < 0 ? -1 : r;
}

/** Index after the line terminator that begins at `eol` (CRLF, LF or a bare CR). */
export const afterLineEnd = (bytes: Uint8Array, eol: number): number =>
  bytes[eol] === CR && bytes[eol + 1] === LF ? eol + 2 : eol + 1;

/**
 * The next plausible start line for resynchronisation: the first line
 * beginning at or after `from` (`from` itself counts as a line beginning; later
 * ones follow an LF) where a SIP start line begins, or may begin because the
 * bytes end inside it. Returns its offset, or -1.
 */
export function findSipStart(bytes: Uint8Array, from: number, end: number): number {
  if (end > bytes.length) end = bytes.length;
  let p = from;
  while (p < end) {
    if (TOKEN[bytes[p]] === 1 && matchSipStartLine(bytes, p, end) !== -1) return p;
    const lf = bytes.indexOf(LF, p);
    if (lf < 0 || lf >= end) return -1;
    p = lf + 1;
  }
  return -1;
}

/**
 * For datagram-like units (UDP, SCTP, one WebSocket message): skips leading
 * CRLF keep-alives (RFC 5626 §3.5.1) and returns the offset of the SIP start
 * line that follows, or -1 when there is none (only keep-alives, junk, or a
 * start line cut before its end).
 */
export function sipMessageStart(bytes: Uint8Array, offset: number, end: number): number {
  if (end > bytes.length) end = bytes.length;
  let i = offset;
  while (i < end && (bytes[i] === CR || bytes[i] === LF)) i++;
  return i < end && matchSipStartLine(bytes, i, end) >= 0 ? i : -1;
}

/**
 * End of the header block: the index after the empty line that ends it
 * (CRLF CRLF; LF LF and mixed forms tolerated), searched from `from` (which
 * should be at or before the start line's terminator). Returns -1 when not
 * found in `b[from..end)`; a later search may resume at `end - 3`, since a
 * blank line that straddles `end` begins there at the earliest.
 */
export function findHeaderEnd(b: Uint8Array, from: number, end: number): number {
  let j = from;
  while (j < end) {
    const lf = b.indexOf(LF, j);
    if (lf < 0 || lf >= end) return -1;
    const n1 = lf + 1;
    if (n1 >= end) return -1;
    if (b[n1] === LF) return n1 + 1;
    if (b[n1] === CR) {
      if (n1 + 1 >= end) return -1;
      if (b[n1 + 1] === LF) return n1 + 2;
    }
    j = n1;
  }
  return -1;
}

/** parseContentLength results besides a value >= 0. */
export const CL_MISSING = -1;
export const CL_INVALID = -2;
/** More than 10 digits: certainly over any limit. */
export const CL_HUGE = -3;

/**
 * The Content-Length of a header block: RFC 3261 §20.14 `Content-Length` or
 * its compact form `l` (§7.3.3), names case-insensitive (§7.3.1), looked up
 * at line starts in `b[from..to)` (continuation lines start with whitespace
 * and are not header starts). The first occurrence wins.
 *
 *   Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT
 *   HCOLON = *( SP / HTAB ) ":" SWS
 */
export function parseContentLength(b: Uint8Array, from: number, to: number): number {
  let p = from;
  while (p < to) {
    const c = b[p] | 0x20;
    if (c === 0x6c /* l */ || c === 0x63 /* c */) {
      let i = p + 1;
      if (c === 0x63) i = matchRestOfName(b, p, to);
      if (i > 0) {
        while (i < to && (b[i] === 32 || b[i] === 9)) i++;
        if (i < to && b[i] === 0x3a) return contentLengthValue(b, i + 1, to);
      }
    }
    const lf = b.indexOf(LF, p);
    if (lf < 0 || lf >= to) return CL_MISSING;
    p = lf + 1;
  }
  return CL_MISSING;
}

const CONTENT_LENGTH = 'content-length';

function matchRestOfName(b: Uint8Array, p: number, to: number): number {
  if (p + CONTENT_LENGTH.length > to) return -1;
  for (let k = 1; k < CONTENT_LENGTH.length; k++) {
    if ((b[p + k] | 0x20) !== CONTENT_LENGTH.charCodeAt(k)) return -1;
  }
  return p + CONTENT_LENGTH.length;
}

function contentLengthValue(b: Uint8Array, i: number, to: number): number {
  // SWS: optional whitespace, possibly folded onto a continuation line.
  for (;;) {
    while (i < to && (b[i] === 32 || b[i] === 9)) i++;
    let k = i;
    if (k < to && b[k] === CR) k++;
    if (k < to && b[k] === LF && k + 1 < to && (b[k + 1] === 32 || b[k + 1] === 9)) {
      i = k + 1;
      continue;
    }
    break;
  }
  let v = 0;
  let digits = 0;
  while (i < to && b[i] >= 0x30 && b[i] <= 0x39) {
    v = v * 10 + (b[i] - 0x30);
    i++;
    digits++;
  }
  if (digits === 0) return CL_INVALID;
  while (i < to && (b[i] === 32 || b[i] === 9)) i++;
  if (i < to && b[i] !== CR && b[i] !== LF) return CL_INVALID;
  return digits > 10 ? CL_HUGE : v;
}
