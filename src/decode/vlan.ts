/**
 * IEEE 802.1Q VLAN tag (TPID 0x8100), 802.1ad service tag (0x88a8) and the
 * pre-standard 0x9100 outer tag. Stacked tags (QinQ) need no special code:
 * the tag's inner EtherType is dispatched again through the ethertype
 * registry, so 0x88a8 → 0x8100 → 0x0800 walks naturally.
 */
import { fail, type LayerResult, u16 } from './layer.js';

export interface VlanFields {
  /** Priority code point (3 bits). */
  pcp: number;
  /** Drop eligible indicator. */
  dei: boolean;
  /** VLAN identifier (12 bits). */
  vid: number;
  etherType: number;
}

/**
 * IEEE 802.1Q §9.6: the tag after the TPID is a 2-byte TCI (PCP 3 bits, DEI 1
 * bit, VID 12 bits) followed by the EtherType of what the tag encloses.
 * `offset` points just after the TPID (which the enclosing layer consumed).
 */
export function decodeVlan(bytes: Uint8Array, offset: number): LayerResult<VlanFields> {
  if (bytes.length - offset < 4) return fail('VLAN tag truncated (needs 4 bytes after the TPID)');
  const tci = u16(bytes, offset);
  const etherType = u16(bytes, offset + 2);
  return {
    ok: true,
    fields: { pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff, etherType },
    payload: bytes.subarray(offset + 4),
    next: etherType,
  };
}
