/** Linux "cooked" capture, version 2 (LINKTYPE_LINUX_SLL2 = 276). */
import { fail, type LayerResult, u16, u32 } from './layer.js';

export interface Sll2Fields {
  /** EtherType of the payload. */
  protocol: number;
  interfaceIndex: number;
  arphrd: number;
  packetType: number;
  /** Link-layer address (a view, at most 8 bytes). */
  address: Uint8Array;
}

const HEADER = 20;

/**
 * tcpdump.org LINKTYPE_LINUX_SLL2: protocol type (2), reserved (2),
 * interface index (4), ARPHRD_ type (2), packet type (1), link-layer address
 * length (1), link-layer address (8, padded).
 */
export function decodeSll2(bytes: Uint8Array, offset: number): LayerResult<Sll2Fields> {
  if (bytes.length - offset < HEADER) return fail('Linux cooked v2 (SLL2) header truncated (needs 20 bytes)');
  const protocol = u16(bytes, offset);
  const addrLen = Math.min(8, bytes[offset + 11]);
  return {
    ok: true,
    fields: {
      protocol,
      interfaceIndex: u32(bytes, offset + 4),
      arphrd: u16(bytes, offset + 8),
      packetType: bytes[offset + 10],
      address: bytes.subarray(offset + 12, offset + 12 + addrLen),
    },
    payload: bytes.subarray(offset + HEADER),
    next: protocol,
  };
}
