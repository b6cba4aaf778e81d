/**
 * TLS 1.3 traffic keys from the traffic secrets of the key log (RFC 8446 §7).
 */
import { createHmac } from 'node:crypto';
import type { CipherSuite } from './suites.js';

export interface TrafficKey {
  key: Uint8Array;
  iv: Uint8Array;
  /** TLS 1.2 CBC suites: the write MAC key (RFC 5246 §6.3). */
  macKey?: Uint8Array;
}

const HASH_LEN = { sha256: 32, sha384: 48 } as const;

/** RFC 5869 §2.3 HKDF-Expand(PRK, info, L). */
export function hkdfExpand(
  hash: 'sha256' | 'sha384',
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  let filled = 0;
  for (let n = 1; filled < length; n++) {
    t = createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(n)).digest();
    const take = Math.min(t.length, length - filled);
    out.set(t.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

/**
 * RFC 8446 §7.1:
 *   HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255> = Context; } HkdfLabel;
 */
export function hkdfExpandLabel(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const full = new TextEncoder().encode(`tls13 ${label}`);
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/**
 * RFC 8446 §7.3: "[sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 * [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length)".
 */
export function tls13TrafficKey(suite: CipherSuite, secret: Uint8Array): TrafficKey {
  const none = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', none, suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', none, 12),
  };
}

/**
 * RFC 8446 §7.2: "application_traffic_secret_N+1 =
 * HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)".
 */
export function tls13NextSecret(suite: CipherSuite, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', new Uint8Array(0), HASH_LEN[suite.hash]);
}
