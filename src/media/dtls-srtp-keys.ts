/**
 * DTLS-SRTP keys (RFC 5764 §4.2) from a DTLS 1.2 handshake's master secret
 * (the key log's `CLIENT_RANDOM` line) and its two randoms: the TLS exporter
 * of RFC 5705 §4 with the label "EXTRACTOR-dtls_srtp" and no context,
 *
 *   PRF(master_secret, "EXTRACTOR-dtls_srtp", client_random + server_random)[2 * (key_len + salt_len)]
 *
 * (the TLS 1.2 PRF of RFC 5246 §5 with the cipher suite's hash: SHA-256,
 * or SHA-384 for a _SHA384 suite), cut as RFC 5764 §4.2 says:
 * client_write_SRTP_master_key, server_write_SRTP_master_key,
 * client_write_SRTP_master_salt, server_write_SRTP_master_salt. What the
 * DTLS client sends is protected with the client's key and salt, what the
 * server sends with the server's (§4.2: "the client_write_SRTP_master_key
 * ... for the SRTP packets sent by the client").
 */
import type { TlsKeyLog } from '../tls/keylog.js';
import { cipherSuite } from '../tls/suites.js';
import { prf } from '../tls/tls12-keys.js';
import type { SrtpSetup } from './srtp.js';
import { SRTP_SUITES } from './srtp-keys.js';
import type { SrtpSummary } from './srtp-summary.js';

/** RFC 5764 §4.1.2 and RFC 7714 §14.2: the SRTP protection profiles, and the suite of each as SDES names it. */
const PROFILES: ReadonlyMap<number, { name: string; suite: string }> = new Map([
  [0x0001, { name: 'SRTP_AES128_CM_HMAC_SHA1_80', suite: 'AES_CM_128_HMAC_SHA1_80' }],
  [0x0002, { name: 'SRTP_AES128_CM_HMAC_SHA1_32', suite: 'AES_CM_128_HMAC_SHA1_32' }],
  [0x0007, { name: 'SRTP_AEAD_AES_128_GCM', suite: 'AEAD_AES_128_GCM' }],
  [0x0008, { name: 'SRTP_AEAD_AES_256_GCM', suite: 'AEAD_AES_256_GCM' }],
]);

/** The profile's name (`SRTP_AES128_CM_HMAC_SHA1_80`), or its number in hex for one not known here. */
export const profileName = (id: number): string =>
  PROFILES.get(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;

export const EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** RFC 5246 §5: the PRF's hash is SHA-256 unless the suite names another (the _SHA384 suites, RFC 5289 §3.2). */
export const prfHash = (suite: number): 'sha256' | 'sha384' => cipherSuite(suite)?.hash ?? 'sha256';

/** RFC 5705 §4 without context: `length` bytes exported from the master secret under `label`. */
export function exportKeyingMaterial(
  hash: 'sha256' | 'sha384',
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  length: number,
  label = EXPORTER_LABEL,
): Uint8Array {
  return prf(hash, masterSecret, label, Buffer.concat([clientRandom, serverRandom]), length);
}

export interface DtlsSrtpKeys {
  /** What decrypts what the DTLS client sends, and what the server sends. */
  client: SrtpSetup;
  server: SrtpSetup;
}

/**
 * The two directions' setups of profile `profile` from the handshake's
 * secrets, or why there are none (a profile not done here). `mki`: use_srtp's
 * srtp_mki, the MKI of every packet when not empty (RFC 5764 §4.1.1).
 */
export function dtlsSrtpKeys(
  profile: number,
  hash: 'sha256' | 'sha384',
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  mki: Uint8Array = new Uint8Array(0),
): DtlsSrtpKeys | string {
  const suite = SRTP_SUITES.get(PROFILES.get(profile)?.suite ?? '');
  if (suite === undefined) return `SRTP protection profile ${profileName(profile)} is not decrypted here`;
  if (mki.length > 6) return `an srtp_mki of ${mki.length} bytes is not done here`;
  const k = suite.keyBytes;
  const s = suite.saltBytes;
  const m = exportKeyingMaterial(hash, masterSecret, clientRandom, serverRandom, 2 * (k + s));
  let mkiValue: number | undefined;
  if (mki.length > 0) mkiValue = mki.reduce((v, b) => v * 256 + b, 0);
  const setup = (key: Uint8Array, salt: Uint8Array): SrtpSetup => ({
    suite,
    keys: [{ key, salt, mki: mkiValue }],
    mkiLength: mki.length,
    encrypted: true,
    authenticated: true,
  });
  return {
    client: setup(m.slice(0, k), m.slice(2 * k, 2 * k + s)),
    server: setup(m.slice(k, 2 * k), m.slice(2 * k + s, 2 * (k + s))),
  };
}

/**
 * The setup of a DTLS-SRTP stream as its record names its keys (`srtp.dtls`:
 * the randoms, the suite, the profile, its sender's role), from the key
 * log's master secret: what reads its packets back later (the server's
 * audio routes) uses. Null when the record or the key log lacks something.
 */
export function recordedDtlsSetup(summary: SrtpSummary | undefined, keys: TlsKeyLog): SrtpSetup | null {
  const d = summary?.keying === 'dtls' ? summary.dtls : undefined;
  if (d?.clientRandom === undefined || d.serverRandom === undefined || d.cipherSuite === undefined)
    return null;
  const profile = [...PROFILES].find(([, p]) => p.name === d.profile)?.[0];
  const clientRandom = Buffer.from(d.clientRandom, 'hex');
  const secret = keys.get(clientRandom)?.masterSecret;
  if (profile === undefined || secret === undefined) return null;
  const serverRandom = Buffer.from(d.serverRandom, 'hex');
  const mki = Buffer.from(d.mki ?? '', 'hex');
  const k = dtlsSrtpKeys(profile, prfHash(d.cipherSuite), secret, clientRandom, serverRandom, mki);
  return typeof k === 'string' ? null : k[d.role];
}
