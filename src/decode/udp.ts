/** UDP header (RFC 768). */
import { fail, type LayerResult, NEXT_NONE, u16 } from './layer.js';

export interface UdpFields {
  srcPort: number;
  dstPort: number;
  /** Length as declared (header included). */
  length: number;
  checksum: number;
}

/**
 * RFC 768: "Length is the length in octets of this user datagram including
 * this header and the data. (This means the minimum value of the length is
 * eight.)" The payload ends at Length (trailing bytes are padding); a Length
 * beyond the captured bytes is clamped; 0 (RFC 2675 jumbograms, segmentation
 * offload) uses the captured length.
 */
export function decodeUdp(bytes: Uint8Array, offset: number): LayerResult<UdpFields> {
  const avail = bytes.length - offset;
  if (avail < 8) return fail(`UDP header truncated (${avail} of 8 bytes)`);
  const length = u16(bytes, offset + 4);
  const fields: UdpFields = {
    srcPort: u16(bytes, offset),
    dstPort: u16(bytes, offset + 2),
    length,
    checksum: u16(bytes, offset + 6),
  };
  if (length === 0) return { ok: true, fields, payload: bytes.subarray(offset + 8), next: NEXT_NONE };
  if (length < 8) return fail(`UDP length ${length} is below the minimum of 8`);
  if (length > avail) {
    return {
      ok: true,
      fields,
      payload: bytes.subarray(offset + 8),
      next: NEXT_NONE,
      issue: `UDP length ${length} exceeds the ${avail} captured bytes; clamped`,
    };
  }
  return { ok: true, fields, payload: bytes.subarray(offset + 8, offset + length), next: NEXT_NONE };
}
