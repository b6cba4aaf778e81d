/** RTP fixed header (RFC 3550 §5.1) and the RTP/RTCP split on one port (RFC 5761 §4). */

export interface RtpHeader {
  version: 2;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  /** uint32. */
  timestamp: number;
  /** uint32, unsigned. */
  ssrc: number;
  /** Bytes of header: the 12 fixed ones, the CSRCs and the extension. */
  headerLength: number;
  /** Bytes after the header, the padding left out. */
  payloadLength: number;
}

/** The one object parseRtp fills: no allocation per packet. */
const header: RtpHeader = {
  version: 2,
  padding: false,
  extension: false,
  csrcCount: 0,
  marker: false,
  payloadType: 0,
  sequence: 0,
  timestamp: 0,
  ssrc: 0,
  headerLength: 12,
  payloadLength: 0,
};

/**
 * The RTP header of one UDP payload (RFC 3550 §5.1), or null unless it passes
 * the validity checks of RFC 3550 Appendix A.1: at least 12 bytes, version 2,
 * the CSRC list (4·CC bytes) and, when X is set, the extension (§5.3.1: 4
 * bytes, then 4·length) inside the packet; when P is set the last byte, the
 * padding count including itself, is 1 or more and no more than the bytes
 * after the header. Payload types 72–76 are refused: with M set those second
 * bytes (200–204) are RTCP SR/RR/SDES/BYE/APP (RFC 5761 §4). Never throws.
 *
 * `sealed`: the packet may be SRTP, whose padding and its count are
 * encrypted with the payload (RFC 3711 §3.1) and its last bytes a tag:
 * the count is not read and `payloadLength` runs to the end of the packet
 * (what decrypts it removes the padding, srtp.ts).
 *
 * The result is ONE REUSED OBJECT, valid until the next call: copy what you keep.
 */
export function parseRtp(bytes: Uint8Array, sealed = false): RtpHeader | null {
  const len = bytes.length;
  if (len < 12) return null;
  const b0 = bytes[0];
  if (b0 >> 6 !== 2) return null;
  const payloadType = bytes[1] & 0x7f;
  if (payloadType >= 72 && payloadType <= 76) return null;
  const csrcCount = b0 & 0x0f;
  let headerLength = 12 + 4 * csrcCount;
  const extension = (b0 & 0x10) !== 0;
  if (extension) {
    if (headerLength + 4 > len) return null;
    headerLength += 4 + 4 * ((bytes[headerLength + 2] << 8) | bytes[headerLength + 3]);
  }
  if (headerLength > len) return null;
  const padding = (b0 & 0x20) !== 0;
  let pad = 0;
  if (padding && !sealed) {
    pad = bytes[len - 1];
    if (pad === 0 || pad > len - headerLength) return null;
  }
  header.padding = padding;
  header.extension = extension;
  header.csrcCount = csrcCount;
  header.marker = (bytes[1] & 0x80) !== 0;
  header.payloadType = payloadType;
  header.sequence = (bytes[2] << 8) | bytes[3];
  header.timestamp = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  header.ssrc = ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0;
  header.headerLength = headerLength;
  header.payloadLength = len - headerLength - pad;
  return header;
}

/**
 * True for an RTCP packet: version 2, at least the 8 bytes of an empty RR,
 * and packet type SR, RR, SDES, BYE or APP (200–204, RFC 3550 §6.4–6.7), the
 * types that tell RTCP from RTP on a shared port (RFC 5761 §4). A compound
 * packet starts with SR or RR (§6.1); this looks at the first packet only.
 */
export function isRtcp(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] >> 6 === 2 && bytes[1] >= 200 && bytes[1] <= 204;
}
