/**
 * The cipher suites we decrypt. The key exchange does not matter: the key
 * log gives the secrets it produced.
 *
 * - AEAD: TLS 1.3 (RFC 8446 §B.4); TLS 1.2 AES-GCM (RFC 5288, RFC 5289) and
 *   ChaCha20-Poly1305 (RFC 7905).
 * - TLS 1.2 AES-CBC with HMAC (RFC 5246 §6.2.3.2, RFC 5289), MAC-then-encrypt
 *   or encrypt-then-MAC (RFC 7366). RFC 3261 §26.3.1: SIP over TLS "MUST"
 *   support TLS_RSA_WITH_AES_128_CBC_SHA, so CBC is what many phones and SBCs
 *   still negotiate.
 *
 * Stream (RC4), 3DES, NULL and the TLS 1.0/1.1 PRF are not supported (counted as such).
 */

export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type CbcCipher = 'aes-128-cbc' | 'aes-256-cbc';
export type MacHash = 'sha1' | 'sha256' | 'sha384';

export interface CipherSuite {
  name: string;
  /** The protocol version the suite belongs to (0x0304) or was defined for (0x0303). */
  tls13: boolean;
  cipher: AeadCipher | CbcCipher;
  /** Hash of HKDF (1.3) or of the PRF (1.2). */
  hash: 'sha256' | 'sha384';
  keyLength: number;
  /** TLS 1.3 and ChaCha: the 12-byte IV; TLS 1.2 GCM: the 4-byte implicit salt (RFC 5288 §3); CBC: 0 (explicit per record). */
  ivLength: number;
  /** CBC suites: the record MAC's HMAC hash and its length in bytes; null for AEAD. */
  mac: { hash: MacHash; length: number } | null;
  /** TLS_RSA_WITH_*: the pre-master secret goes encrypted to the server's RSA key (RFC 5246 §7.4.7.1). */
  rsaKeyExchange: boolean;
}

const MAC_LENGTH: Record<MacHash, number> = { sha1: 20, sha256: 32, sha384: 48 };

const s = (name: string, tls13: boolean, cipher: AeadCipher, hash: 'sha256' | 'sha384'): CipherSuite => ({
  name,
  tls13,
  cipher,
  hash,
  keyLength: cipher === 'aes-128-gcm' ? 16 : 32,
  ivLength: tls13 || cipher === 'chacha20-poly1305' ? 12 : 4,
  mac: null,
  rsaKeyExchange: name.startsWith('TLS_RSA_'),
});

/** RFC 5246 §5: the PRF is SHA-256 but for the suites that name SHA-384 (RFC 5289 §3.2). */
const cbc = (name: string, cipher: CbcCipher, mac: MacHash): CipherSuite => ({
  name,
  tls13: false,
  cipher,
  hash: mac === 'sha384' ? 'sha384' : 'sha256',
  keyLength: cipher === 'aes-128-cbc' ? 16 : 32,
  ivLength: 0,
  mac: { hash: mac, length: MAC_LENGTH[mac] },
  rsaKeyExchange: name.startsWith('TLS_RSA_'),
});

const SUITES = new Map<number, CipherSuite>([
  [0x1301, s('TLS_AES_128_GCM_SHA256', true, 'aes-128-gcm', 'sha256')],
  [0x1302, s('TLS_AES_256_GCM_SHA384', true, 'aes-256-gcm', 'sha384')],
  [0x1303, s('TLS_CHACHA20_POLY1305_SHA256', true, 'chacha20-poly1305', 'sha256')],
  [0x009c, s('TLS_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009d, s('TLS_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0x009e, s('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009f, s('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xc02b, s('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc02c, s('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xc02f, s('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc030, s('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xcca8, s('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0xcca9, s('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0xccaa, s('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  // RFC 5246 §A.5, RFC 4492 §6, RFC 5289 §3.1: AES-CBC with HMAC.
  [0x002f, cbc('TLS_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0035, cbc('TLS_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x003c, cbc('TLS_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x003d, cbc('TLS_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0x0033, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0039, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x0067, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x006b, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0xc009, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc00a, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc013, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc014, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc023, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc024, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  [0xc027, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc028, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
]);

/** The suite for its IANA number, or undefined when we cannot decrypt it. */
export function cipherSuite(id: number): CipherSuite | undefined {
  return SUITES.get(id);
}
