/**
 * URIs in SIP (RFC 3261 §19.1, §25.1; tel: RFC 3966):
 *
 *   SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 *   hostport = host [ ":" port ]
 *   host     = hostname / IPv4address / IPv6reference
 *
 * `parseUri` never throws: what is wrong becomes an issue, offsets counted
 * from `base` (the URI's byte offset in the message, 0 by default). Other
 * schemes are kept as written (RFC 4475 §3.3.2: unknown schemes must not
 * break a parser).
 */

import { isIpv6 } from './ip-literal.js';
import { addIssue } from './issue.js';
import type { SipIssue } from './message.js';
import { type Params, paramName, setParam } from './params.js';

export interface SipUri {
  kind: 'sip';
  scheme: 'sip' | 'sips';
  /** User part, %-escapes decoded (each escape becomes the latin1 char of its byte). */
  user?: string;
  password?: string;
  /** Host without IPv6 brackets, case kept. */
  host: string;
  port?: number;
  /** uri-parameters, names lowercased, escapes decoded; `true` for a name without value. */
  params: Params;
  /** `?name=value&...` headers, escapes decoded. */
  headers: Record<string, string>;
  raw: string;
  issues: SipIssue[];
}

export interface TelUri {
  kind: 'tel';
  scheme: 'tel';
  /** telephone-subscriber number as written, e.g. `+1-201-555-0123`. */
  number: string;
  params: Params;
  raw: string;
  issues: SipIssue[];
}

export interface OtherUri {
  kind: 'other';
  /** Lowercase scheme; empty when the text has none. */
  scheme: string;
  raw: string;
  issues: SipIssue[];
}

export type Uri = SipUri | TelUri | OtherUri;

/**
 * RFC 3261 §19.1.2 escaped = "%" HEXDIG HEXDIG. Each escape becomes the latin1
 * char of its byte, like the rest of the model (index = byte). A "%" not
 * followed by two hex digits is kept as written.
 */
export function pctDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** Length of `scheme ":"` at the start of `s` (scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), or 0. */
function schemeLength(s: string): number {
  const n = s.length;
  const c0 = s.charCodeAt(0) | 0x20;
  if (n === 0 || c0 < 0x61 || c0 > 0x7a) return 0;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3a) return i + 1;
    const l = c | 0x20;
    if (!((l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e))
      return 0;
  }
  return 0;
}

/** Index of the first whitespace, "<", ">" or DQUOTE (chars a URI must escape) in `s[start, end)`, or -1. */
export function firstUnsafe(s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x7f) return i;
  }
  return -1;
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

const SIP = 1;
const SIPS = 2;
const TEL = 3;
const OTHER = 0;

/** The scheme of `s` (whose `scheme ":"` is `sl` chars long) as one of the constants above, without slicing. */
function schemeId(s: string, sl: number): number {
  const c0 = s.charCodeAt(0) | 0x20;
  const c1 = s.charCodeAt(1) | 0x20;
  const c2 = s.charCodeAt(2) | 0x20;
  if (sl === 4) {
    if (c0 === 0x73 && c1 === 0x69 && c2 === 0x70) return SIP; // sip
    if (c0 === 0x74 && c1 === 0x65 && c2 === 0x6c) return TEL; // tel
  } else if (sl === 5 && c0 === 0x73 && c1 === 0x69 && c2 === 0x70 && (s.charCodeAt(3) | 0x20) === 0x73) {
    return SIPS;
  }
  return OTHER;
}

/**
 * The checks every scheme gets; returns the scheme id, or -1 when `s` has no
 * scheme at all. `safe`: the caller has already found no char to escape.
 */
function checkCommon(s: string, base: number, issues: SipIssue[], safe: boolean): number {
  const sl = schemeLength(s);
  if (sl === 0) {
    addIssue(
      issues,
      'syntax.uri',
      'error',
      `"${s.slice(0, 40)}" is not a URI: no scheme (RFC 3261 §25.1)`,
      base,
      s.length,
    );
    return -1;
  }
  const bad = safe ? -1 : firstUnsafe(s);
  if (bad >= 0) {
    addIssue(
      issues,
      'syntax.uri',
      'error',
      `URI contains a char that must be escaped: ${JSON.stringify(s[bad])} (RFC 3261 §25.1)`,
      base + bad,
      1,
    );
  }
  return schemeId(s, sl);
}

export function parseUri(s: string, base = 0): Uri {
  const issues: SipIssue[] = [];
  const id = checkCommon(s, base, issues, false);
  if (id < 0) return { kind: 'other', scheme: '', raw: s, issues };
  const sl = schemeLength(s);
  if (id === SIP || id === SIPS) {
    // All fields present (undefined when absent) so every SipUri has one shape.
    const uri: SipUri = {
      kind: 'sip',
      scheme: id === SIP ? 'sip' : 'sips',
      user: undefined,
      password: undefined,
      host: '',
      port: undefined,
      params: {},
      headers: {},
      raw: s,
      issues,
    };
    scanSipUri(s, sl, base, issues, uri);
    return uri;
  }
  if (id === TEL) return parseTelUri(s, sl, base, issues);
  return { kind: 'other', scheme: s.slice(0, sl - 1).toLowerCase(), raw: s, issues };
}

/**
 * What `parseUri(s, base)` would report, pushed onto `issues` in the same
 * order, without building the URI (the parser's validation pass wants only
 * the issues). Returns the kind `parseUri` would answer. `safe`: the caller
 * knows `firstUnsafe(s)` is -1.
 */
export function checkUri(s: string, base: number, issues: SipIssue[], safe = false): Uri['kind'] {
  const known = cleanUriKind(s);
  if (known !== undefined) return known;
  return checkFresh(s, base, issues, safe);
}

/**
 * The kind of a URI that `checkUri` has already seen without issues (so it
 * has none now either, and no char to escape); undefined when not known clean.
 */
export function cleanUriKind(s: string): Uri['kind'] | undefined {
  for (let k = 0; k < RECENT; k++) if (recentUris[k] === s) return recentKinds[k];
  const kind = CLEAN.get(s);
  if (kind !== undefined) remember(s, kind);
  return kind;
}

/**
 * The last few clean URIs met, compared before the table: a message names
 * the same two or three URIs (Request-URI, To, From, Contact) as the one
 * before it more often than not, and comparing a fresh slice with a string
 * costs less than hashing it for the table.
 */
const RECENT = 4;
const recentUris: string[] = new Array<string>(RECENT).fill('');
const recentKinds: Array<Uri['kind'] | undefined> = new Array<Uri['kind'] | undefined>(RECENT).fill(
  undefined,
);
let recentNext = 0;

function remember(s: string, kind: Uri['kind']): void {
  // Its own copy: a slice would keep the whole message text alive.
  recentUris[recentNext] = ` ${s}`.slice(1);
  recentKinds[recentNext] = kind;
  recentNext = (recentNext + 1) % RECENT;
}

/** `checkUri` for a URI not known clean: checks it and remembers it when clean. */
export function checkFresh(s: string, base: number, issues: SipIssue[], safe: boolean): Uri['kind'] {
  const before = issues.length;
  let kind: Uri['kind'] = 'other';
  const id = checkCommon(s, base, issues, safe);
  if (id === SIP || id === SIPS) {
    scanSipUri(s, schemeLength(s), base, issues, null);
    kind = 'sip';
  } else if (id === TEL) {
    parseTelUri(s, schemeLength(s), base, issues);
    kind = 'tel';
  }
  if (issues.length === before) {
    if (CLEAN.size >= CLEAN_MAX) CLEAN.clear();
    // A copy of its own as the key: a slice would keep the whole message text alive.
    CLEAN.set(` ${s}`.slice(1), kind);
    remember(s, kind);
  }
  return kind;
}

/**
 * URIs already checked and found clean, with their kind. The same URIs come
 * back in every message of a dialog (Request-URI, From, To, Contact), and a
 * clean URI has no issue at any offset. Bounded: cleared when full.
 */
const CLEAN = new Map<string, Uri['kind']>();
const CLEAN_MAX = 4096;

/**
 * The part of a SIP-URI after `scheme ":"` (starting at `from`): issues always,
 * fields into `uri` when it is not null.
 */
function scanSipUri(s: string, from: number, base: number, issues: SipIssue[], uri: SipUri | null): void {
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
    if (!isIpv6(host)) {
      addIssue(
        issues,
        'syntax.ipv6-address',
        'error',
        `"${host}" is not an IPv6 address (RFC 4291 §2.2, RFC 5118 §4.10)`,
        base + i,
        close + 1 - i,
      );
    }
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

function parseTelUri(s: string, from: number, base: number, issues: SipIssue[]): TelUri {
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
