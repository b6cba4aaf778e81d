/**
 * Opening one TLS 1.2 record of an AES-CBC suite (RFC 5246 §6.2.3.2), its
 * MAC checked before anything is handed on. Returns null when the record
 * does not check (wrong key, corrupted bytes, bad padding): a fact about the
 * input, counted by the caller, never a throw.
 *
 * - MAC-then-encrypt (RFC 5246): fragment = IV || E(content || MAC || padding || padding_length),
 *   MAC = HMAC(mac_key, seq_num || type || version || length || content).
 * - Encrypt-then-MAC (RFC 7366 §3, when the ServerHello echoed the extension):
 *   fragment = IV || E(content || padding || padding_length) || MAC, the MAC over
 *   seq_num || type || version || length || IV || ciphertext, length being that of IV || ciphertext.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import { tls12AuthHeader } from './aead.js';
import type { CipherSuite } from './suites.js';
import type { TrafficKey } from './tls13-keys.js';

const BLOCK = 16;

function hmac(
  suite: CipherSuite,
  key: Uint8Array,
  seq: bigint,
  header: Uint8Array,
  body: Uint8Array,
): Buffer {
  return createHmac(suite.mac!.hash, key)
    .update(tls12AuthHeader(seq, header, body.length))
    .update(body)
    .digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** AES-CBC without padding removal; null when the ciphertext is not whole blocks. */
function decryptBlocks(suite: CipherSuite, key: Uint8Array, iv: Uint8Array, c: Uint8Array): Buffer | null {
  if (c.length === 0 || c.length % BLOCK !== 0) return null;
  const d = createDecipheriv(suite.cipher as 'aes-128-cbc', key, iv);
  d.setAutoPadding(false);
  const head = d.update(c);
  const tail = d.final();
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}

/**
 * RFC 5246 §6.2.3.2: "Each uint8 in the padding data vector MUST be filled with the padding
 * length value. The receiver MUST check this padding". The length without the padding, or -1.
 */
function unpadded(p: Uint8Array): number {
  if (p.length === 0) return -1;
  const n = p[p.length - 1];
  if (n + 1 > p.length) return -1;
  for (let i = p.length - 1 - n; i < p.length - 1; i++) if (p[i] !== n) return -1;
  return p.length - 1 - n;
}

export function openTls12Cbc(
  suite: CipherSuite,
  k: TrafficKey,
  seq: bigint,
  header: Uint8Array,
  fragment: Uint8Array,
  encryptThenMac: boolean,
): Uint8Array | null {
  const macKey = k.macKey;
  const macLen = suite.mac?.length ?? 0;
  if (macKey === undefined || macLen === 0) return null;
  if (encryptThenMac) {
    if (fragment.length < 2 * BLOCK + macLen) return null;
    const sealed = fragment.subarray(0, fragment.length - macLen);
    if (!sameBytes(hmac(suite, macKey, seq, header, sealed), fragment.subarray(sealed.length))) return null;
    const plain = decryptBlocks(suite, k.key, sealed.subarray(0, BLOCK), sealed.subarray(BLOCK));
    if (plain === null) return null;
    const len = unpadded(plain);
    return len < 0 ? null : plain.subarray(0, len);
  }
  if (fragment.length < 2 * BLOCK) return null;
  const plain = decryptBlocks(suite, k.key, fragment.subarray(0, BLOCK), fragment.subarray(BLOCK));
  if (plain === null) return null;
  const len = unpadded(plain) - macLen;
  if (len < 0) return null;
  const content = plain.subarray(0, len);
  return sameBytes(hmac(suite, macKey, seq, header, content), plain.subarray(len, len + macLen))
    ? content
    : null;
}
