/**
 * IP address literals as SIP writes them (RFC 3261 §25.1 IPv4address and
 * IPv6address, corrected by RFC 5118 §4.10: RFC 3261's ABNF lets
 * "2001:db8:::192.0.2.1" through; RFC 4291 §2.2 text forms are checked here).
 */
import { addIssue, type IssueSink } from './issue.js';

/** Flags `host`, the text of an IPv6reference between "[" and "]", when it is not an IPv6 address. */
export function checkIpv6Reference(host: string, issues: IssueSink, offset: number, length: number): void {
  if (isIpv6(host)) return;
  addIssue(
    issues,
    'syntax.ipv6-address',
    'error',
    `"${host}" is not an IPv6 address (RFC 4291 §2.2, RFC 5118 §4.10)`,
    offset,
    length,
  );
}

/** RFC 3986 dec-octet: 0..255 without leading zeros beyond a single "0"; four of them. */
export function isIpv4(s: string): boolean {
  let octets = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const start = i;
    let v = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255) return false;
    octets++;
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x2e || octets === 4) return false;
    i++;
    if (i === n) return false;
  }
  return octets === 4;
}

function isHexGroup(s: string): boolean {
  if (s.length === 0 || s.length > 4) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * RFC 4291 §2.2 text forms: eight 16-bit groups, one "::" at most, an IPv4
 * dotted quad allowed as the last 32 bits. A zone index ("%eth0", RFC 6874)
 * is accepted and not checked.
 */
export function isIpv6(s: string): boolean {
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.length < 2) return false;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false; // two "::" or ":::"
  const halves = dbl >= 0 ? [s.slice(0, dbl), s.slice(dbl + 2)] : [s];
  let groups = 0;
  for (let h = 0; h < halves.length; h++) {
    const half = halves[h];
    if (half === '') continue;
    const fields = half.split(':');
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      const lastOfAddress = h === halves.length - 1 && k === fields.length - 1;
      if (lastOfAddress && f.indexOf('.') >= 0) {
        if (!isIpv4(f)) return false;
        groups += 2;
      } else if (isHexGroup(f)) {
        groups++;
      } else {
        return false;
      }
    }
  }
  return dbl >= 0 ? groups <= 7 : groups === 8;
}

/** Strips the brackets of an IPv6 reference: "[2001:db8::1]" → "2001:db8::1". */
export function unbracket(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d
    ? host.slice(1, -1)
    : host;
}
