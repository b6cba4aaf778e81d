/**
 * Printable addresses for `Endpoint.ip`: dotted-quad IPv4 and RFC 5952 IPv6.
 * No regexes and no intermediate arrays: these run once per delivered payload.
 */

const DEC: string[] = [];
for (let i = 0; i < 256; i++) DEC.push(String(i));

/** Dotted-quad form of a 32-bit address (as read big-endian from the wire). */
export function ipv4ToString(a: number): string {
  return (
    DEC[(a >>> 24) & 255] + '.' + DEC[(a >>> 16) & 255] + '.' + DEC[(a >>> 8) & 255] + '.' + DEC[a & 255]
  );
}

/** Dotted-quad form of the 4 bytes at `offset`; the caller has checked bounds. */
export function ipv4BytesToString(b: Uint8Array, offset: number): string {
  return DEC[b[offset]] + '.' + DEC[b[offset + 1]] + '.' + DEC[b[offset + 2]] + '.' + DEC[b[offset + 3]];
}

/**
 * RFC 5952 text form of the 16 bytes at `offset` (the caller has checked bounds).
 *
 * RFC 5952 §4.1: "Leading zeros MUST be suppressed."
 * §4.2.1: "The use of the symbol "::" MUST be used to its maximum capability."
 * §4.2.2: "The symbol "::" MUST NOT be used to shorten just one 16-bit 0 field."
 * §4.2.3: "When there is an alternative choice in the placement of a "::", the
 *   longest run of consecutive 16-bit 0 fields MUST be shortened ... If the
 *   length of the consecutive 16-bit 0 fields are equal ..., the first
 *   sequence of zero bits MUST be shortened."
 * §4.3: "The characters "a", "b", "c", "d", "e", and "f" in an IPv6 address
 *   MUST be represented in lowercase."
 * §5: IPv4-mapped addresses (::ffff:0:0/96) are written with the last 32 bits
 *   in dotted decimal ("::ffff:192.0.2.1").
 */
export function ipv6ToString(b: Uint8Array, offset: number): string {
  // Longest run of zero groups (first one on ties), at least two groups long.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = b[offset + 2 * g] === 0 && b[offset + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
      const len = g - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  if (bestStart === 0 && bestLen === 5 && b[offset + 10] === 0xff && b[offset + 11] === 0xff) {
    return '::ffff:' + ipv4BytesToString(b, offset + 12);
  }
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += g === 0 ? '::' : ':';
      g += bestLen - 1;
      continue;
    }
    s += ((b[offset + 2 * g] << 8) | b[offset + 2 * g + 1]).toString(16);
    if (g < 7) s += ':';
  }
  return s;
}
