/**
 * Multipart bodies (RFC 2046 §5.1.1), as SIP carries them (RFC 3261 §7.4,
 * RFC 5621): SDP next to ISUP, PIDF-LO, S/MIME parts.
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary      dash-boundary := "--" boundary
 *
 * "The CRLF preceding the boundary delimiter line is conceptually attached to
 * the boundary", so it is not part of the preceding body. Bare LF line ends
 * are accepted as elsewhere.
 */
import { contentType } from './accessors.js';
import { skipLws, trimLwsEnd } from './chars.js';
import { headerKey } from './header-table.js';
import { addIssue } from './issue.js';
import type { SipIssue, SipMessage } from './message.js';
import { type Params, parseParams } from './params.js';
import { firstField, valueEnd } from './typed-headers.js';

export interface MimeHeader {
  name: string;
  /** Lowercase (SIP compact forms expanded, e.g. `c` → `content-type`). */
  key: string;
  value: string;
  offset: number;
  length: number;
}

export interface MimePart {
  headers: MimeHeader[];
  /** Lowercased type/subtype of the part; RFC 2046 §5.1: "text/plain" when absent. */
  contentType: string;
  /** Content-Type parameters of the part (names lowercased). */
  contentTypeParams: Params;
  /** Byte offset of the part (its first header) in the message. */
  offset: number;
  length: number;
  /** Byte offset of the part's body in the message. */
  bodyOffset: number;
  /** The part's body as latin1 text (one char per byte; binary parts are kept exactly). */
  body: string;
  /** Nested parts when this part is itself multipart. */
  parts?: MimePart[];
}

export interface Multipart {
  boundary: string;
  parts: MimePart[];
  issues: SipIssue[];
}

const MAX_DEPTH = 4;

/** Parameters of a Content-Type value (`multipart/mixed;boundary="x"` → `{boundary: 'x'}`). */
export function mediaParams(s: string, start = 0, end = s.length): Params {
  const out: Params = {};
  const semi = s.indexOf(';', start);
  if (semi >= 0 && semi < end) parseParams(s, semi, end, out, null);
  return out;
}

/**
 * Finds a delimiter line `--boundary` at or after `from`: at a line start and
 * followed by "--", transport padding (SP/HTAB) or the line end, so that a
 * body line like "--boundaryX" does not count. Returns its index or -1.
 */
function findDelimiter(s: string, dash: string, from: number, end: number): number {
  let i = s.indexOf(dash, from);
  while (i >= 0 && i < end) {
    const after = i + dash.length;
    const c = after < end ? s.charCodeAt(after) : 0x0a;
    const endsLine = c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09 || c === 0x2d;
    if ((i === from || s.charCodeAt(i - 1) === 0x0a) && endsLine) return i;
    i = s.indexOf(dash, i + 1);
  }
  return -1;
}

/**
 * Parses the multipart body `s[start, end)` whose boundary is given. `s` is
 * the whole message text, so offsets are message offsets.
 */
export function parseMultipart(s: string, boundary: string, start = 0, end = s.length, depth = 0): Multipart {
  const issues: SipIssue[] = [];
  const parts: MimePart[] = [];
  const dash = `--${boundary}`;
  let d = findDelimiter(s, dash, start, end);
  if (boundary === '' || d < 0) {
    addIssue(
      issues,
      'multipart.no-boundary',
      'error',
      `boundary "${boundary}" not found (RFC 2046 §5.1.1)`,
      start,
      end - start,
    );
    return { boundary, parts, issues };
  }
  for (;;) {
    const i = d + dash.length;
    if (s.startsWith('--', i)) return { boundary, parts, issues }; // close-delimiter
    const nl = s.indexOf('\n', i);
    if (nl < 0 || nl >= end) break;
    const partStart = nl + 1;
    const next = findDelimiter(s, dash, partStart, end);
    let partEnd = next < 0 ? end : next;
    if (next >= 0) {
      // The line break before the delimiter belongs to the delimiter.
      partEnd = next - 1;
      if (partEnd > partStart && s.charCodeAt(partEnd - 1) === 0x0d) partEnd--;
      if (partEnd < partStart) partEnd = partStart;
    }
    parts.push(parsePart(s, partStart, partEnd, depth, issues));
    if (next < 0) break;
    d = next;
  }
  addIssue(
    issues,
    'multipart.unterminated',
    'error',
    `no close-delimiter "--${boundary}--" (RFC 2046 §5.1.1)`,
    end,
    0,
  );
  return { boundary, parts, issues };
}

function parsePart(s: string, start: number, end: number, depth: number, issues: SipIssue[]): MimePart {
  const headers: MimeHeader[] = [];
  let pos = start;
  let bodyOffset = end;
  while (pos < end) {
    const nl = s.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl >= end ? end : nl;
    const contentEnd = lineEnd > pos && s.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) {
      bodyOffset = Math.min(lineEnd + 1, end);
      break;
    }
    let extEnd = contentEnd;
    let after = lineEnd + 1;
    while (after < end && (s.charCodeAt(after) === 0x20 || s.charCodeAt(after) === 0x09)) {
      const nl2 = s.indexOf('\n', after);
      const le = nl2 < 0 || nl2 >= end ? end : nl2;
      extEnd = le > after && s.charCodeAt(le - 1) === 0x0d ? le - 1 : le;
      after = le + 1;
    }
    const colon = s.indexOf(':', pos);
    if (colon < 0 || colon >= contentEnd) {
      addIssue(
        issues,
        'multipart.header',
        'error',
        'body part header line without ":" (RFC 2045 §3)',
        pos,
        extEnd - pos,
      );
    } else {
      const name = s.slice(pos, trimLwsEnd(s, pos, colon));
      const vs = skipLws(s, colon + 1, extEnd);
      const ve = trimLwsEnd(s, vs, extEnd);
      headers.push({
        name,
        key: headerKey(name),
        value: s.slice(vs, ve).replace(/[ \t]*\r?\n[ \t]*/g, ' '),
        offset: pos,
        length: ve - pos,
      });
    }
    pos = after;
  }
  let type = 'text/plain';
  let params: Params = {};
  for (const h of headers) {
    if (h.key !== 'content-type') continue;
    const slash = /^\s*([^\s/;]+)\s*\/\s*([^\s;]+)/.exec(h.value);
    if (slash !== null) type = `${slash[1]}/${slash[2]}`.toLowerCase();
    params = mediaParams(h.value);
    break;
  }
  const part: MimePart = {
    headers,
    contentType: type,
    contentTypeParams: params,
    offset: start,
    length: end - start,
    bodyOffset,
    body: s.slice(bodyOffset, end),
  };
  const b = params.boundary;
  if (type.startsWith('multipart/') && typeof b === 'string' && depth < MAX_DEPTH) {
    const inner = parseMultipart(s, b, bodyOffset, end, depth + 1);
    part.parts = inner.parts;
    for (const i of inner.issues) issues.push(i);
  }
  return part;
}

/** The message body split into parts when its Content-Type is multipart/*; undefined otherwise. */
export function multipartOf(m: SipMessage): Multipart | undefined {
  const type = contentType(m);
  if (type === undefined || !type.startsWith('multipart/')) return undefined;
  const f = firstField(m, 'content-type')!;
  const boundary = mediaParams(m.text, f.valueOffset, valueEnd(f)).boundary;
  return parseMultipart(
    m.text,
    typeof boundary === 'string' ? boundary : '',
    m.bodyOffset,
    m.bodyOffset + m.body.length,
  );
}
