/**
 * 32-bit FNV-1a hashes for rules that compare values across messages (tags,
 * addresses, codecs) without keeping the strings: a number held in an IdMemo
 * pins no message text. A collision can only hide a difference (a missed
 * finding), never invent one.
 */

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

/** Hash of `s` (0 is never returned, so 0 can mean "none"). */
export function hash32(s: string): number {
  let h = OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), PRIME);
  return h >>> 0 || 1;
}

/** Hash of `s[start, end)` without slicing it. */
export function hash32Range(s: string, start: number, end: number): number {
  let h = OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), PRIME);
  return h >>> 0 || 1;
}

/** Hash of the bytes of `b` (its first `max`). */
export function hash32Bytes(b: Uint8Array, max = b.length): number {
  let h = OFFSET;
  const end = Math.min(b.length, max);
  for (let i = 0; i < end; i++) h = Math.imul(h ^ b[i], PRIME);
  return h >>> 0 || 1;
}

/** Hash of `s` ignoring ASCII case. */
export function hash32i(s: string): number {
  let h = OFFSET;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    h = Math.imul(h ^ c, PRIME);
  }
  return h >>> 0 || 1;
}

/** Mixes a number into a hash (ports, ordered pairs). */
export function mix(h: number, n: number): number {
  return Math.imul((h ^ n) >>> 0, PRIME) >>> 0 || 1;
}

/** Hash of one direction of a hop: `src ip:port → dst ip:port`. */
export function pathHash(srcIp: string, srcPort: number, dstIp: string, dstPort: number): number {
  return mix(mix(mix(hash32(srcIp), srcPort), hash32(dstIp)), dstPort);
}
