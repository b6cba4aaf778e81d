/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443): recognised, never descended into.
 *
 * An ICMP error quotes the IP header and the first bytes of the datagram that
 * caused it — often a SIP request (port unreachable). Those quoted bytes are
 * not a message that was sent to anyone; decoding them as one would make a
 * phantom retransmission. So the quoted datagram is exposed as a field for
 * display and the layer always ends the walk (`next` is NEXT_NONE).
 */
import { fail, type LayerResult, NEXT_NONE, u16 } from './layer.js';

export interface IcmpFields {
  /** 4 for ICMP, 6 for ICMPv6. */
  ipVersion: 4 | 6;
  type: number;
  code: number;
  checksum: number;
  /** True for error messages (they quote the offending datagram). */
  error: boolean;
  /** The quoted IP datagram of an error message (a view; empty otherwise). */
  quoted: Uint8Array;
}

/**
 * RFC 792: Destination Unreachable (3), Source Quench (4), Redirect (5),
 * Time Exceeded (11) and Parameter Problem (12) carry "Internet Header + 64
 * bits of Original Data Datagram" after a 4-byte field that follows the
 * type, code and checksum.
 */
function icmpv4IsError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * RFC 4443 §2.1: "ICMPv6 error messages have 0 in the high-order bit of their
 * message Type field values"; each (Destination Unreachable 1, Packet Too Big
 * 2, Time Exceeded 3, Parameter Problem 4) quotes "As much of invoking packet
 * as possible" after a 4-byte field.
 */
function icmpv6IsError(type: number): boolean {
  return type < 128;
}

function decode(bytes: Uint8Array, offset: number, ipVersion: 4 | 6): LayerResult<IcmpFields> {
  if (bytes.length - offset < 4) return fail(`ICMP${ipVersion === 6 ? 'v6' : ''} header truncated`);
  const type = bytes[offset];
  const error = ipVersion === 4 ? icmpv4IsError(type) : icmpv6IsError(type);
  const quoted =
    error && bytes.length - offset > 8 ? bytes.subarray(offset + 8) : bytes.subarray(bytes.length);
  return {
    ok: true,
    fields: { ipVersion, type, code: bytes[offset + 1], checksum: u16(bytes, offset + 2), error, quoted },
    payload: bytes.subarray(offset + 4),
    next: NEXT_NONE,
  };
}

export function decodeIcmp(bytes: Uint8Array, offset: number): LayerResult<IcmpFields> {
  return decode(bytes, offset, 4);
}

export function decodeIcmpv6(bytes: Uint8Array, offset: number): LayerResult<IcmpFields> {
  return decode(bytes, offset, 6);
}
