/**
 * SDP (RFC 8866, which obsoletes RFC 4566): the session description carried
 * in INVITE/200/ACK/UPDATE/PRACK bodies (RFC 3264 offer/answer).
 *
 *   "An SDP description consists of a number of lines of text of the form
 *    <type>=<value> where <type> MUST be exactly one case-significant
 *    character and <value> is structured text" (RFC 8866 §5)
 *
 * Every line keeps its byte offset (`baseOffset` + index in the text), so the
 * UI can highlight it in the message. SDP problems are reported in
 * `Sdp.issues`, not in the SIP message's issues.
 */
import { contentType } from './accessors.js';
import { addIssue } from './issue.js';
import type { SipIssue, SipMessage } from './message.js';
import { cacheOf } from './message-cache.js';
import { type MimePart, multipartOf } from './multipart.js';

export interface SdpLine {
  /** The one-char type: `v`, `o`, `s`, `c`, `t`, `m`, `a`, `b`... */
  type: string;
  value: string;
  offset: number;
  length: number;
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
  offset: number;
}

export interface SdpConnection {
  netType: string;
  /** `IP4` or `IP6`. */
  addrType: string;
  /** Address without the /ttl and /count suffixes. */
  address: string;
  ttl?: number;
  count?: number;
  offset: number;
}

export interface SdpAttribute {
  name: string;
  /** Text after the first ":"; absent for a property attribute (`a=sendonly`). */
  value?: string;
  offset: number;
}

export interface SdpRtpMap {
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number;
  offset: number;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpMedia {
  /** `audio`, `video`, `image`, `application`, `text`, `message`. */
  media: string;
  /** 0 means the stream is rejected or disabled (RFC 3264 §6). */
  port: number;
  portCount?: number;
  /** e.g. `RTP/AVP`, `RTP/SAVP`, `udptl`. */
  proto: string;
  formats: string[];
  /** The c= that applies: the media's own, else the session's. */
  connection?: SdpConnection;
  connectionLevel?: 'media' | 'session';
  attributes: SdpAttribute[];
  /** a=rtpmap by payload type (as written in `formats`). */
  rtpmap: Record<string, SdpRtpMap>;
  /** a=fmtp parameters by format. */
  fmtp: Record<string, string>;
  /** The direction that applies: media-level attribute, else session-level, else sendrecv. */
  direction: SdpDirection;
  offset: number;
  length: number;
}

export interface Sdp {
  version?: number;
  origin?: SdpOrigin;
  sessionName?: string;
  /** Session-level c=. */
  connection?: SdpConnection;
  times: Array<{ start: number; stop: number }>;
  /** Session-level attributes. */
  attributes: SdpAttribute[];
  /** Session-level direction (sendrecv when no attribute says otherwise, RFC 8866 §6.7). */
  direction: SdpDirection;
  media: SdpMedia[];
  lines: SdpLine[];
  issues: SipIssue[];
}

/** An SDP issue spanning the line at message offset `offset`, `length` chars long. */
function sdpIssue(issues: SipIssue[], code: string, message: string, offset: number, length: number): void {
  addIssue(issues, code, 'error', message, offset, length);
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The direction attribute called `name` as its constant; undefined for any other name. */
function directionOf(name: string): SdpDirection | undefined {
  if (name.length !== 8) return undefined;
  for (let k = 0; k < DIRECTIONS.length; k++) if (name === DIRECTIONS[k]) return DIRECTIONS[k];
  return undefined;
}

/** Above this much text after `from`, `indexIn` loops by hand rather than letting indexOf run past `end`. */
const INDEXOF_SPAN = 4096;

/** Index of the first `c` (one char) in `s[from, end)`, or `end`. */
function indexIn(s: string, c: string, from: number, end: number): number {
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
function countIn(s: string, c: string, from: number, end: number): number {
  let n = 0;
  for (let i = indexIn(s, c, from, end); i < end; i = indexIn(s, c, i + 1, end)) n++;
  return n;
}

/**
 * The value of the decimal digits `s[start, end)` (all digits, at least one),
 * as `Number()` reads them; -1 when the range is empty or holds a non-digit.
 */
function digitsValue(s: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  // Beyond 15 digits the running sum may round differently from Number()'s.
  return end - start > 15 ? Number(s.slice(start, end)) : n;
}

/** Index after the digits from `i`. */
function skipDigits(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** `\s` of a JavaScript regular expression, restricted to latin1: HT LF VT FF CR SP NBSP. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7); the value is `s[vs, ve)`. */
function connection(
  s: string,
  vs: number,
  ve: number,
  lo: number,
  ll: number,
  issues: SipIssue[],
): SdpConnection | undefined {
  const sp1 = indexIn(s, ' ', vs, ve);
  const sp2 = sp1 < ve ? indexIn(s, ' ', sp1 + 1, ve) : ve;
  // Exactly three fields split at single spaces, the last one not empty.
  if (sp2 >= ve || sp2 + 1 >= ve || indexIn(s, ' ', sp2 + 1, ve) < ve) {
    sdpIssue(issues, 'sdp.connection', `c= is not "<nettype> <addrtype> <address>" (RFC 8866 §5.7)`, lo, ll);
    return undefined;
  }
  const as = sp2 + 1;
  const slash1 = indexIn(s, '/', as, ve);
  const c: SdpConnection = {
    netType: token(s, vs, sp1),
    addrType: token(s, sp1 + 1, sp2),
    address: s.slice(as, slash1),
    offset: lo,
  };
  if (slash1 < ve) {
    // <base multicast address>[/<ttl>]/<number of addresses>
    const slash2 = indexIn(s, '/', slash1 + 1, ve);
    const a = Number(s.slice(slash1 + 1, slash2));
    const ip4 =
      sp2 - sp1 === 4 &&
      (s.charCodeAt(sp1 + 1) | 0x20) === 0x69 &&
      (s.charCodeAt(sp1 + 2) | 0x20) === 0x70 &&
      s.charCodeAt(sp1 + 3) === 0x34;
    if (ip4) {
      c.ttl = a;
      if (slash2 < ve) c.count = Number(s.slice(slash2 + 1, indexIn(s, '/', slash2 + 1, ve)));
    } else {
      c.count = a;
    }
  }
  return c;
}

/**
 * a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
 * (RFC 8866 §6.6), read from `s[vs, ve)` (the attribute value) as the pattern
 * `^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?\s*$` would. Returns the entry, or
 * undefined after an issue.
 */
function rtpmap(
  s: string,
  vs: number,
  ve: number,
  lo: number,
  ll: number,
  issues: SipIssue[],
): SdpRtpMap | undefined {
  const pe = skipDigits(s, vs, ve);
  let i = skipSpace(s, pe, ve);
  const es = i;
  while (i < ve) {
    const c = s.charCodeAt(i);
    if (c === 0x2f || isSpace(c)) break;
    i++;
  }
  const ee = i;
  let ok = pe > vs && es > pe && ee > es && i < ve && s.charCodeAt(i) === 0x2f;
  let cs = 0;
  let ce = 0;
  let ns = -1;
  let ne = -1;
  if (ok) {
    cs = i + 1;
    ce = skipDigits(s, cs, ve);
    i = ce;
    if (i < ve && s.charCodeAt(i) === 0x2f) {
      ns = i + 1;
      ne = skipDigits(s, ns, ve);
      i = ne;
    }
    ok = ce > cs && (ns < 0 || ne > ns) && skipSpace(s, i, ve) === ve;
  }
  if (!ok) {
    sdpIssue(
      issues,
      'sdp.attribute',
      'a=rtpmap is not "<pt> <encoding>/<clock rate>[/<channels>]" (RFC 8866 §6.6)',
      lo,
      ll,
    );
    return undefined;
  }
  const r: SdpRtpMap = {
    payloadType: digitsValue(s, vs, pe),
    encoding: s.slice(es, ee),
    clockRate: digitsValue(s, cs, ce),
    offset: lo,
  };
  if (ns >= 0) r.channels = digitsValue(s, ns, ne);
  return r;
}

/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14); the value is `s[vs, ve)`. */
function mediaLine(
  s: string,
  vs: number,
  ve: number,
  lo: number,
  ll: number,
  issues: SipIssue[],
  session: Sdp,
): SdpMedia {
  // Fields are separated by SP; runs of SP count as one (empty fields are dropped).
  let media = '';
  let proto = '';
  let ps = -1;
  let pe = -1;
  let fields = 0;
  let formats: string[] = [];
  let i = vs;
  while (i < ve) {
    const sp = indexIn(s, ' ', i, ve);
    if (sp > i) {
      if (fields === 0) media = token(s, i, sp);
      else if (fields === 1) {
        ps = i;
        pe = sp;
      } else if (fields === 2) proto = token(s, i, sp);
      else formats = pushed(formats, s.slice(i, sp));
      fields++;
    }
    i = sp + 1;
  }
  // <port>[/<count>]: /^(\d+)(?:\/(\d+))?$/
  let port = -1;
  let count = -1;
  if (ps >= 0) {
    const de = skipDigits(s, ps, pe);
    if (de > ps) {
      if (de === pe) port = digitsValue(s, ps, de);
      else if (s.charCodeAt(de) === 0x2f && skipDigits(s, de + 1, pe) === pe && pe > de + 1) {
        port = digitsValue(s, ps, de);
        count = digitsValue(s, de + 1, pe);
      }
    }
  }
  if (fields < 3 || port < 0 || port > 65535) {
    sdpIssue(
      issues,
      'sdp.media',
      'm= is not "<media> <port>[/<count>] <proto> <fmt> ..." (RFC 8866 §5.14)',
      lo,
      ll,
    );
  }
  const md: SdpMedia = {
    media,
    port: Math.max(port, 0),
    proto,
    formats,
    attributes: [],
    rtpmap: {},
    fmtp: {},
    direction: session.direction,
    offset: lo,
    length: ll,
  };
  if (count >= 0) md.portCount = count;
  return md;
}

/** t=<start time> <stop time>, both decimal (RFC 8866 §5.9): /^(\d+) (\d+)$/. */
function timing(s: string, vs: number, ve: number): { start: number; stop: number } | undefined {
  const a = skipDigits(s, vs, ve);
  if (a === vs || a >= ve || s.charCodeAt(a) !== 0x20) return undefined;
  const b = skipDigits(s, a + 1, ve);
  if (b === a + 1 || b !== ve) return undefined;
  return { start: digitsValue(s, vs, a), stop: digitsValue(s, a + 1, b) };
}

/** The attribute `a=<name>[:<value>]` with its value at `s[vs, ve)`. */
function attribute(s: string, vs: number, ve: number, offset: number): SdpAttribute {
  const colon = indexIn(s, ':', vs, ve);
  if (colon === ve) return { name: attributeName(s, vs, ve), offset };
  return { name: attributeName(s, vs, colon), value: s.slice(colon + 1, ve), offset };
}

/**
 * Tokens seen in nearly every SDP (nettype, addrtype, media, proto), handed
 * out as constants rather than sliced anew for each description.
 */
const TOKENS = ['IN', 'IP4', 'IP6', 'audio', 'video', 'image', 'RTP/AVP', 'RTP/SAVP', 'RTP/AVPF', 'udptl'];

/** `s.slice(start, end)`, as the constant from TOKENS when it is one. */
function token(s: string, start: number, end: number): string {
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
function pushed<T>(a: T[], x: T): T[] {
  if (a.length === 0) return [x];
  a.push(x);
  return a;
}

/** Attribute names seen in nearly every SDP, handed out as constants. */
const ATTRIBUTE_NAMES = ['rtpmap', 'fmtp', 'ptime', 'maxptime', 'rtcp', 'sendrecv', 'sendonly', 'recvonly'];

function attributeName(s: string, start: number, end: number): string {
  return constantOf(ATTRIBUTE_NAMES, s, start, end);
}

/**
 * Parses an SDP text. `baseOffset` is where the text starts in the message
 * (so offsets are message offsets); lines may end in CRLF or LF.
 */
export function parseSdp(text: string, baseOffset = 0): Sdp {
  return parseSdpRange(text, 0, text.length, baseOffset);
}

/**
 * The lines of `s[start, end)` that have the form `<type>=<value>` (blank and
 * malformed lines are left out; `parseSdpRange` reports the malformed ones).
 */
function sdpLines(s: string, start: number, end: number, base: number): SdpLine[] {
  const lines: SdpLine[] = [];
  let pos = start;
  while (pos < end) {
    const lineEnd = indexIn(s, '\n', pos, end);
    const ce = lineEnd > pos && s.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    const lineStart = pos;
    pos = lineEnd < end ? lineEnd + 1 : end;
    if (ce - lineStart < 2 || s.charCodeAt(lineStart + 1) !== 0x3d) continue;
    lines.push({
      type: s[lineStart],
      value: s.slice(lineStart + 2, ce),
      offset: base + lineStart,
      length: ce - lineStart,
    });
  }
  return lines;
}

/**
 * A parsed SDP whose `lines` are only built when first read: nothing in the
 * analysis reads them, and one object plus one string per line was most of
 * what parsing allocated. `lines` is an own enumerable property (an accessor,
 * in the same key order as before) so `Object.entries`, spreads and
 * `JSON.stringify` still see it.
 */
class LazySdp implements Sdp {
  declare version?: number;
  declare origin?: SdpOrigin;
  declare sessionName?: string;
  declare connection?: SdpConnection;
  declare times: Array<{ start: number; stop: number }>;
  declare attributes: SdpAttribute[];
  declare direction: SdpDirection;
  declare media: SdpMedia[];
  declare lines: SdpLine[];
  declare issues: SipIssue[];
  readonly #text: string;
  readonly #start: number;
  readonly #end: number;
  readonly #base: number;
  #lines: SdpLine[] | undefined;

  constructor(text: string, start: number, end: number, base: number) {
    this.times = [];
    this.attributes = [];
    this.direction = 'sendrecv';
    this.media = [];
    Object.defineProperty(this, 'lines', LAZY_LINES);
    this.issues = [];
    this.#text = text;
    this.#start = start;
    this.#end = end;
    this.#base = base;
  }

  /** The lines of `d`, scanned from its text on the first call. */
  static linesOf(d: LazySdp): SdpLine[] {
    if (d.#lines === undefined) d.#lines = sdpLines(d.#text, d.#start, d.#end, d.#base);
    return d.#lines;
  }
}

/** One descriptor (and one getter) shared by every `LazySdp`, so they all keep one hidden class. */
const LAZY_LINES: PropertyDescriptor = {
  get(this: LazySdp): SdpLine[] {
    return LazySdp.linesOf(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * `parseSdp` of `s[start, end)` without slicing it out first; offsets are
 * `base + index in s` (so `base` is 0 when `s` is the whole message text).
 */
function parseSdpRange(s: string, start: number, end: number, base: number): Sdp {
  const sdp: Sdp = new LazySdp(s, start, end, base);
  const issues = sdp.issues;
  let sessionDir: SdpDirection | undefined;
  let cur: SdpMedia | undefined;
  /** Media whose own attributes include a direction. */
  let ownDirection: SdpMedia[] | undefined;
  /** How many `<type>=<value>` lines were seen (the length `sdp.lines` will have). */
  let lineCount = 0;
  let seenO = false;
  let seenS = false;
  let seenT = false;
  let pos = start;
  while (pos < end) {
    const lineEnd = indexIn(s, '\n', pos, end);
    const ce = lineEnd > pos && s.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    const lineStart = pos;
    pos = lineEnd < end ? lineEnd + 1 : end;
    if (ce === lineStart) continue; // blank line (often a trailing CRLF)
    if (ce - lineStart < 2 || s.charCodeAt(lineStart + 1) !== 0x3d) {
      addIssue(
        issues,
        'sdp.line',
        'error',
        'line is not "<type>=<value>" (RFC 8866 §5)',
        base + lineStart,
        ce - lineStart,
      );
      continue;
    }
    const vs = lineStart + 2;
    const type = s.charCodeAt(lineStart);
    /** The line's message offset and length (its span in issues and records). */
    const lo = base + lineStart;
    const ll = ce - lineStart;
    if (lineCount === 0 && type !== 0x76) {
      sdpIssue(issues, 'sdp.version', 'an SDP description starts with "v=" (RFC 8866 §5)', lo, ll);
    }
    lineCount++;
    switch (type) {
      case 0x76: // v
        if (ce - vs === 1 && s.charCodeAt(vs) === 0x30) sdp.version = 0;
        else {
          const value = s.slice(vs, ce);
          sdp.version = Number(value);
          sdpIssue(issues, 'sdp.version', `v=${value}: only version 0 exists (RFC 8866 §5.1)`, lo, ll);
        }
        break;
      case 0x6f: {
        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
        seenO = true;
        if (countIn(s, ' ', vs, ce) !== 5)
          sdpIssue(issues, 'sdp.origin', 'o= needs 6 fields (RFC 8866 §5.2)', lo, ll);
        else {
          const e1 = indexIn(s, ' ', vs, ce);
          const e2 = indexIn(s, ' ', e1 + 1, ce);
          const e3 = indexIn(s, ' ', e2 + 1, ce);
          const e4 = indexIn(s, ' ', e3 + 1, ce);
          const e5 = indexIn(s, ' ', e4 + 1, ce);
          sdp.origin = {
            username: s.slice(vs, e1),
            sessionId: s.slice(e1 + 1, e2),
            sessionVersion: s.slice(e2 + 1, e3),
            netType: token(s, e3 + 1, e4),
            addrType: token(s, e4 + 1, e5),
            address: s.slice(e5 + 1, ce),
            offset: lo,
          };
        }
        break;
      }
      case 0x73: // s
        seenS = true;
        sdp.sessionName = s.slice(vs, ce);
        break;
      case 0x63: {
        // c
        const c = connection(s, vs, ce, lo, ll, issues);
        if (c === undefined) break;
        if (cur !== undefined) {
          cur.connection = c;
          cur.connectionLevel = 'media';
        } else sdp.connection = c;
        break;
      }
      case 0x74: {
        // t
        seenT = true;
        const t = timing(s, vs, ce);
        if (t === undefined)
          sdpIssue(issues, 'sdp.time', 't= is not "<start> <stop>" (RFC 8866 §5.9)', lo, ll);
        else sdp.times = pushed(sdp.times, t);
        break;
      }
      case 0x6d: // m
        cur = mediaLine(s, vs, ce, lo, ll, issues, sdp);
        sdp.media = pushed(sdp.media, cur);
        break;
      case 0x61: {
        // a
        const a = attribute(s, vs, ce, lo);
        const direction = directionOf(a.name);
        if (direction !== undefined) {
          if (cur !== undefined) {
            cur.direction = direction;
            if (ownDirection === undefined) ownDirection = [cur];
            else ownDirection.push(cur);
          } else sessionDir = direction;
        }
        if (cur === undefined) {
          sdp.attributes = pushed(sdp.attributes, a);
          break;
        }
        cur.attributes = pushed(cur.attributes, a);
        if (a.name === 'rtpmap') {
          // Without a value (no ":") it is checked as an empty one.
          const from = a.value === undefined ? ce : vs + 7;
          const r = rtpmap(s, from, ce, lo, ll, issues);
          if (r !== undefined) cur.rtpmap[s.slice(from, skipDigits(s, from, ce))] = r;
        } else if (a.name === 'fmtp' && a.value !== undefined) {
          const v = a.value;
          const sp = v.indexOf(' ');
          cur.fmtp[sp < 0 ? v : v.slice(0, sp)] = sp < 0 ? '' : v.slice(sp + 1).trim();
        }
        break;
      }
      default:
        break;
    }
    if (cur !== undefined) cur.length = lo + ll - cur.offset;
  }
  const media = sdp.media;
  if (sessionDir !== undefined) {
    // Media without their own direction attribute inherit the session's.
    for (let k = 0; k < media.length; k++) {
      const md = media[k];
      if (ownDirection === undefined || ownDirection.indexOf(md) < 0) md.direction = sessionDir;
    }
    sdp.direction = sessionDir;
  }
  for (let k = 0; k < media.length; k++) {
    const md = media[k];
    if (md.connection === undefined && sdp.connection !== undefined) {
      md.connection = sdp.connection;
      md.connectionLevel = 'session';
    }
    // RFC 8866 §5.7: "A session description MUST contain either at least one "c=" line in
    // each media description or a single "c=" line at the session level."
    if (md.connection === undefined) {
      addIssue(
        issues,
        'sdp.connection',
        'error',
        'media has no c= line and the session has none (RFC 8866 §5.7)',
        md.offset,
        md.length,
      );
    }
  }
  if (lineCount > 0) {
    if (!seenO) missingLine(issues, 'o', base + start);
    if (!seenS) missingLine(issues, 's', base + start);
    if (!seenT) missingLine(issues, 't', base + start);
  }
  return sdp;
}

function missingLine(issues: SipIssue[], t: string, offset: number): void {
  addIssue(issues, 'sdp.missing-field', 'error', `required "${t}=" line is missing (RFC 8866 §5)`, offset, 0);
}

function findSdpPart(parts: MimePart[]): MimePart | undefined {
  for (const p of parts) {
    if (p.contentType === 'application/sdp') return p;
    if (p.parts !== undefined) {
      const inner = findSdpPart(p.parts);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/**
 * The SDP of a message: its body when Content-Type is application/sdp, or the
 * first application/sdp part of a multipart body (RFC 5621). Memoised.
 */
export function sdpOf(m: SipMessage): Sdp | undefined {
  const c = cacheOf(m);
  const hit = c.sdp as Sdp | null | undefined;
  if (hit !== undefined) return hit ?? undefined;
  let sdp: Sdp | null = null;
  const type = contentType(m);
  // RFC 3261 §20.15: Content-Type "MUST be present if the body is not empty". Some
  // user agents omit it anyway; a body starting with "v=0" is then taken as SDP
  // (knowingly lenient: the analysis reports the missing header, the SDP still counts).
  const bare = type === undefined && m.body.length > 3 && m.text.startsWith('v=0', m.bodyOffset);
  if ((type === 'application/sdp' || bare) && m.body.length > 0) {
    sdp = parseSdpRange(m.text, m.bodyOffset, m.bodyOffset + m.body.length, 0);
  } else if (type?.startsWith('multipart/')) {
    const mp = multipartOf(m);
    const part = mp ? findSdpPart(mp.parts) : undefined;
    if (part !== undefined) sdp = parseSdp(part.body, part.bodyOffset);
  }
  c.sdp = sdp;
  return sdp ?? undefined;
}
