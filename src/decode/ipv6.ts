/**
 * IPv6 header and extension-header chain (RFC 8200). The chain is walked to
 * the upper-layer protocol; a Fragment header stops the walk (the rest is the
 * fragmentable part, reassembled in ip-fragments.ts, whose chain is walked
 * again with `walkIpv6Extensions`). ESP (50) and No Next Header (59) end it.
 */
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ROUTING,
} from './constants.js';
import { fail, type LayerResult, u16, u32 } from './layer.js';

export interface Ipv6Extension {
  /** The header's own protocol number (0, 43, 44, 51, 60). */
  type: number;
  /** Offset of the header in the bytes that were walked. */
  offset: number;
  length: number;
}

export interface Ipv6Fragment {
  /** Fragment offset in bytes (the field × 8). */
  offset: number;
  more: boolean;
  id: number;
  /** Next Header of the Fragment header: the first header of the fragmentable part. */
  nextHeader: number;
}

export interface Ipv6Fields {
  version: 6;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  /** Next Header of the fixed header. */
  nextHeader: number;
  hopLimit: number;
  /** Source address (a view of 16 bytes; see address.ts for text). */
  src: Uint8Array;
  dst: Uint8Array;
  /** Extension headers walked, in order (shared empty array when none). */
  extensions: readonly Ipv6Extension[];
  /** Present when a Fragment header was met that makes this packet a real fragment. */
  fragment?: Ipv6Fragment;
  /** Upper-layer protocol (or, for a fragment, the fragmentable part's first header). */
  protocol: number;
}

export interface Ipv6Walk {
  protocol: number;
  /** Where the upper-layer data (or the fragmentable part) starts. */
  offset: number;
  extensions: readonly Ipv6Extension[];
  fragment?: Ipv6Fragment;
}

const HEADER = 40;
const NO_EXTENSIONS: readonly Ipv6Extension[] = Object.freeze([]);
/** More than this many extension headers in one packet is treated as malformed. */
const MAX_EXTENSIONS = 16;

/**
 * Walk extension headers from `offset` (whose type is `next`) up to `end`.
 *
 * RFC 8200 §4.3/§4.4/§4.6: Hop-by-Hop, Routing and Destination Options carry
 * "Hdr Ext Len: 8-bit unsigned integer. Length of the ... header in 8-octet
 * units, not including the first 8 octets."
 * RFC 8200 §4.5: the Fragment header is 8 octets: Next Header, Reserved,
 * "Fragment Offset: 13-bit unsigned integer. The offset, in 8-octet units",
 * Res, M flag ("1 = more fragments; 0 = last fragment"), Identification (32).
 * RFC 6946 §4: a fragment with offset 0 and M = 0 (an "atomic fragment") is
 * processed as a whole packet, so the walk goes on past it.
 * RFC 4302 §2.2: AH "Payload Length ... specifies the length of AH in 32-bit
 * words (4-byte units), minus "2"."
 */
export function walkIpv6Extensions(
  bytes: Uint8Array,
  offset: number,
  next: number,
  end: number,
): Ipv6Walk | string {
  let o = offset;
  let extensions: Ipv6Extension[] | undefined;
  let fragment: Ipv6Fragment | undefined;
  for (let n = 0; ; n++) {
    let length: number;
    if (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_DSTOPTS) {
      if (end - o < 8) return `IPv6 extension header ${next} truncated`;
      length = (bytes[o + 1] + 1) * 8;
    } else if (next === IPPROTO_AH) {
      if (end - o < 8) return 'IPv6 AH header truncated';
      length = (bytes[o + 1] + 2) * 4;
    } else if (next === IPPROTO_FRAGMENT) {
      if (end - o < 8) return 'IPv6 fragment header truncated';
      length = 8;
    } else {
      return { protocol: next, offset: o, extensions: extensions ?? NO_EXTENSIONS, fragment };
    }
    if (n >= MAX_EXTENSIONS) return `more than ${MAX_EXTENSIONS} IPv6 extension headers`;
    if (end - o < length) return `IPv6 extension header ${next} of ${length} bytes truncated`;
    if (extensions === undefined) extensions = [];
    extensions.push({ type: next, offset: o, length });
    const following = bytes[o];
    if (next === IPPROTO_FRAGMENT) {
      const offMore = u16(bytes, o + 2);
      const frag: Ipv6Fragment = {
        offset: offMore & 0xfff8,
        more: (offMore & 1) !== 0,
        id: u32(bytes, o + 4),
        nextHeader: following,
      };
      if (frag.offset !== 0 || frag.more) {
        return { protocol: following, offset: o + 8, extensions, fragment: frag };
      }
    }
    o += length;
    next = following;
  }
}

/**
 * RFC 8200 §3: Version (4) = 6, Traffic Class (8), Flow Label (20),
 * "Payload Length: 16-bit unsigned integer. Length of the IPv6 payload, i.e.,
 * the rest of the packet following this IPv6 header, in octets", Next Header,
 * Hop Limit, Source and Destination Address (128 bits each).
 * A Payload Length of 0 (RFC 2675 jumbogram, or segmentation offload) uses the
 * captured length; a longer one than captured is clamped.
 */
export function decodeIpv6(bytes: Uint8Array, offset: number): LayerResult<Ipv6Fields> {
  const avail = bytes.length - offset;
  if (avail < HEADER) return fail(`IPv6 header truncated (${avail} of 40 bytes)`);
  const version = bytes[offset] >>> 4;
  if (version !== 6) return fail(`IP version ${version} in an IPv6 packet`);
  const payloadLength = u16(bytes, offset + 4);
  const start = offset + HEADER;
  let end = start + payloadLength;
  let issue: string | undefined;
  if (payloadLength === 0) {
    end = bytes.length;
    if (end > start)
      issue = 'IPv6 payload length 0 (jumbogram or segmentation offload); using the captured length';
  } else if (end > bytes.length) {
    issue = `IPv6 payload length ${payloadLength} exceeds the ${avail - HEADER} captured bytes; clamped`;
    end = bytes.length;
  }
  const nextHeader = bytes[offset + 6];
  const walk = walkIpv6Extensions(bytes, start, nextHeader, end);
  if (typeof walk === 'string') return fail(walk);
  const fields: Ipv6Fields = {
    version: 6,
    trafficClass: ((bytes[offset] & 0x0f) << 4) | (bytes[offset + 1] >>> 4),
    flowLabel: ((bytes[offset + 1] & 0x0f) << 16) | u16(bytes, offset + 2),
    payloadLength,
    nextHeader,
    hopLimit: bytes[offset + 7],
    src: bytes.subarray(offset + 8, offset + 24),
    dst: bytes.subarray(offset + 24, offset + 40),
    extensions: walk.extensions,
    protocol: walk.protocol,
  };
  if (walk.fragment) fields.fragment = walk.fragment;
  const payload = bytes.subarray(walk.offset, end);
  return issue === undefined
    ? { ok: true, fields, payload, next: walk.protocol }
    : { ok: true, fields, payload, next: walk.protocol, issue };
}
