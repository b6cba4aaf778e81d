/**
 * The SIP-URI after its scheme (RFC 3261 §19.1.1, §25.1: userinfo, hostport,
 * uri-parameters, headers) and the tel URI (RFC 3966), with %-escapes
 * decoded; what is wrong becomes an issue at its byte offset.
 */
import { checkIpv6Reference } from './ip-literal.js';
import { addIssue } from './issue.js';
import type { SipIssue } from './message.js';
import { paramName, setParam } from './params.js';
import type { SipUri, TelUri } from './uri-model.js';

/**
 * RFC 3261 §19.1.2 escaped = "%" HEXDIG HEXDIG. Each escape becomes the latin1
 * char of its byte, like the rest of the model (index = byte). A "%" not
 * followed by two hex digits is kept as written.
 */
export function pctDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** hostname / IPv4address chars (alphanum "-" "."), plus "_" seen in the wild; and the chars ending a host. */
const HOST_CHAR = 1;
const HOST_END = 2;
const HOST = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const l = c | 0x20;
  if ((l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f)
    HOST[c] = HOST_CHAR;
}
HOST[0x3a] = HOST_END;
HOST[0x3b] = HOST_END;
HOST[0x3f] = HOST_END;

/**
 * The part of a SIP-URI after `scheme ":"` (starting at `from`): issues always,
 * fields into `uri` when it is not null.
 */
export function scanSipUri(
  s: string,
  from: number,
  base: number,
  issues: SipIssue[],
  uri: SipUri | null,
): void {
  const n = s.length;
  let i = from;
  // The user part may hold ";", "?", "," and ":" (RFC 4475 §3.1.1.2, §3.1.1.9), never
  // an unescaped "@": the first "@" ends the userinfo.
  const at = s.indexOf('@', i);
  if (at >= 0) {
    if (uri !== null) {
      const colon = s.indexOf(':', i);
      if (colon >= 0 && colon < at) {
        uri.user = pctDecode(s.slice(i, colon));
        uri.password = pctDecode(s.slice(colon + 1, at));
      } else {
        uri.user = pctDecode(s.slice(i, at));
      }
    }
    if (at === i)
      addIssue(issues, 'syntax.uri', 'error', 'empty user part before "@" (RFC 3261 §25.1)', base + i, 1);
    i = at + 1;
  }
  const hostStart = i;
  let hostLength: number;
  if (i < n && s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0) {
      addIssue(
        issues,
        'syntax.ipv6-address',
        'error',
        'IPv6 reference without "]" (RFC 3261 §25.1)',
        base + i,
        n - i,
      );
      if (uri !== null) uri.host = s.slice(i + 1);
      return;
    }
    const host = s.slice(i + 1, close);
    if (uri !== null) uri.host = host;
    checkIpv6Reference(host, issues, base + i, close + 1 - i);
    hostLength = host.length;
    i = close + 1;
  } else {
    // The host runs to ":", ";" or "?"; on the way, note whether it is all host chars.
    let hostChars = true;
    while (i < n) {
      const c = s.charCodeAt(i);
      const t = c < 0x100 ? HOST[c] : 0;
      if (t === HOST_END) break;
      if (t === 0) hostChars = false;
      i++;
    }
    let hostEnd = i;
    let hostChecked = false;
    if (i < n && s.charCodeAt(i) === 0x3a) {
      let j = i + 1;
      let colon = false;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c === 0x3b || c === 0x3f) break;
        if (c === 0x3a) colon = true;
      }
      if (colon) {
        // RFC 5118 §4.2: "sip:2001:db8::10" – an IPv6 address must be in brackets.
        hostEnd = j;
        addIssue(
          issues,
          'syntax.ipv6-unbracketed',
          'error',
          `IPv6 address "${s.slice(hostStart, j)}" must be enclosed in "[]" (RFC 3261 §25.1, RFC 5118 §4.2)`,
          base + hostStart,
          j - hostStart,
        );
        hostChecked = true;
        i = j;
      }
    }
    if (uri !== null) uri.host = s.slice(hostStart, hostEnd);
    hostLength = hostEnd - hostStart;
    if (hostLength !== 0 && !hostChecked && !hostChars) {
      addIssue(
        issues,
        'syntax.uri-host',
        'error',
        `"${s.slice(hostStart, hostEnd)}" is not a valid host (RFC 3261 §25.1)`,
        base + hostStart,
        hostLength,
      );
    }
  }
  if (hostLength === 0) {
    addIssue(issues, 'syntax.uri-host', 'error', 'URI has no host (RFC 3261 §25.1)', base + hostStart, 0);
  }
  if (i < n && s.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    let port = 0;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c < 0x30 || c > 0x39) break;
      port = port * 10 + (c - 0x30);
      j++;
    }
    const end = j;
    while (j < n && s.charCodeAt(j) !== 0x3b && s.charCodeAt(j) !== 0x3f) j++;
    if (end === i + 1 || j !== end || port > 65535) {
      addIssue(
        issues,
        'syntax.uri-port',
        'error',
        `bad port "${s.slice(i + 1, j)}" (RFC 3261 §25.1: port = 1*DIGIT, at most 65535)`,
        base + i + 1,
        j - i - 1,
      );
    }
    if (uri !== null && end > i + 1 && port <= 65535) uri.port = port;
    i = j;
  }
  // uri-parameters = *( ";" uri-parameter )
  while (i < n && s.charCodeAt(i) === 0x3b) {
    let j = i + 1;
    let eq = -1;
    let pct = false;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x3b || c === 0x3f) break;
      if (c === 0x3d && eq < 0) eq = j;
      else if (c === 0x25) pct = true;
    }
    const nameEnd = eq < 0 ? j : eq;
    if (nameEnd === i + 1) {
      addIssue(
        issues,
        'syntax.uri-param',
        'error',
        'empty URI parameter (RFC 3261 §19.1.1)',
        base + i,
        j - i,
      );
    } else if (uri !== null) {
      const name = pct ? pctDecode(s.slice(i + 1, nameEnd)).toLowerCase() : paramName(s, i + 1, nameEnd);
      setParam(uri.params, name, eq < 0 ? true : pct ? pctDecode(s.slice(eq + 1, j)) : s.slice(eq + 1, j));
    }
    i = j;
  }
  // headers = "?" header *( "&" header )
  if (i < n && s.charCodeAt(i) === 0x3f) {
    for (const h of s.slice(i + 1).split('&')) {
      const eq = h.indexOf('=');
      if (h === '' || eq <= 0) {
        addIssue(
          issues,
          'syntax.uri-header',
          'error',
          `malformed URI header "${h}" (RFC 3261 §19.1.1)`,
          base + i,
          n - i,
        );
        continue;
      }
      if (uri === null) continue;
      const name = pctDecode(h.slice(0, eq));
      if (!Object.hasOwn(uri.headers, name)) {
        Object.defineProperty(uri.headers, name, {
          value: pctDecode(h.slice(eq + 1)),
          enumerable: true,
          writable: true,
        });
      }
    }
  }
}

export function parseTelUri(s: string, from: number, base: number, issues: SipIssue[]): TelUri {
  const semi = s.indexOf(';', from);
  const number = s.slice(from, semi < 0 ? s.length : semi);
  const uri: TelUri = { kind: 'tel', scheme: 'tel', number, params: {}, raw: s, issues };
  // RFC 3966 §3: global-number-digits = "+" *phonedigit DIGIT *phonedigit, or a local number.
  if (!/^\+?[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*$/.test(number)) {
    addIssue(
      issues,
      'syntax.uri',
      'error',
      `"${number}" is not a telephone number (RFC 3966 §3)`,
      base + from,
      number.length,
    );
  }
  if (semi >= 0) {
    for (const p of s.slice(semi + 1).split(';')) {
      const eq = p.indexOf('=');
      const name = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
      if (name !== '') setParam(uri.params, name, eq < 0 ? true : pctDecode(p.slice(eq + 1)));
    }
  }
  return uri;
}
