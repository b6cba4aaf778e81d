/**
 * One Via element (RFC 3261 §20.42, §25.1):
 *
 *   via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 *   sent-by       = host [ COLON port ]
 *   via-params    = via-ttl / via-maddr / via-received / via-branch / via-extension
 *   SLASH = SWS "/" SWS      (so "SIP / 2.0 / UDP" is legal, RFC 4475 §3.1.1.1)
 */
import { isDigit, scanToken, skipLws } from './chars.js';
import { checkIpv6Reference, isIpv4, isIpv6, unbracket } from './ip-literal.js';
import { addIssue, type IssueSink } from './issue.js';
import { type Params, parseParams } from './params.js';

export interface Via {
  /** `SIP/2.0` (normalised to upper case); another version is kept as written and flagged. */
  protocol: string;
  /** Upper case: UDP, TCP, TLS, SCTP, WS, WSS, or an extension transport. */
  transport: string;
  /** Host, IPv6 without brackets. */
  host: string;
  port?: number;
  /** host[:port] as written. */
  sentBy: string;
  branch?: string;
  /** received parameter, IPv6 without brackets (RFC 5118 §4.5 allows both spellings). */
  received?: string;
  /** rport (RFC 3581): the port number, or `true` when present without value. */
  rport?: number | true;
  maddr?: string;
  ttl?: number;
  params: Params;
  /** Byte offset of this element in the message. */
  offset: number;
  length: number;
}

function bad(issues: IssueSink, what: string, offset: number, length: number): void {
  addIssue(issues, 'syntax.via', 'error', `${what} (RFC 3261 §20.42, §25.1)`, offset, length);
}

/** Reads `SWS "/" SWS` at `i`; returns the index after it, or -1 when there is no slash. */
function slash(s: string, i: number, end: number): number {
  i = skipLws(s, i, end);
  if (i >= end || s.charCodeAt(i) !== 0x2f) return -1;
  return skipLws(s, i + 1, end);
}

/** protocol-name "SIP" (any case) and protocol-version "2.0", compared in place. */
function isSip20(s: string, ns: number, ne: number, vs: number, ve: number): boolean {
  return (
    ne - ns === 3 &&
    ve - vs === 3 &&
    (s.charCodeAt(ns) | 0x20) === 0x73 &&
    (s.charCodeAt(ns + 1) | 0x20) === 0x69 &&
    (s.charCodeAt(ns + 2) | 0x20) === 0x70 &&
    s.charCodeAt(vs) === 0x32 &&
    s.charCodeAt(vs + 1) === 0x2e &&
    s.charCodeAt(vs + 2) === 0x30
  );
}

/** Chars that end a sent-by host: ":" ";" "," and LWS. */
const HOST_END = new Uint8Array(256);
for (const c of ':;, \t\r\n') HOST_END[c.charCodeAt(0)] = 1;

/** The value of 1 to `maxDigits` decimal digits and nothing else; -1 for anything else. */
function smallNumber(v: string, maxDigits: number): number {
  if (v.length === 0 || v.length > maxDigits) return -1;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'TLS-SCTP'];

/** The transport as one of the constant strings above when it is one (any case), else undefined. */
function knownTransport(s: string, start: number, end: number): string | undefined {
  next: for (let k = 0; k < TRANSPORTS.length; k++) {
    const t = TRANSPORTS[k];
    if (t.length !== end - start) continue;
    for (let i = 0; i < t.length; i++) {
      let c = s.charCodeAt(start + i);
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== t.charCodeAt(i)) continue next;
    }
    return t;
  }
  return undefined;
}

/**
 * Parses the Via element `s[start, end)` (one list element, already split at
 * commas). Returns `null` only when not even a transport and host can be found.
 */
export function parseVia(s: string, start: number, end: number, issues: IssueSink): Via | null {
  let i = skipLws(s, start, end);
  const nameStart = i;
  i = scanToken(s, i, end);
  const nameEnd = i;
  i = slash(s, i, end);
  if (i < 0 || nameEnd === nameStart) {
    bad(issues, 'Via does not start with sent-protocol "SIP/2.0/transport"', start, end - start);
    return null;
  }
  const verStart = i;
  i = scanToken(s, i, end);
  const verEnd = i;
  i = slash(s, i, end);
  if (i < 0 || verEnd === verStart) {
    bad(issues, 'Via sent-protocol lacks a version or transport', start, end - start);
    return null;
  }
  const trStart = i;
  i = scanToken(s, i, end);
  if (i === trStart) {
    bad(issues, 'Via sent-protocol lacks a transport', trStart, 0);
    return null;
  }
  const transport = knownTransport(s, trStart, i) ?? s.slice(trStart, i).toUpperCase();
  let protocol = 'SIP/2.0';
  if (!isSip20(s, nameStart, nameEnd, verStart, verEnd)) {
    protocol = `${s.slice(nameStart, nameEnd)}/${s.slice(verStart, verEnd)}`;
    addIssue(
      issues,
      'syntax.version',
      'error',
      `Via sent-protocol ${protocol} is not SIP/2.0 (RFC 3261 §20.42)`,
      nameStart,
      i - nameStart,
    );
  }
  const lwsStart = i;
  i = skipLws(s, i, end);
  if (i === lwsStart) bad(issues, 'Via needs whitespace between sent-protocol and sent-by', i, 0);
  // sent-by = host [ COLON port ]
  const hostStart = i;
  let host: string;
  if (i < end && s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= end) {
      bad(issues, 'IPv6 reference without "]" in Via sent-by', i, end - i);
      return null;
    }
    host = s.slice(i + 1, close);
    checkIpv6Reference(host, issues, i, close + 1 - i);
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 0x100 && HOST_END[c] === 1) break;
      i++;
    }
    host = s.slice(hostStart, i);
    if (host === '') {
      bad(issues, 'Via has no sent-by host', hostStart, 0);
      return null;
    }
  }
  let hostEnd = i;
  let port: number | undefined;
  let j = skipLws(s, i, end);
  if (j < end && s.charCodeAt(j) === 0x3a) {
    let k = j + 1;
    while (k < end && s.charCodeAt(k) !== 0x3b && s.charCodeAt(k) > 0x20 && s.charCodeAt(k) !== 0x3a) k++;
    if (k < end && s.charCodeAt(k) === 0x3a) {
      // RFC 5118 §4.2: an unbracketed IPv6 address in sent-by.
      while (k < end && s.charCodeAt(k) !== 0x3b && s.charCodeAt(k) > 0x20) k++;
      host = s.slice(hostStart, k);
      addIssue(
        issues,
        'syntax.ipv6-unbracketed',
        'error',
        `IPv6 address "${host}" in Via must be enclosed in "[]" (RFC 3261 §25.1, RFC 5118 §4.2)`,
        hostStart,
        k - hostStart,
      );
      j = k;
    } else {
      j = skipLws(s, j + 1, end);
      const ps = j;
      let p = 0;
      while (j < end && isDigit(s.charCodeAt(j))) p = p * 10 + (s.charCodeAt(j++) - 0x30);
      if (j === ps || p > 65535) bad(issues, `bad Via port "${s.slice(ps, j)}"`, ps, j - ps);
      else port = p;
    }
    hostEnd = j;
    i = j;
  }
  // All fields present (undefined when absent) so every Via has one shape.
  const via: Via = {
    protocol,
    transport,
    host,
    port,
    // Without brackets or port, sent-by is the host as written: share the string.
    sentBy:
      hostEnd - hostStart === host.length && s.charCodeAt(hostStart) !== 0x5b
        ? host
        : s.slice(hostStart, hostEnd),
    branch: undefined,
    received: undefined,
    rport: undefined,
    maddr: undefined,
    ttl: undefined,
    params: {},
    offset: start,
    length: end - start,
  };
  i = parseParams(s, i, end, via.params, issues);
  if (i < end) bad(issues, `unexpected "${s.slice(i, Math.min(end, i + 20))}" in Via`, i, end - i);
  const pr = via.params;
  const branch = pr.branch;
  if (typeof branch === 'string') via.branch = branch;
  else if (branch === true) bad(issues, 'Via branch parameter without a value', start, end - start);
  const received = pr.received;
  if (typeof received === 'string') {
    via.received = unbracket(received);
    // via-received = "received" EQUAL (IPv4address / IPv6address)
    if (!isIpv4(via.received) && !isIpv6(via.received)) {
      addIssue(
        issues,
        'syntax.via',
        'warning',
        `Via received="${received}" is not an IP address (RFC 3261 §18.2.1, §25.1)`,
        start,
        end - start,
      );
    }
  }
  const rport = pr.rport;
  if (rport === true) via.rport = true;
  else if (typeof rport === 'string') {
    const n = smallNumber(rport, 5);
    if (n < 0 || n > 65535)
      bad(issues, `Via rport="${rport}" is not a port (RFC 3581 §4)`, start, end - start);
    else via.rport = n;
  }
  if (typeof pr.maddr === 'string') via.maddr = unbracket(pr.maddr);
  const ttl = pr.ttl;
  if (typeof ttl === 'string') {
    const n = smallNumber(ttl, 3);
    if (n < 0 || n > 255) bad(issues, `Via ttl="${ttl}" is not in 0..255`, start, end - start);
    else via.ttl = n;
  }
  return via;
}
