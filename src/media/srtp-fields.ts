/**
 * Fields of SRTP and SRTCP packets read where they sit, for the receivers
 * (srtp.ts, srtcp.ts) and AES-GCM's IVs (srtp-gcm.ts): no imports, so each
 * of them reads the same bytes the same way.
 */

/** The SSRC of an RTP packet (bytes 8–11), or of an RTCP one with `at` 4 (the sender's, bytes 4–7), unsigned. */
export const ssrcOf = (b: Uint8Array, at = 8): number =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** The 31-bit SRTCP index of the E flag + index word at `at` (RFC 3711 §3.4, RFC 7714 §9). */
export const srtcpIndexAt = (b: Uint8Array, at: number): number =>
  ((b[at] & 0x7f) << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
