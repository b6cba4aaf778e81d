/** IPv4 header (RFC 791). Fragments are flagged here and reassembled in ip-fragments.ts. */
import { fail, type LayerResult, u16, u32 } from './layer.js';

export interface Ipv4Fields {
  version: 4;
  /** Header length in bytes (IHL × 4). */
  headerLength: number;
  tos: number;
  /** Total length as declared (see `issue` when it disagrees with the capture). */
  totalLength: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in bytes (the field × 8). */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  /** Source address as an unsigned 32-bit number (see address.ts for text). */
  src: number;
  dst: number;
}

const MIN_HEADER = 20;

/**
 * RFC 791 §3.1:
 * "Internet Header Length is the length of the internet header in 32 bit
 *  words ... the minimum value for a correct header is 5."
 * "Total Length is the length of the datagram, measured in octets, including
 *  internet header and data."
 * "Flags: Bit 1: (DF) ... Bit 2: (MF) 0 = Last Fragment, 1 = More Fragments."
 * "Fragment Offset ... is measured in units of 8 octets (64 bits)."
 *
 * The payload ends at Total Length, which strips Ethernet padding; when the
 * capture is shorter (snaplen) the payload is clamped to what was captured.
 * A Total Length of 0 is what hosts with TCP segmentation offload record for
 * their own outgoing packets; the captured length is used then.
 */
export function decodeIpv4(bytes: Uint8Array, offset: number): LayerResult<Ipv4Fields> {
  const avail = bytes.length - offset;
  if (avail < MIN_HEADER) return fail(`IPv4 header truncated (${avail} of at least 20 bytes)`);
  const version = bytes[offset] >>> 4;
  if (version !== 4) return fail(`IP version ${version} in an IPv4 packet`);
  const headerLength = (bytes[offset] & 0x0f) * 4;
  if (headerLength < MIN_HEADER) return fail(`IPv4 IHL ${headerLength / 4} is below the minimum of 5`);
  if (headerLength > avail) return fail(`IPv4 header of ${headerLength} bytes truncated at ${avail}`);
  const totalLength = u16(bytes, offset + 2);
  const flagsFrag = u16(bytes, offset + 6);
  const fields: Ipv4Fields = {
    version: 4,
    headerLength,
    tos: bytes[offset + 1],
    totalLength,
    id: u16(bytes, offset + 4),
    dontFragment: (flagsFrag & 0x4000) !== 0,
    moreFragments: (flagsFrag & 0x2000) !== 0,
    fragmentOffset: (flagsFrag & 0x1fff) * 8,
    ttl: bytes[offset + 8],
    protocol: bytes[offset + 9],
    checksum: u16(bytes, offset + 10),
    src: u32(bytes, offset + 12),
    dst: u32(bytes, offset + 16),
  };
  const start = offset + headerLength;
  let issue: string | undefined;
  let end: number;
  if (totalLength === 0) {
    end = bytes.length;
    issue = 'IPv4 total length 0 (segmentation offload?); using the captured length';
  } else if (totalLength < headerLength) {
    return fail(`IPv4 total length ${totalLength} is shorter than its ${headerLength}-byte header`);
  } else if (totalLength > avail) {
    end = bytes.length;
    issue = `IPv4 total length ${totalLength} exceeds the ${avail} captured bytes; clamped`;
  } else {
    end = offset + totalLength;
  }
  const payload = bytes.subarray(start, end);
  return issue === undefined
    ? { ok: true, fields, payload, next: fields.protocol }
    : { ok: true, fields, payload, next: fields.protocol, issue };
}

/** True when the packet is one fragment of a larger datagram (RFC 791 §3.2). */
export function isIpv4Fragment(f: Ipv4Fields): boolean {
  return f.moreFragments || f.fragmentOffset !== 0;
}
