/**
 * SRTP's crypto suites as SDES names them (RFC 4568 §6.2, RFC 6188 §7) and
 * the session keys of a master key (RFC 3711 §4.3).
 *
 * RFC 3711 §4.3.1: "Let r = index DIV key_derivation_rate ... key_id =
 * <label> || r. Let x = key_id XOR master_salt, where key_id and master_salt
 * are aligned so that their least significant bits agree (right-alignment)";
 * each session key is then the first n bits of AES-CM keyed by the master key
 * with x·2^16 as its counter block (§4.3.3). Labels 0x00, 0x01, 0x02 are
 * SRTP's encryption key, authentication key and salt; 0x03, 0x04, 0x05
 * SRTCP's (§4.3.2), from the same master key. Only a
 * key_derivation_rate of 0 is done (r = 0, the default, §4.3.1, and what
 * RFC 4568's KDR leaves it at when absent): the keys are derived once.
 */
import { createCipheriv } from 'node:crypto';

export interface SrtpSuite {
  name: string;
  /** Master and session encryption key bytes: 16 (AES-128), 24 or 32 (RFC 6188). */
  keyBytes: number;
  /** Master and session salt bytes (112 bits for all of them). */
  saltBytes: number;
  /** Bytes of HMAC-SHA1 kept as the SRTP authentication tag (80 or 32 bits). */
  tagBytes: number;
  /**
   * Bytes of the SRTCP tag: 80 bits for every one of them, the _32 suites
   * included (RFC 4568 §6.2.2 "SRTCP auth tag length 80 bits", RFC 6188 §7.2;
   * RFC 3711 §7.5 keeps short tags to SRTP).
   */
  rtcpTagBytes: number;
  /**
   * AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714): AES-GCM encrypts and
   * authenticates, its 16-byte tag after the ciphertext (before any MKI),
   * the salt 96 bits; no HMAC.
   */
  aead: boolean;
}

/** The suites: AES-CM with HMAC-SHA1 (RFC 4568 §6.2.1–6.2.2, RFC 6188 §7.1–7.2) and AES-GCM (RFC 7714). */
export const SRTP_SUITES: ReadonlyMap<string, SrtpSuite> = new Map(
  (
    [
      ['AES_CM_128_HMAC_SHA1_80', 16, 10],
      ['AES_CM_128_HMAC_SHA1_32', 16, 4],
      ['AES_192_CM_HMAC_SHA1_80', 24, 10],
      ['AES_192_CM_HMAC_SHA1_32', 24, 4],
      ['AES_256_CM_HMAC_SHA1_80', 32, 10],
      ['AES_256_CM_HMAC_SHA1_32', 32, 4],
    ] as const
  )
    .map(([name, keyBytes, tagBytes]): [string, SrtpSuite] => [
      name,
      { name, keyBytes, saltBytes: 14, tagBytes, rtcpTagBytes: 10, aead: false },
    ])
    .concat(
      // RFC 7714 §14.2: the SDES names; §12: 128- or 256-bit key, 96-bit salt, 16-byte tag.
      ([16, 32] as const).map((keyBytes): [string, SrtpSuite] => {
        const name = `AEAD_AES_${keyBytes * 8}_GCM`;
        return [name, { name, keyBytes, saltBytes: 12, tagBytes: 16, rtcpTagBytes: 16, aead: true }];
      }),
    ),
);

/** RFC 3711 §4.2.1: n_a, the HMAC-SHA1 key, is 160 bits. */
export const AUTH_KEY_BYTES = 20;

export interface SessionKeys {
  /** k_e: the AES-CM key. */
  encryption: Buffer;
  /** k_a: the HMAC-SHA1 key. */
  authentication: Buffer;
  /** k_s: 112 bits (96 for AES-GCM). */
  salt: Buffer;
}

/** `aes-128-ctr`… for a key of that many bytes. */
export const ctrCipher = (key: Uint8Array): string => `aes-${key.length * 8}-ctr`;

/**
 * AES-CM (RFC 3711 §4.1.1): `length` bytes of keystream from counter block
 * `iv` (16 bytes), the block counter running on in its last 16 bits and past
 * them as a 128-bit big-endian number, as node's CTR mode does (the same for
 * the 2^16 blocks a packet can have).
 */
export function keystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  return createCipheriv(ctrCipher(key), key, iv).update(Buffer.alloc(length));
}

/**
 * RFC 3711 §4.3.1–4.3.3: one session key of `length` bytes, label `label`, r = 0.
 * A 96-bit AES-GCM master salt (RFC 7714 §11, the AES-CM PRF) fills the first
 * 12 of the 14 bytes, the last two 0: RFC 7714 erratum 4938 (verified) says
 * the salt is multiplied by 2^16 to make the PRF's 112-bit master salt, as
 * libSRTP pads it.
 */
function derive(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  // The 112-bit salt fills bytes 0–13; key_id = label (8 bits) || r (48 bits, 0) ends at byte 13.
  iv.set(masterSalt.subarray(0, 14), 0);
  iv[7] ^= label;
  return keystream(masterKey, iv, length);
}

/**
 * The session keys of a master key and salt, key_derivation_rate 0: SRTP's
 * (labels 0x00, 0x01, 0x02), or SRTCP's when `rtcp` (0x03, 0x04, 0x05,
 * RFC 3711 §4.3.2).
 */
export function sessionKeys(masterKey: Uint8Array, masterSalt: Uint8Array, rtcp = false): SessionKeys {
  const label = rtcp ? 0x03 : 0x00;
  return {
    encryption: derive(masterKey, masterSalt, label, masterKey.length),
    authentication: derive(masterKey, masterSalt, label + 1, AUTH_KEY_BYTES),
    // 112 bits, or 96 for AES-GCM (RFC 7714 §11).
    salt: derive(masterKey, masterSalt, label + 2, Math.min(masterSalt.length, 14)),
  };
}

/**
 * RFC 3711 §4.1.1: "IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)",
 * i = 2^16·ROC + SEQ (48 bits), written into `out` (16 bytes).
 */
export function packetIv(salt: Uint8Array, ssrc: number, roc: number, seq: number, out: Uint8Array): void {
  out.fill(0);
  out.set(salt.subarray(0, 14), 0);
  out[4] ^= ssrc >>> 24;
  out[5] ^= (ssrc >>> 16) & 0xff;
  out[6] ^= (ssrc >>> 8) & 0xff;
  out[7] ^= ssrc & 0xff;
  out[8] ^= roc >>> 24;
  out[9] ^= (roc >>> 16) & 0xff;
  out[10] ^= (roc >>> 8) & 0xff;
  out[11] ^= roc & 0xff;
  out[12] ^= seq >>> 8;
  out[13] ^= seq & 0xff;
}
