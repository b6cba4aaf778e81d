/** VXLAN (RFC 7348), UDP destination port 4789: an Ethernet frame follows. */
import { ETHERTYPE_TEB } from './constants.js';
import { fail, type LayerResult, u32 } from './layer.js';

export interface VxlanFields {
  flags: number;
  /** VXLAN Network Identifier (24 bits). */
  vni: number;
}

/**
 * RFC 7348 §5: "|R|R|R|R|I|R|R|R| Reserved |" "| VXLAN Network Identifier
 * (VNI) | Reserved |" — "I flag MUST be set to 1 for a valid VXLAN Network ID
 * (VNI)." The inner Ethernet frame follows the 8-byte header. A datagram on
 * the port without the I flag is not taken as VXLAN (the caller then keeps
 * the UDP payload as it is).
 */
export function decodeVxlan(bytes: Uint8Array, offset: number): LayerResult<VxlanFields> {
  if (bytes.length - offset < 8) return fail('VXLAN header truncated (needs 8 bytes)');
  const flags = bytes[offset];
  if ((flags & 0x08) === 0) return fail('VXLAN header without the I flag');
  return {
    ok: true,
    fields: { flags, vni: u32(bytes, offset + 4) >>> 8 },
    payload: bytes.subarray(offset + 8),
    next: ETHERTYPE_TEB,
  };
}
