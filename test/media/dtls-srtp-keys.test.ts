/**
 * The DTLS-SRTP exporter (RFC 5705 §4, label EXTRACTOR-dtls_srtp, RFC 5764
 * §4.2) against the bytes OpenSSL printed for the sample's real handshake
 * (`-keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 60`,
 * test/fixtures/dtls-srtp/exporter.txt), and its cut into the two
 * directions' master keys and salts for each profile (RFC 5764 §4.1.2,
 * RFC 7714 §14.2).
 */
import { describe, expect, it } from 'vitest';
import { dtlsSrtpKeys, exportKeyingMaterial, prfHash, profileName } from '../../src/media/dtls-srtp-keys.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';
import {
  CLIENT_KEY_SALT,
  DTLS_KEYLOG,
  handshakeHellos,
  OPENSSL_EXPORTER,
  SERVER_KEY_SALT,
} from '../fixtures/dtls-srtp-call.js';

const h = handshakeHellos();
const secret = new TlsKeyLog(DTLS_KEYLOG).get(h.clientRandom)?.masterSecret as Uint8Array;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the DTLS-SRTP exporter (RFC 5705, RFC 5764 §4.2)', () => {
  it('gives the 60 bytes OpenSSL exported for the sample handshake, with the SHA-384 PRF of its suite', () => {
    expect(h.cipherSuite).toBe(0xc02c);
    expect(prfHash(h.cipherSuite)).toBe('sha384');
    const out = exportKeyingMaterial('sha384', secret, h.clientRandom, h.serverRandom, 60);
    expect(hex(out)).toBe(hex(OPENSSL_EXPORTER));
    // The PRF hash matters: SHA-256 over the same inputs is other bytes.
    expect(hex(exportKeyingMaterial('sha256', secret, h.clientRandom, h.serverRandom, 60))).not.toBe(
      hex(OPENSSL_EXPORTER),
    );
  });

  it('takes the PRF hash of the suite: SHA-256 for the _SHA256 suites and those it does not know', () => {
    expect([0xc02b, 0xc02f, 0xcca8, 0xc030, 0x1234].map(prfHash)).toEqual([
      'sha256',
      'sha256',
      'sha256',
      'sha384',
      'sha256',
    ]);
  });

  it('cuts SRTP_AES128_CM_HMAC_SHA1_80 as client key, server key, client salt, server salt', () => {
    const k = dtlsSrtpKeys(0x0001, 'sha384', secret, h.clientRandom, h.serverRandom);
    if (typeof k === 'string') throw new Error(k);
    const keySalt = (s: typeof k.client) => hex(Buffer.concat([s.keys[0].key, s.keys[0].salt]));
    expect([keySalt(k.client), keySalt(k.server)]).toEqual([hex(CLIENT_KEY_SALT), hex(SERVER_KEY_SALT)]);
    expect([k.client.suite.name, k.client.mkiLength, k.client.encrypted, k.client.authenticated]).toEqual([
      'AES_CM_128_HMAC_SHA1_80',
      0,
      true,
      true,
    ]);
  });

  it('sizes each profile: _32 tags, AES-128-GCM and AES-256-GCM with 96-bit salts (RFC 7714 §14.2)', () => {
    const sizes = [0x0002, 0x0007, 0x0008].map((p) => {
      const k = dtlsSrtpKeys(p, 'sha256', secret, h.clientRandom, h.serverRandom);
      if (typeof k === 'string') throw new Error(k);
      return [k.server.suite.name, k.server.keys[0].key.length, k.server.keys[0].salt.length];
    });
    expect(sizes).toEqual([
      ['AES_CM_128_HMAC_SHA1_32', 16, 14],
      ['AEAD_AES_128_GCM', 16, 12],
      ['AEAD_AES_256_GCM', 32, 12],
    ]);
    // The GCM keys are the same exporter run longer: its first 16 bytes are the client key.
    const gcm = dtlsSrtpKeys(0x0007, 'sha384', secret, h.clientRandom, h.serverRandom);
    if (typeof gcm === 'string') throw new Error(gcm);
    expect(hex(gcm.client.keys[0].key)).toBe(hex(OPENSSL_EXPORTER.subarray(0, 16)));
  });

  it('names a profile it does not decrypt, and an srtp_mki it cannot read', () => {
    expect(dtlsSrtpKeys(0x0005, 'sha256', secret, h.clientRandom, h.serverRandom)).toBe(
      'SRTP protection profile 0x0005 is not decrypted here',
    );
    expect(profileName(0x0008)).toBe('SRTP_AEAD_AES_256_GCM');
    const mki = dtlsSrtpKeys(
      0x0001,
      'sha256',
      secret,
      h.clientRandom,
      h.serverRandom,
      Buffer.from('0102', 'hex'),
    );
    if (typeof mki === 'string') throw new Error(mki);
    expect([mki.client.mkiLength, mki.client.keys[0].mki]).toEqual([2, 0x0102]);
    expect(dtlsSrtpKeys(0x0001, 'sha256', secret, h.clientRandom, h.serverRandom, Buffer.alloc(7))).toMatch(
      /srtp_mki of 7 bytes/,
    );
  });
});
