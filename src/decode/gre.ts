/**
 * GRE (RFC 2784 with the RFC 2890 key and sequence extensions, RFC 1701
 * routing, and the RFC 2637 "enhanced GRE" version 1 used by PPTP). The
 * protocol type is an EtherType and is dispatched through the ethertype
 * registry: IPv4, IPv6, transparent Ethernet bridging (0x6558), ERSPAN
 * (0x88be, 0x22eb) and PPP (0x880b).
 */
import { ETHERTYPE_ERSPAN_II, ETHERTYPE_TEB } from './constants.js';
import { fail, type LayerResult, u16, u32 } from './layer.js';

export interface GreFields {
  checksumPresent: boolean;
  routingPresent: boolean;
  keyPresent: boolean;
  sequencePresent: boolean;
  /** Version 1 only (RFC 2637): acknowledgment number present. */
  ackPresent: boolean;
  version: number;
  protocolType: number;
  checksum?: number;
  key?: number;
  sequence?: number;
  ack?: number;
  headerLength: number;
}

/**
 * RFC 2784 §2: "|C| Reserved0 | Ver | Protocol Type |" then, when C is set,
 * "Checksum | Reserved1" (4 bytes). RFC 2890 §2: "|C| |K|S| Reserved0 ..."
 * then "Key (optional)" and "Sequence Number (optional)", 4 bytes each.
 * RFC 1701 §2.1: the Checksum/Offset word is present "if either the Checksum
 * Present bit or the Routing Present bit are set", and with R a list of
 * Source Route Entries follows, ended by one whose SRE Length is 0.
 * RFC 2637 §4.1 (version 1): the Key field holds Payload Length (16) and
 * Call ID (16), and "Acknowledgment Number ... Present if A bit (Bit 8) is one".
 * ERSPAN type I (no ERSPAN header) is sent as protocol 0x88be without a
 * sequence number; Wireshark tells the types apart the same way. We hand such
 * a payload on as an Ethernet frame (0x6558).
 */
export function decodeGre(bytes: Uint8Array, offset: number): LayerResult<GreFields> {
  if (bytes.length - offset < 4) return fail('GRE header truncated (needs 4 bytes)');
  const b0 = bytes[offset];
  const b1 = bytes[offset + 1];
  const version = b1 & 0x07;
  if (version > 1) return fail(`GRE version ${version} is not 0 or 1`);
  const fields: GreFields = {
    checksumPresent: (b0 & 0x80) !== 0,
    routingPresent: (b0 & 0x40) !== 0,
    keyPresent: (b0 & 0x20) !== 0,
    sequencePresent: (b0 & 0x10) !== 0,
    ackPresent: version === 1 && (b1 & 0x80) !== 0,
    version,
    protocolType: u16(bytes, offset + 2),
    headerLength: 4,
  };
  let o = offset + 4;
  const end = bytes.length;
  if (fields.checksumPresent || fields.routingPresent) {
    if (end - o < 4) return fail('GRE checksum field truncated');
    fields.checksum = u16(bytes, o);
    o += 4;
  }
  if (fields.keyPresent) {
    if (end - o < 4) return fail('GRE key field truncated');
    fields.key = u32(bytes, o);
    o += 4;
  }
  if (fields.sequencePresent) {
    if (end - o < 4) return fail('GRE sequence number truncated');
    fields.sequence = u32(bytes, o);
    o += 4;
  }
  if (fields.ackPresent) {
    if (end - o < 4) return fail('GRE acknowledgment number truncated');
    fields.ack = u32(bytes, o);
    o += 4;
  }
  if (fields.routingPresent) {
    // Source Route Entries: Address Family (2), SRE Offset (1), SRE Length (1), data.
    for (;;) {
      if (end - o < 4) return fail('GRE source route entry truncated');
      const sreLength = bytes[o + 3];
      o += 4;
      if (sreLength === 0) break;
      if (end - o < sreLength) return fail('GRE source route entry truncated');
      o += sreLength;
    }
  }
  fields.headerLength = o - offset;
  let next = fields.protocolType;
  if (next === ETHERTYPE_ERSPAN_II && !fields.sequencePresent) next = ETHERTYPE_TEB;
  return { ok: true, fields, payload: bytes.subarray(o), next };
}
