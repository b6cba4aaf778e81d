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

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function sdpIssue(issues: SipIssue[], code: string, message: string, line: SdpLine | null, at: number): void {
  addIssue(issues, code, 'error', message, line ? line.offset : at, line ? line.length : 0);
}

/** c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). */
function connection(l: SdpLine, issues: SipIssue[]): SdpConnection | undefined {
  const f = l.value.split(' ');
  if (f.length !== 3 || f[2] === '') {
    sdpIssue(issues, 'sdp.connection', `c= is not "<nettype> <addrtype> <address>" (RFC 8866 §5.7)`, l, 0);
    return undefined;
  }
  const [address, a, b] = f[2].split('/');
  const c: SdpConnection = { netType: f[0], addrType: f[1], address, offset: l.offset };
  if (f[1].toUpperCase() === 'IP4' && a !== undefined) {
    c.ttl = Number(a);
    if (b !== undefined) c.count = Number(b);
  } else if (a !== undefined) {
    c.count = Number(a);
  }
  return c;
}

/** a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6). */
function rtpmap(a: SdpAttribute, l: SdpLine, issues: SipIssue[]): [string, SdpRtpMap] | undefined {
  const m = /^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?\s*$/.exec(a.value ?? '');
  if (m === null) {
    sdpIssue(
      issues,
      'sdp.attribute',
      'a=rtpmap is not "<pt> <encoding>/<clock rate>[/<channels>]" (RFC 8866 §6.6)',
      l,
      0,
    );
    return undefined;
  }
  const r: SdpRtpMap = {
    payloadType: Number(m[1]),
    encoding: m[2],
    clockRate: Number(m[3]),
    offset: l.offset,
  };
  if (m[4] !== undefined) r.channels = Number(m[4]);
  return [m[1], r];
}

/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14). */
function mediaLine(l: SdpLine, issues: SipIssue[], session: Sdp): SdpMedia {
  const f = l.value.split(' ').filter((x) => x !== '');
  const pm = /^(\d+)(?:\/(\d+))?$/.exec(f[1] ?? '');
  if (f.length < 3 || pm === null || Number(pm[1]) > 65535) {
    sdpIssue(
      issues,
      'sdp.media',
      'm= is not "<media> <port>[/<count>] <proto> <fmt> ..." (RFC 8866 §5.14)',
      l,
      0,
    );
  }
  const md: SdpMedia = {
    media: f[0] ?? '',
    port: pm ? Number(pm[1]) : 0,
    proto: f[2] ?? '',
    formats: f.slice(3),
    attributes: [],
    rtpmap: {},
    fmtp: {},
    direction: session.direction,
    offset: l.offset,
    length: l.length,
  };
  if (pm?.[2] !== undefined) md.portCount = Number(pm[2]);
  return md;
}

/**
 * Parses an SDP text. `baseOffset` is where the text starts in the message
 * (so offsets are message offsets); lines may end in CRLF or LF.
 */
export function parseSdp(text: string, baseOffset = 0): Sdp {
  const sdp: Sdp = { times: [], attributes: [], direction: 'sendrecv', media: [], lines: [], issues: [] };
  const issues = sdp.issues;
  let sessionDir: SdpDirection | undefined;
  let cur: SdpMedia | undefined;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? n : nl;
    const ce = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    const lineStart = pos;
    pos = nl < 0 ? n : nl + 1;
    if (ce === lineStart) continue; // blank line (often a trailing CRLF)
    if (ce - lineStart < 2 || text.charCodeAt(lineStart + 1) !== 0x3d) {
      addIssue(
        issues,
        'sdp.line',
        'error',
        'line is not "<type>=<value>" (RFC 8866 §5)',
        baseOffset + lineStart,
        ce - lineStart,
      );
      continue;
    }
    const l: SdpLine = {
      type: text[lineStart],
      value: text.slice(lineStart + 2, ce),
      offset: baseOffset + lineStart,
      length: ce - lineStart,
    };
    if (sdp.lines.length === 0 && l.type !== 'v') {
      sdpIssue(issues, 'sdp.version', 'an SDP description starts with "v=" (RFC 8866 §5)', l, 0);
    }
    sdp.lines.push(l);
    switch (l.type) {
      case 'v':
        sdp.version = Number(l.value);
        if (l.value !== '0')
          sdpIssue(issues, 'sdp.version', `v=${l.value}: only version 0 exists (RFC 8866 §5.1)`, l, 0);
        break;
      case 'o': {
        const f = l.value.split(' ');
        if (f.length !== 6) sdpIssue(issues, 'sdp.origin', 'o= needs 6 fields (RFC 8866 §5.2)', l, 0);
        else {
          sdp.origin = {
            username: f[0],
            sessionId: f[1],
            sessionVersion: f[2],
            netType: f[3],
            addrType: f[4],
            address: f[5],
            offset: l.offset,
          };
        }
        break;
      }
      case 's':
        sdp.sessionName = l.value;
        break;
      case 'c': {
        const c = connection(l, issues);
        if (c === undefined) break;
        if (cur !== undefined) {
          cur.connection = c;
          cur.connectionLevel = 'media';
        } else sdp.connection = c;
        break;
      }
      case 't': {
        const t = /^(\d+) (\d+)$/.exec(l.value);
        if (t === null) sdpIssue(issues, 'sdp.time', 't= is not "<start> <stop>" (RFC 8866 §5.9)', l, 0);
        else sdp.times.push({ start: Number(t[1]), stop: Number(t[2]) });
        break;
      }
      case 'm':
        cur = mediaLine(l, issues, sdp);
        sdp.media.push(cur);
        break;
      case 'a': {
        const colon = l.value.indexOf(':');
        const a: SdpAttribute =
          colon < 0
            ? { name: l.value, offset: l.offset }
            : { name: l.value.slice(0, colon), value: l.value.slice(colon + 1), offset: l.offset };
        if (DIRECTIONS.has(a.name)) {
          if (cur !== undefined) cur.direction = a.name as SdpDirection;
          else sessionDir = a.name as SdpDirection;
        }
        if (cur === undefined) {
          sdp.attributes.push(a);
          break;
        }
        cur.attributes.push(a);
        if (a.name === 'rtpmap') {
          const r = rtpmap(a, l, issues);
          if (r !== undefined) cur.rtpmap[r[0]] = r[1];
        } else if (a.name === 'fmtp' && a.value !== undefined) {
          const sp = a.value.indexOf(' ');
          cur.fmtp[sp < 0 ? a.value : a.value.slice(0, sp)] = sp < 0 ? '' : a.value.slice(sp + 1).trim();
        }
        break;
      }
      default:
        break;
    }
    if (cur !== undefined) cur.length = l.offset + l.length - cur.offset;
  }
  if (sessionDir !== undefined) {
    // Media without their own direction attribute inherit the session's.
    for (const md of sdp.media) {
      if (!md.attributes.some((a) => DIRECTIONS.has(a.name))) md.direction = sessionDir;
    }
    sdp.direction = sessionDir;
  }
  for (const md of sdp.media) {
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
  if (sdp.lines.length > 0) {
    for (const t of ['o', 's', 't']) {
      if (!sdp.lines.some((l) => l.type === t)) {
        addIssue(
          issues,
          'sdp.missing-field',
          'error',
          `required "${t}=" line is missing (RFC 8866 §5)`,
          baseOffset,
          0,
        );
      }
    }
  }
  return sdp;
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
    sdp = parseSdp(m.text.slice(m.bodyOffset, m.bodyOffset + m.body.length), m.bodyOffset);
  } else if (type?.startsWith('multipart/')) {
    const mp = multipartOf(m);
    const part = mp ? findSdpPart(mp.parts) : undefined;
    if (part !== undefined) sdp = parseSdp(part.body, part.bodyOffset);
  }
  c.sdp = sdp;
  return sdp ?? undefined;
}
