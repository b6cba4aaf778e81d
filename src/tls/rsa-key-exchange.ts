/**
 * TLS 1.2 RSA key exchange decrypted with the server's private key, as
 * Wireshark's RSA keys list and sngrep's `-k` do: the ClientKeyExchange holds
 * the pre-master secret encrypted to the server's certificate (RFC 5246
 * §7.4.7.1); with the key, the master secret follows (§8.1, or RFC 7627 §4
 * when the hellos negotiated the extended master secret). Only for the
 * `TLS_RSA_WITH_*` suites: with (EC)DHE the private key does not give the
 * secret (forward secrecy); only a key log does.
 */
import { constants, createHash, createPrivateKey, type KeyObject, privateDecrypt } from 'node:crypto';
import { prf } from './tls12-keys.js';

/** An RSA private key from its PEM (PKCS#1 or PKCS#8); throws a RangeError saying why not. */
export function rsaPrivateKey(pem: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey(pem);
  } catch (e) {
    throw new RangeError(`not a private key in PEM (${e instanceof Error ? e.message : String(e)})`);
  }
  if (k.asymmetricKeyType !== 'rsa') throw new RangeError(`a ${k.asymmetricKeyType} key, not an RSA one`);
  return k;
}

/**
 * RFC 5246 §7.4.7.1: the ClientKeyExchange of RSA key exchange is an EncryptedPreMasterSecret
 * (a 2-byte length, then the RSAES-PKCS1-v1_5 ciphertext); the PreMasterSecret is
 * client_version (2) + random (46). Each key whose modulus has the ciphertext's size is tried:
 * the PKCS#1 v1.5 padding (00 02, eight or more non-zero bytes, 00) and a 48-byte secret
 * starting with a TLS major version (3) tell the right one. Null when none opens it.
 *
 * The padding is checked here, after a raw RSA decryption: Node refuses PKCS#1 v1.5 private
 * decryption (CVE-2023-46809, a timing oracle for a server answering clients; a capture
 * reader answers nobody).
 */
export function preMasterSecret(keys: readonly KeyObject[], cke: Uint8Array): Uint8Array | null {
  const declared = cke.length >= 2 ? (cke[0] << 8) | cke[1] : -1;
  const c = declared === cke.length - 2 ? cke.subarray(2) : cke;
  for (const key of keys) {
    if (((key.asymmetricKeyDetails?.modulusLength ?? 0) + 7) >> 3 !== c.length) continue;
    let m: Buffer;
    try {
      m = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, c);
    } catch {
      continue; // ciphertext not below the modulus: not for this key
    }
    if (m[0] !== 0 || m[1] !== 2) continue;
    const zero = m.indexOf(0, 2);
    if (zero < 10 || m.length - zero - 1 !== 48) continue;
    const pms = m.subarray(zero + 1);
    if (pms[0] === 3) return Uint8Array.from(pms);
  }
  return null;
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random)[0..47]. RFC 7627 §4, with the extended master secret:
 * PRF(pre_master_secret, "extended master secret", session_hash)[0..47], session_hash being the
 * PRF's hash of the handshake messages from the ClientHello up to and including the
 * ClientKeyExchange (`transcript`, in the order they were sent).
 */
export function masterSecret(
  hash: 'sha256' | 'sha384',
  pms: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  transcript: readonly Uint8Array[] | null,
): Uint8Array {
  if (transcript === null)
    return prf(hash, pms, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
  const h = createHash(hash);
  for (const m of transcript) h.update(m);
  return prf(hash, pms, 'extended master secret', h.digest(), 48);
}

/** A handshake message as it went on the wire (type, 24-bit length, body): what the transcript hashes. */
export function handshakeMessage(type: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + body.length);
  m[0] = type;
  m[1] = body.length >> 16;
  m[2] = (body.length >> 8) & 0xff;
  m[3] = body.length & 0xff;
  m.set(body, 4);
  return m;
}
