/**
 * AES-GCM for SRTP and SRTCP (RFC 7714): the 12-byte IVs and the
 * authenticated decryption of one packet's ciphertext and 16-byte tag.
 *
 * - SRTP IV (§8.1): "00 00 || SSRC || ROC || SEQ" (2 + 4 + 4 + 2 bytes)
 *   XOR the 96-bit session salt; the associated data is the RTP header,
 *   CSRCs and extension included (§8.2).
 * - SRTCP IV (§9.1): "00 00 || SSRC || 00 00 || 0 || SRTCP index" (2 + 4 +
 *   2 + 4 bytes, the index's 31 bits) XOR the session salt; the associated
 *   data the first 8 bytes of the packet and the E flag + index word, or,
 *   with E = 0, the whole packet and that word with nothing encrypted (§9.2).
 */
import { createDecipheriv } from 'node:crypto';
import { srtcpIndexAt, ssrcOf } from './srtp-fields.js';

/** RFC 7714 §8.1: the SRTP IV of a packet, written into `out` (12 bytes). */
export function gcmIv(salt: Uint8Array, ssrc: number, roc: number, seq: number, out: Uint8Array): void {
  out.fill(0);
  out[2] = ssrc >>> 24;
  out[3] = (ssrc >>> 16) & 0xff;
  out[4] = (ssrc >>> 8) & 0xff;
  out[5] = ssrc & 0xff;
  out[6] = roc >>> 24;
  out[7] = (roc >>> 16) & 0xff;
  out[8] = (roc >>> 8) & 0xff;
  out[9] = roc & 0xff;
  out[10] = seq >>> 8;
  out[11] = seq & 0xff;
  for (let i = 0; i < 12; i++) out[i] ^= salt[i];
}

/** RFC 7714 §9.1: the SRTCP IV of a packet of SRTCP index `index` (31 bits), into `out` (12 bytes). */
export function gcmRtcpIv(salt: Uint8Array, ssrc: number, index: number, out: Uint8Array): void {
  gcmIv(salt, ssrc, 0, 0, out);
  out[8] ^= (index >>> 24) & 0x7f;
  out[9] ^= (index >>> 16) & 0xff;
  out[10] ^= (index >>> 8) & 0xff;
  out[11] ^= index & 0xff;
}

/**
 * The plaintext of `ciphertext` under AES-GCM (key of 16 or 32 bytes), its
 * associated data the `aad` parts in order, or null when `tag` does not
 * verify (nothing of it is given then).
 */
export function gcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  aad: readonly Uint8Array[],
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Buffer | null {
  const d = createDecipheriv(key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm', key, iv, {
    authTagLength: tag.length,
  });
  d.setAAD(aad.length === 1 ? aad[0] : Buffer.concat(aad));
  d.setAuthTag(tag);
  const out = d.update(ciphertext);
  try {
    d.final();
  } catch {
    // "Unsupported state or unable to authenticate data": the tag is what failed, and that is the answer.
    return null;
  }
  return out;
}

/** What opens packets: the session encryption key and salt (srtp-keys.ts SessionKeys). */
export interface GcmKeys {
  encryption: Uint8Array;
  salt: Uint8Array;
}

/**
 * The payload in clear (its padding still on) of the SRTP packet `bytes`
 * whose header ends at `headerLength` and ciphertext at `end` (the 16-byte
 * tag after it), sent with ROC `roc`; null when the tag fails. `iv`: 12
 * bytes to write the IV in.
 */
export function gcmRtp(
  keys: GcmKeys,
  bytes: Uint8Array,
  headerLength: number,
  end: number,
  roc: number,
  iv: Uint8Array,
): Buffer | null {
  gcmIv(keys.salt, ssrcOf(bytes), roc, (bytes[2] << 8) | bytes[3], iv);
  return gcmOpen(
    keys.encryption,
    iv,
    [bytes.subarray(0, headerLength)],
    bytes.subarray(headerLength, end),
    bytes.subarray(end, end + GCM_TAG_BYTES),
  );
}

/** RFC 7714 §12: the tag of both suites, SRTP and SRTCP alike. */
export const GCM_TAG_BYTES = 16;

/**
 * The compound RTCP packet in clear of the SRTCP packet `bytes` (RFC 7714
 * §9: | header (8) | ciphertext | tag (16) | E + index | [MKI of `mkiLength`] |),
 * or null when it is too short or its tag fails. With E set the header and
 * the index word are the associated data; with E clear the whole packet and
 * the word are, and nothing is encrypted.
 */
export function gcmRtcp(
  keys: GcmKeys,
  bytes: Uint8Array,
  mkiLength: number,
  iv: Uint8Array,
): Uint8Array | null {
  const at = bytes.length - mkiLength - 4;
  const tagAt = at - GCM_TAG_BYTES;
  if (tagAt < 8) return null;
  gcmRtcpIv(keys.salt, ssrcOf(bytes, 4), srtcpIndexAt(bytes, at), iv);
  const head = bytes.subarray(0, (bytes[at] & 0x80) !== 0 ? 8 : tagAt);
  const word = bytes.subarray(at, at + 4);
  const clear = gcmOpen(
    keys.encryption,
    iv,
    [head, word],
    bytes.subarray(head.length, tagAt),
    bytes.subarray(tagAt, at),
  );
  if (clear === null) return null;
  const out = new Uint8Array(head.length + clear.length);
  out.set(head, 0);
  out.set(clear, head.length);
  return out;
}
