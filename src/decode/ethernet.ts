/**
 * Ethernet II / IEEE 802.3 (LINKTYPE_ETHERNET = 1, and the inner frame of
 * VXLAN, ERSPAN and GRE transparent bridging).
 */
import { fail, type LayerResult, NEXT_NONE, u16 } from './layer.js';

export interface EthernetFields {
  /** Destination MAC (a view of 6 bytes). */
  dst: Uint8Array;
  /** Source MAC (a view of 6 bytes). */
  src: Uint8Array;
  /** The EtherType, or for 802.3 frames the SNAP protocol id (NEXT_NONE when plain LLC). */
  etherType: number;
  /** 802.3 length field when the frame is not Ethernet II. */
  length?: number;
}

const HEADER = 14;

/**
 * IEEE 802.3 §3.2.6: values of the Length/Type field up to 1500 are a length
 * (an 802.3 frame with an LLC header follows); values from 1536 (0x0600) are
 * an EtherType. RFC 1042: an LLC header AA-AA-03 is followed by a SNAP header
 * (3-byte OUI, 2-byte EtherType).
 */
export function decodeEthernet(bytes: Uint8Array, offset: number): LayerResult<EthernetFields> {
  if (bytes.length - offset < HEADER)
    return fail(`frame of ${bytes.length - offset} bytes is shorter than the 14-byte Ethernet header`);
  const dst = bytes.subarray(offset, offset + 6);
  const src = bytes.subarray(offset + 6, offset + 12);
  const typeOrLength = u16(bytes, offset + 12);
  if (typeOrLength >= 0x0600) {
    return {
      ok: true,
      fields: { dst, src, etherType: typeOrLength },
      payload: bytes.subarray(offset + HEADER),
      next: typeOrLength,
    };
  }
  if (typeOrLength > 1500) return fail(`Length/Type ${typeOrLength} is neither a length nor an EtherType`);
  const end = Math.min(bytes.length, offset + HEADER + typeOrLength);
  const llc = offset + HEADER;
  if (end - llc >= 8 && bytes[llc] === 0xaa && bytes[llc + 1] === 0xaa && bytes[llc + 2] === 0x03) {
    const etherType = u16(bytes, llc + 6);
    return {
      ok: true,
      fields: { dst, src, etherType, length: typeOrLength },
      payload: bytes.subarray(llc + 8, end),
      next: etherType,
    };
  }
  return {
    ok: true,
    fields: { dst, src, etherType: NEXT_NONE, length: typeOrLength },
    payload: bytes.subarray(llc, end),
    next: NEXT_NONE,
  };
}
