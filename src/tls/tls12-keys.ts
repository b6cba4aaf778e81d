/**
 * TLS 1.2 key expansion from the master secret of the key log (RFC 5246 §5,
 * §6.3): MAC keys for the CBC suites, none for AEAD ones.
 */
import { createHmac } from 'node:crypto';
import type { CipherSuite } from './suites.js';
import type { TrafficKey } from './tls13-keys.js';

/**
 * RFC 5246 §5: P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 * with A(0) = seed, A(i) = HMAC_hash(secret, A(i-1)); PRF(secret, label, seed) = P_<hash>(secret, label + seed).
 */
export function prf(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed;
  let filled = 0;
  while (filled < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    const take = Math.min(block.length, length - filled);
    out.set(block.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

/**
 * RFC 5246 §6.3: key_block = PRF(SecurityParameters.master_secret, "key expansion",
 * SecurityParameters.server_random + SecurityParameters.client_random), partitioned as
 * client_write_MAC_key, server_write_MAC_key (empty for AEAD), client_write_key,
 * server_write_key, client_write_IV, server_write_IV.
 */
export function tls12KeyBlock(
  suite: CipherSuite,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): { client: TrafficKey; server: TrafficKey } {
  const m = suite.mac?.length ?? 0;
  const k = suite.keyLength;
  const v = suite.ivLength;
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const block = prf(suite.hash, masterSecret, 'key expansion', seed, 2 * m + 2 * k + 2 * v);
  const key = (at: number) => block.slice(2 * m + at, 2 * m + at + k);
  const iv = (at: number) => block.slice(2 * m + 2 * k + at, 2 * m + 2 * k + at + v);
  const client: TrafficKey = { key: key(0), iv: iv(0) };
  const server: TrafficKey = { key: key(k), iv: iv(v) };
  if (m > 0) {
    client.macKey = block.slice(0, m);
    server.macKey = block.slice(m, 2 * m);
  }
  return { client, server };
}
