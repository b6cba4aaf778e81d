/**
 * Address classes for rules that judge where a packet or an SDP address can
 * be reached: RFC 1918 private space and globally routable IPv4. Character
 * by character, with no allocation (called for every message with a body).
 */

/** The first three octets of a dotted IPv4 address packed as a·65536 + b·256 + c; -1 when not IPv4. */
function prefix24(ip: string): number {
  let octet = -1;
  let dots = 0;
  let out = 0;
  for (let i = 0; i < ip.length; i++) {
    const ch = ip.charCodeAt(i);
    if (ch === 0x2e) {
      if (octet < 0 || dots === 3) return -1;
      dots++;
      out = out * 256 + octet;
      octet = -1;
    } else if (ch >= 0x30 && ch <= 0x39) {
      const v = Math.max(octet, 0) * 10 + (ch - 0x30);
      if (v > 255) return -1;
      octet = v;
    } else return -1;
  }
  return dots === 3 && octet >= 0 ? out : -1;
}

const private24 = (p: number): boolean => {
  const a = p >>> 16;
  const b = (p >>> 8) & 0xff;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
};

/** RFC 1918 §3: 10/8, 172.16/12, 192.168/16. */
export function isRfc1918(ip: string): boolean {
  const p = prefix24(ip);
  return p >= 0 && private24(p);
}

/** A globally routable IPv4 unicast address: not private, loopback, link-local, CGNAT, multicast or reserved. */
export function isPublicIpv4(ip: string): boolean {
  const p = prefix24(ip);
  if (p < 0 || private24(p)) return false;
  const a = p >>> 16;
  const b = (p >>> 8) & 0xff;
  if (a === 0 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  // RFC 5737 documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24) are not on the Internet either.
  return p !== 0xc00002 && p !== 0xc63364 && p !== 0xcb0071;
}
