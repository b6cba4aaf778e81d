/**
 * `parseSip`: one SIP message from its bytes (RFC 3261 §7), lossless and with
 * byte offsets. The bytes are decoded once as latin1, so a string index is a
 * byte offset; headers keep their name as written, a canonical key, the
 * unfolded value and where they are.
 *
 * For a datagram the whole payload is the message (RFC 3261 §18.3); on
 * streams the framer cuts messages by Content-Length before calling this.
 */
import { parseDigits, skipLws, TOKEN, trimLwsEnd, unfold } from './chars.js';
import { exactHeader, lookupHeader } from './header-table.js';
import { addIssue, hasError } from './issue.js';
import type { HeaderField, MessageSource, SipIssue, SipMessage, SipRequest, SipResponse } from './message.js';
import { Memo } from './message-cache.js';
import { parseStartLine } from './start-line.js';
import { type StartLinePosition, validateMessage } from './validate.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's native latin1 decoder; it accepts any Uint8Array as `this`. */
const latin1Slice = (globalThis as unknown as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } })
  .Buffer?.prototype.latin1Slice;

/**
 * Bytes → string with one char per byte (ISO-8859-1). Not TextDecoder('latin1'):
 * WHATWG maps that label to windows-1252, which changes 0x80..0x9F.
 */
export function latin1(bytes: Uint8Array): string {
  if (latin1Slice !== undefined) return latin1Slice.call(bytes, 0, bytes.length);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

/** A request as `parseSip` builds it: plain fields plus a private memo (message-cache.ts). */
class ParsedRequest extends Memo implements SipRequest {
  readonly kind = 'request';
  malformed = false;
  source: MessageSource | null = null;
  constructor(
    public method: string,
    public uri: string,
    public raw: Uint8Array,
    public text: string,
    public version: string,
    public startLine: string,
    public headers: HeaderField[],
    public bodyOffset: number,
    public body: Uint8Array,
    public issues: SipIssue[],
  ) {
    super();
  }
}

class ParsedResponse extends Memo implements SipResponse {
  readonly kind = 'response';
  malformed = false;
  source: MessageSource | null = null;
  constructor(
    public status: number,
    public reason: string,
    public raw: Uint8Array,
    public text: string,
    public version: string,
    public startLine: string,
    public headers: HeaderField[],
    public bodyOffset: number,
    public body: Uint8Array,
    public issues: SipIssue[],
  ) {
    super();
  }
}

/** End of the line content starting at `from` whose LF is at `nl` (or -1): CR excluded. */
function contentEnd(s: string, from: number, nl: number): number {
  const e = nl < 0 ? s.length : nl;
  return e > from && s.charCodeAt(e - 1) === CR ? e - 1 : e;
}

/**
 * Where the start line is, handed to `validateMessage`, which only reads it during
 * the call (`parseSip` never runs inside itself): reused rather than one per message.
 * The header list is not gathered in a reused array copied out at its exact length:
 * that allocates less, but storing each new field into a long-lived array costs a
 * slow write barrier, and measured slower (~2.5% of parseSip) than `push` from `[]`.
 */
const AT: StartLinePosition = { lineOffset: 0, lineLength: 0, uriOffset: 0 };

/**
 * Parses one SIP message. Returns `null` only when the first line is not a SIP
 * start line at all; anything else wrong becomes an issue on the message.
 */
export function parseSip(bytes: Uint8Array): SipMessage | null {
  const text = latin1(bytes);
  const len = text.length;
  // RFC 3261 §7.5: "Implementations processing SIP messages over stream-oriented
  // transports MUST ignore any CRLF appearing before the start-line".
  let pos = 0;
  while (pos < len && (text.charCodeAt(pos) === CR || text.charCodeAt(pos) === LF)) pos++;
  if (pos === len) return null;

  const issues: SipIssue[] = [];
  let bareLf = -1;
  const lineStart = pos;
  let nl = text.indexOf('\n', pos);
  let lineEnd = contentEnd(text, pos, nl);
  if (nl >= 0 && lineEnd === nl) bareLf = nl;
  const first = parseStartLine(text, lineStart, lineEnd, issues);
  if (first === null) return null;
  const startLine = text.slice(lineStart, lineEnd);
  pos = nl < 0 ? len : nl + 1;

  const headers: HeaderField[] = [];
  let bodyOffset = len;
  let sawEmptyLine = false;
  while (pos < len) {
    nl = text.indexOf('\n', pos);
    lineEnd = contentEnd(text, pos, nl);
    if (nl >= 0 && lineEnd === nl && bareLf < 0) bareLf = nl;
    const next = nl < 0 ? len : nl + 1;
    if (lineEnd === pos) {
      // RFC 3261 §7: the empty line ends the headers.
      bodyOffset = next;
      sawEmptyLine = true;
      break;
    }
    const c0 = text.charCodeAt(pos);
    if (c0 === SP || c0 === HT) {
      addIssue(
        issues,
        'syntax.header-continuation',
        'error',
        'continuation line (starting with whitespace) with no header before it (RFC 3261 §7.3.1)',
        pos,
        lineEnd - pos,
      );
      pos = next;
      continue;
    }
    // The header extends over following lines that start with SP/HTAB (folding, RFC 3261 §7.3.1).
    const headerStart = pos;
    let extEnd = lineEnd;
    let after = next;
    let folded = false;
    while (after < len) {
      const c = text.charCodeAt(after);
      if (c !== SP && c !== HT) break;
      const nl2 = text.indexOf('\n', after);
      const e2 = contentEnd(text, after, nl2);
      if (nl2 >= 0 && e2 === nl2 && bareLf < 0) bareLf = nl2;
      if (e2 > after) extEnd = e2;
      folded = true;
      after = nl2 < 0 ? len : nl2 + 1;
    }
    pos = after;
    const h = headerLine(text, headerStart, lineEnd, extEnd, folded, issues);
    if (h !== null) headers.push(h);
  }

  if (bareLf >= 0) {
    addIssue(
      issues,
      'syntax.bare-lf',
      'warning',
      'line ended by LF without CR (RFC 3261 §7: lines end with CRLF); accepted',
      bareLf,
      1,
    );
  }
  if (!sawEmptyLine) {
    addIssue(
      issues,
      'framing.no-empty-line',
      'warning',
      'no empty line after the headers (RFC 3261 §7: "the empty line MUST be present even if the message-body is not")',
      len,
      0,
    );
  }

  const bodyEnd = frameBody(text, headers, bodyOffset, issues);
  const raw = bytes;
  const body = bytes.subarray(bodyOffset, bodyEnd);
  const version = first.version;
  const m: SipMessage =
    first.kind === 'request'
      ? new ParsedRequest(
          first.method,
          first.uri,
          raw,
          text,
          version,
          startLine,
          headers,
          bodyOffset,
          body,
          issues,
        )
      : new ParsedResponse(
          first.status,
          first.reason,
          raw,
          text,
          version,
          startLine,
          headers,
          bodyOffset,
          body,
          issues,
        );
  const at = AT;
  at.lineOffset = lineStart;
  at.lineLength = startLine.length;
  at.uriOffset = first.kind === 'request' ? first.uriOffset : lineStart;
  validateMessage(m, issues, at);
  m.malformed = hasError(issues);
  return m;
}

/**
 * One header: `s[start, firstEnd)` is its first line, `extEnd` the end of its
 * last continuation line.
 *
 *   message-header = field-name HCOLON field-value CRLF  (HCOLON = *( SP / HTAB ) ":" SWS)
 */
function headerLine(
  s: string,
  start: number,
  firstEnd: number,
  extEnd: number,
  folded: boolean,
  issues: SipIssue[],
): HeaderField | null {
  let colon = s.indexOf(':', start);
  if (colon < 0 || colon >= firstEnd) colon = -1;
  if (colon < 0) {
    // RFC 4475 test.dat "Foobar roobar".
    addIssue(
      issues,
      'syntax.header-without-colon',
      'error',
      'header line without ":" (RFC 3261 §7.3)',
      start,
      extEnd - start,
    );
    return null;
  }
  let nameEnd = colon;
  while (nameEnd > start && (s.charCodeAt(nameEnd - 1) === SP || s.charCodeAt(nameEnd - 1) === HT)) nameEnd--;
  if (nameEnd === start) {
    addIssue(
      issues,
      'syntax.header-name',
      'error',
      'header line with an empty field-name (RFC 3261 §7.3)',
      start,
      extEnd - start,
    );
    return null;
  }
  // Names written canonically answer with the table's strings; other spellings of known
  // names are found without case; unknown names must be tokens.
  const exact = exactHeader(s, start, nameEnd);
  const def = exact ?? lookupHeader(s, start, nameEnd);
  if (def === undefined) {
    for (let i = start; i < nameEnd; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff || TOKEN[c] === 0) {
        addIssue(
          issues,
          'syntax.header-name',
          'error',
          'field-name is not a token (RFC 3261 §7.3, §25.1)',
          start,
          nameEnd - start,
        );
        break;
      }
    }
  }
  const name = exact !== undefined ? exact.name : s.slice(start, nameEnd);
  const vs = skipLws(s, colon + 1, extEnd);
  const ve = trimLwsEnd(s, vs, extEnd);
  const raw = s.slice(vs, ve);
  return {
    name,
    key: def !== undefined ? def.key : name.toLowerCase(),
    value: folded ? unfold(raw) : raw,
    offset: start,
    length: (ve > vs ? ve : Math.max(vs, colon + 1)) - start,
    valueOffset: vs,
  };
}

/**
 * Where the body ends. RFC 3261 §18.3: "If a message is received over UDP and
 * the Content-Length is present, the body is Content-Length bytes; additional
 * bytes in the transport packet beyond the end of the body MUST be discarded";
 * "If the [datagram] is shorter than Content-Length, the message is invalid"
 * (RFC 4475 §3.1.2.2 clerr); a negative or non-numeric value is invalid
 * (RFC 4475 §3.1.2.3 ncl). Without Content-Length the body is the rest.
 */
function frameBody(text: string, headers: HeaderField[], bodyOffset: number, issues: SipIssue[]): number {
  const len = text.length;
  let cl: HeaderField | undefined;
  for (let i = 0; i < headers.length; i++) {
    if (headers[i].key === 'content-length') {
      cl = headers[i];
      break;
    }
  }
  if (cl === undefined) return len;
  const n = parseDigits(text, cl.valueOffset, cl.offset + cl.length);
  const avail = len - bodyOffset;
  if (n < 0) {
    addIssue(
      issues,
      'framing.content-length-invalid',
      'error',
      `Content-Length "${cl.value}" is not a non-negative number (RFC 3261 §20.14)`,
      cl.offset,
      cl.length,
    );
    return len;
  }
  if (n > avail) {
    addIssue(
      issues,
      'framing.content-length-mismatch',
      'error',
      `Content-Length is ${n} but only ${avail} body bytes are present (RFC 3261 §18.3)`,
      cl.offset,
      cl.length,
    );
    return len;
  }
  if (n < avail) {
    addIssue(
      issues,
      'framing.extra-bytes',
      'warning',
      `${avail - n} bytes after the ${n}-byte body are ignored (RFC 3261 §18.3)`,
      bodyOffset + n,
      avail - n,
    );
  }
  return bodyOffset + n;
}
