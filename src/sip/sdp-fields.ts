/**
 * The SDP lines with structure (RFC 8866 §5): c=, m=, t=, a= and a=rtpmap,
 * each read from `s[vs, ve)` (the value after "<type>=") with its problems
 * reported as issues on the description.
 */
import { addIssue } from './issue.js';
import type { SipIssue } from './message.js';
import type { Sdp, SdpAttribute, SdpConnection, SdpDirection, SdpMedia, SdpRtpMap } from './sdp-model.js';
import {
  attributeName,
  digitsValue,
  indexIn,
  isSpace,
  pushed,
  skipDigits,
  skipSpace,
  token,
} from './sdp-text.js';

/** An SDP issue spanning the line at message offset `offset`, `length` chars long. */
export function sdpIssue(
  issues: SipIssue[],
  code: string,
  message: string,
  offset: number,
  length: number,
): void {
  addIssue(issues, code, 'error', message, offset, length);
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The direction attribute called `name` as its constant; undefined for any other name. */
export function directionOf(name: string): SdpDirection | undefined {
  if (name.length !== 8) return undefined;
  for (let k = 0; k < DIRECTIONS.length; k++) if (name === DIRECTIONS[k]) return DIRECTIONS[k];
  return undefined;
}
/** c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7); the value is `s[vs, ve)`. */
export function connection(
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
export function rtpmap(
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
export function mediaLine(
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
    // Keyed by formats from the capture (any token, `constructor` too): no prototype to find them in.
    rtpmap: Object.create(null),
    fmtp: Object.create(null),
    direction: session.direction,
    offset: lo,
    length: ll,
  };
  if (count >= 0) md.portCount = count;
  return md;
}

/** t=<start time> <stop time>, both decimal (RFC 8866 §5.9): /^(\d+) (\d+)$/. */
export function timing(s: string, vs: number, ve: number): { start: number; stop: number } | undefined {
  const a = skipDigits(s, vs, ve);
  if (a === vs || a >= ve || s.charCodeAt(a) !== 0x20) return undefined;
  const b = skipDigits(s, a + 1, ve);
  if (b === a + 1 || b !== ve) return undefined;
  return { start: digitsValue(s, vs, a), stop: digitsValue(s, a + 1, b) };
}

/** The attribute `a=<name>[:<value>]` with its value at `s[vs, ve)`. */
export function attribute(s: string, vs: number, ve: number, offset: number): SdpAttribute {
  const colon = indexIn(s, ':', vs, ve);
  if (colon === ve) return { name: attributeName(s, vs, ve), offset };
  return { name: attributeName(s, vs, colon), value: s.slice(colon + 1, ve), offset };
}
