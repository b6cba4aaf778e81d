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

import { addIssue } from './issue.js';
import type { SipIssue } from './message.js';
import type { SipUri, Uri } from './uri-model.js';
import { parseTelUri, scanSipUri } from './uri-scan.js';

export type { OtherUri, SipUri, TelUri, Uri } from './uri-model.js';
export { pctDecode } from './uri-scan.js';

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
