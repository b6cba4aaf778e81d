/**
 * Decrypting one protected record with node:crypto (RFC 8446 §5.2, RFC 5246
 * §6.2.3.3, RFC 5288 §3, RFC 7905 §2). Returns null when the record does not
 * authenticate (wrong key, corrupted bytes): a fact about the input, counted
 * by the caller, never a throw.
 */
import { createDecipheriv } from 'node:crypto';
import type { AeadCipher, CipherSuite } from './suites.js';
import type { TrafficKey } from './tls13-keys.js';

const TAG_LEN = 16;

/** The 64-bit sequence number XORed into the last 8 bytes of a 12-byte IV (RFC 8446 §5.3, RFC 7905 §2). */
export function perRecordNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = Uint8Array.from(iv);
  let s = seq;
  for (let k = 11; k >= 4; k--) {
    nonce[k] ^= Number(s & 0xffn);
    s >>= 8n;
  }
  return nonce;
}

/**
 * seq_num (8, big-endian) || type || version (2) || length (2), the type and version those of
 * the record `header`: what TLS 1.2 authenticates besides the content, as the AEAD's
 * additional_data (RFC 5246 §6.2.3.3) and ahead of the content in a CBC suite's MAC (§6.2.3.1).
 */
export function tls12AuthHeader(seq: bigint, header: Uint8Array, length: number): Uint8Array {
  const h = new Uint8Array(13);
  let s = seq;
  for (let k = 7; k >= 0; k--) {
    h[k] = Number(s & 0xffn);
    s >>= 8n;
  }
  h[8] = header[0];
  h[9] = header[1];
  h[10] = header[2];
  h[11] = length >> 8;
  h[12] = length & 0xff;
  return h;
}

export function aeadOpen(
  cipher: AeadCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  if (sealed.length < TAG_LEN) return null;
  try {
    // The union of string literals does not select one of node's overloads: name the GCM one.
    const d = createDecipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: TAG_LEN });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
    const head = d.update(sealed.subarray(0, sealed.length - TAG_LEN));
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    // Authentication failed ("Unsupported state or unable to authenticate data"): not our bug.
    return null;
  }
}

/**
 * RFC 8446 §5.2: additional_data = TLSCiphertext.opaque_type || legacy_record_version || length
 * (the record header as sent); nonce per §5.3. The plaintext is TLSInnerPlaintext:
 * content || ContentType type || zeros; RFC 8446 §5.4: the type is the last non-zero byte.
 * Returns the inner content type and content, or null (no authentication, or all zeros).
 */
export function openTls13(
  suite: CipherSuite,
  k: TrafficKey,
  seq: bigint,
  header: Uint8Array,
  fragment: Uint8Array,
): { type: number; content: Uint8Array } | null {
  const plain = aeadOpen(suite.cipher as AeadCipher, k.key, perRecordNonce(k.iv, seq), header, fragment);
  if (plain === null) return null;
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  // "If a receiving implementation does not find a non-zero octet in the cleartext, it MUST
  // terminate the connection with an "unexpected_message" alert."
  if (end === 0) return null;
  return { type: plain[end - 1], content: plain.subarray(0, end - 1) };
}

/**
 * RFC 5246 §6.2.3.3: additional_data = seq_num + TLSCompressed.type + TLSCompressed.version +
 * TLSCompressed.length (the plaintext's length). GCM (RFC 5288 §3): nonce = salt (4, the
 * implicit write IV) + nonce_explicit (8, the first bytes of the fragment). ChaCha20-Poly1305
 * (RFC 7905 §2): nonce = write IV XOR the padded sequence number, no explicit part.
 */
export function openTls12(
  suite: CipherSuite,
  k: TrafficKey,
  seq: bigint,
  header: Uint8Array,
  fragment: Uint8Array,
): Uint8Array | null {
  let nonce: Uint8Array;
  let sealed: Uint8Array;
  if (suite.cipher === 'chacha20-poly1305') {
    nonce = perRecordNonce(k.iv, seq);
    sealed = fragment;
  } else {
    if (fragment.length < 8 + TAG_LEN) return null;
    nonce = new Uint8Array(12);
    nonce.set(k.iv.subarray(0, 4));
    nonce.set(fragment.subarray(0, 8), 4);
    sealed = fragment.subarray(8);
  }
  if (sealed.length < TAG_LEN) return null;
  const aad = tls12AuthHeader(seq, header, sealed.length - TAG_LEN);
  return aeadOpen(suite.cipher as AeadCipher, k.key, nonce, aad, sealed);
}
