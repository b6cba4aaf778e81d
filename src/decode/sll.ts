/**
 * Linux "cooked" capture, version 1 (LINKTYPE_LINUX_SLL = 113), what
 * `tcpdump -i any` writes.
 */
import { fail, type LayerResult, u16 } from './layer.js';

export interface SllFields {
  /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
  packetType: number;
  /** ARPHRD_* type of the interface. */
  arphrd: number;
  /** Link-layer source address (a view, at most 8 bytes). */
  address: Uint8Array;
  /** EtherType (or GRE protocol type for ARPHRD_IPGRE) of the payload. */
  protocol: number;
}

const HEADER = 16;

/**
 * tcpdump.org LINKTYPE_LINUX_SLL: packet type (2), ARPHRD_ type (2),
 * link-layer address length (2), link-layer address (8, padded), protocol
 * type (2) — "the protocol type field contains an Ethernet type".
 */
export function decodeSll(bytes: Uint8Array, offset: number): LayerResult<SllFields> {
  if (bytes.length - offset < HEADER) return fail('Linux cooked (SLL) header truncated (needs 16 bytes)');
  const addrLen = Math.min(8, u16(bytes, offset + 4));
  const protocol = u16(bytes, offset + 14);
  return {
    ok: true,
    fields: {
      packetType: u16(bytes, offset),
      arphrd: u16(bytes, offset + 2),
      address: bytes.subarray(offset + 6, offset + 6 + addrLen),
      protocol,
    },
    payload: bytes.subarray(offset + HEADER),
    next: protocol,
  };
}
