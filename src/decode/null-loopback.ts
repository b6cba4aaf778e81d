/**
 * BSD loopback encapsulation: LINKTYPE_NULL (0), a 4-byte address family in
 * the byte order of the capturing host, and LINKTYPE_LOOP (108), the same in
 * network byte order. We accept either order for both: the family values are
 * small, so the order is plain from which end the non-zero byte is at.
 */
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './constants.js';
import { fail, type LayerResult, NEXT_NONE, u32, u32le } from './layer.js';

export interface NullLoopbackFields {
  /** The AF_ value. */
  family: number;
  /** True when the family was written little-endian. */
  littleEndian: boolean;
}

/**
 * tcpdump.org LINKTYPE_NULL: "AF_INET is 2 on all platforms; AF_INET6 is 24
 * (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly BSD) or 30 (Darwin)".
 */
function familyToEtherType(family: number): number {
  if (family === 2) return ETHERTYPE_IPV4;
  if (family === 24 || family === 28 || family === 30) return ETHERTYPE_IPV6;
  return NEXT_NONE;
}

export function decodeNullLoopback(bytes: Uint8Array, offset: number): LayerResult<NullLoopbackFields> {
  if (bytes.length - offset < 4) return fail('loopback header truncated (needs 4 bytes)');
  const le = u32le(bytes, offset);
  const be = u32(bytes, offset);
  // The family fits in one byte: whichever reading is small is the right one.
  const littleEndian = le < 256 || be >= 256;
  const family = littleEndian ? le : be;
  const next = familyToEtherType(family);
  if (next === NEXT_NONE) return fail(`unknown loopback address family ${family}`);
  return { ok: true, fields: { family, littleEndian }, payload: bytes.subarray(offset + 4), next };
}
