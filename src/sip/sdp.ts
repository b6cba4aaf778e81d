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
import { attribute, connection, directionOf, mediaLine, rtpmap, sdpIssue, timing } from './sdp-fields.js';
import { LazySdp } from './sdp-lines.js';
import type { Sdp, SdpDirection, SdpMedia } from './sdp-model.js';
import { countIn, indexIn, pushed, skipDigits, token } from './sdp-text.js';

export type {
  Sdp,
  SdpAttribute,
  SdpConnection,
  SdpDirection,
  SdpLine,
  SdpMedia,
  SdpOrigin,
  SdpRtpMap,
} from './sdp-model.js';

/**
 * Parses an SDP text. `baseOffset` is where the text starts in the message
 * (so offsets are message offsets); lines may end in CRLF or LF.
 */
export function parseSdp(text: string, baseOffset = 0): Sdp {
  return parseSdpRange(text, 0, text.length, baseOffset);
}

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
