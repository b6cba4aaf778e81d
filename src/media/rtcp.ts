/**
 * RTCP sender and receiver reports (RFC 3550 §6.4): what each end of an RTP
 * session says about the media it sent and received. A receiver report
 * block gives, for one source (SSRC), the fraction of its packets lost since
 * the previous report, the packets lost in all, the interarrival jitter the
 * receiver measured, and the time since the last sender report it got
 * (LSR, DLSR), from which the round trip is reckoned (§6.4.1).
 *
 * A UDP datagram of RTCP is a compound packet (§6.1): several RTCP packets,
 * each with its own header and length, the first SR or RR. Other packet types
 * (SDES, BYE, APP, feedback) are stepped over; XR is read when asked.
 */
import { parseXr, type RtcpXr, XR } from './rtcp-xr.js';

/** One report block (§6.4.1): what the reporter received from source `ssrc`. */
export interface RtcpReportBlock {
  /** The source reported on (uint32). */
  ssrc: number;
  /** Fraction of its packets lost since the previous report, in 256ths (0–255). */
  fractionLost: number;
  /** Packets lost since reception began; negative when duplicates outnumber losses (24-bit signed). */
  cumulativeLost: number;
  /** Extended highest sequence number received (uint32: cycles · 65536 + sequence). */
  highestSequence: number;
  /** Interarrival jitter, in the source's RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from the source (0: none yet). */
  lsr: number;
  /** Delay since that SR was received, in 1/65536 s (0 when `lsr` is 0). */
  dlsr: number;
}

/** A sender report's sender info (§6.4.1). */
export interface RtcpSenderInfo {
  /** Middle 32 bits of its NTP timestamp: what a later report's LSR names it by. */
  ntpMiddle: number;
  rtpTimestamp: number;
  /** Packets and payload octets sent since the sender started (uint32). */
  packets: number;
  octets: number;
}

/** An SR (sender info set) or RR (none) of a compound packet. */
export interface RtcpReport {
  /** The reporter's SSRC. */
  ssrc: number;
  sender: RtcpSenderInfo | null;
  blocks: RtcpReportBlock[];
}

const SR = 200;
const RR = 201;

const u32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/**
 * The SRs and RRs of one compound RTCP packet, or null when it is not one:
 * the first packet version 2, an SR or RR (§6.1, the validity checks of
 * A.2), with a length (in 32-bit words minus one) inside the datagram and
 * room for its report count. What follows a valid first packet is read as
 * far as it is valid: implementations send a few bytes of junk after the
 * last packet (Wireshark shows them as extra data), and the reports before
 * them stand. Never throws. With `xr`, the Extended Reports (RFC 3611,
 * rtcp-xr.ts) of the compound are added to it.
 */
export function parseRtcp(bytes: Uint8Array, xr?: RtcpXr[]): RtcpReport[] | null {
  const len = bytes.length;
  const out: RtcpReport[] = [];
  let at = 0;
  while (at < len) {
    // Past the first packet, an invalid one ends the reading (null for the first).
    const stop = at === 0 ? null : out;
    if (at + 4 > len || bytes[at] >> 6 !== 2) return stop;
    const count = bytes[at] & 0x1f;
    const type = bytes[at + 1];
    const size = (((bytes[at + 2] << 8) | bytes[at + 3]) + 1) * 4;
    if (at + size > len) return stop;
    if (at === 0 && type !== SR && type !== RR) return null;
    if (type === SR || type === RR) {
      const head = type === SR ? 28 : 8;
      if (size < head + 24 * count) return stop;
      const sender =
        type === SR
          ? {
              ntpMiddle: ((u32(bytes, at + 8) & 0xffff) * 65536 + (u32(bytes, at + 12) >>> 16)) >>> 0,
              rtpTimestamp: u32(bytes, at + 16),
              packets: u32(bytes, at + 20),
              octets: u32(bytes, at + 24),
            }
          : null;
      const blocks: RtcpReportBlock[] = [];
      for (let k = 0; k < count; k++) {
        const o = at + head + 24 * k;
        const lost = (bytes[o + 5] << 16) | (bytes[o + 6] << 8) | bytes[o + 7];
        blocks.push({
          ssrc: u32(bytes, o),
          fractionLost: bytes[o + 4],
          cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
          highestSequence: u32(bytes, o + 8),
          jitter: u32(bytes, o + 12),
          lsr: u32(bytes, o + 16),
          dlsr: u32(bytes, o + 20),
        });
      }
      out.push({ ssrc: u32(bytes, at + 4), sender, blocks });
    } else if (type === XR && xr !== undefined) xr.push(parseXr(bytes, at, size));
    at += size;
  }
  return out;
}
