/**
 * Raw IP links: LINKTYPE_RAW (101, and the DLT values 12 and 14 some systems
 * write) carry IPv4 or IPv6 told apart by the version nibble;
 * LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) fix the version. GTP-U and
 * ERSPAN III also hand on "an IP packet" this way.
 */
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './constants.js';
import { fail, type LayerResult, NEXT_NONE } from './layer.js';

export interface RawIpFields {
  version: number;
}

/** The ethertype of an IP packet by its first byte's version nibble, NEXT_NONE when neither 4 nor 6. */
export function ipVersionToEtherType(firstByte: number): number {
  const v = firstByte >>> 4;
  return v === 4 ? ETHERTYPE_IPV4 : v === 6 ? ETHERTYPE_IPV6 : NEXT_NONE;
}

/** RFC 791 §3.1 / RFC 8200 §3: the first 4 bits of the header are the version. */
export function decodeRawIp(bytes: Uint8Array, offset: number): LayerResult<RawIpFields> {
  if (bytes.length - offset < 1) return fail('empty raw IP packet');
  const next = ipVersionToEtherType(bytes[offset]);
  const version = bytes[offset] >>> 4;
  if (next === NEXT_NONE) return fail(`IP version ${version} is neither 4 nor 6`);
  return { ok: true, fields: { version }, payload: bytes.subarray(offset), next };
}

export function decodeRawIpv4(bytes: Uint8Array, offset: number): LayerResult<RawIpFields> {
  return { ok: true, fields: { version: 4 }, payload: bytes.subarray(offset), next: ETHERTYPE_IPV4 };
}

export function decodeRawIpv6(bytes: Uint8Array, offset: number): LayerResult<RawIpFields> {
  return { ok: true, fields: { version: 6 }, payload: bytes.subarray(offset), next: ETHERTYPE_IPV6 };
}
