/**
 * The cipher suites we decrypt: AEAD ones only (RFC 8446 §B.4 for TLS 1.3;
 * RFC 5288, RFC 5289 and RFC 7905 for TLS 1.2). The key exchange does not
 * matter: the key log gives the secrets it produced. CBC, stream and NULL
 * suites are not supported (counted as such).
 */

export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export interface CipherSuite {
  name: string;
  /** The protocol version the suite belongs to (0x0304) or was defined for (0x0303). */
  tls13: boolean;
  cipher: AeadCipher;
  /** Hash of HKDF (1.3) or of the PRF (1.2). */
  hash: 'sha256' | 'sha384';
  keyLength: number;
  /** TLS 1.3 and ChaCha: the 12-byte IV; TLS 1.2 GCM: the 4-byte implicit salt (RFC 5288 §3). */
  ivLength: number;
}

const s = (name: string, tls13: boolean, cipher: AeadCipher, hash: 'sha256' | 'sha384'): CipherSuite => ({
  name,
  tls13,
  cipher,
  hash,
  keyLength: cipher === 'aes-128-gcm' ? 16 : 32,
  ivLength: tls13 || cipher === 'chacha20-poly1305' ? 12 : 4,
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
]);

/** The suite for its IANA number, or undefined when we cannot decrypt it. */
export function cipherSuite(id: number): CipherSuite | undefined {
  return SUITES.get(id);
}
