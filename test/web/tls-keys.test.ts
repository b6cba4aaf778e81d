/**
 * The web UI tells a TLS key file by its content (web/src/tls-keys.ts): a PEM
 * private key (PKCS#1 `RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY`) goes to the
 * field tlsKey, anything else to tlsKeylog, where the server checks it holds
 * NSS key log secrets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFieldOf, keysSummaryText } from '../../web/src/tls-keys.js';

const TLS = join(import.meta.dirname, '../fixtures/tls');

describe('TLS key files in the web UI', () => {
  it('a PEM private key is an RSA key, a key log or anything else a key log, whatever the file name', () => {
    expect(keyFieldOf(readFileSync(join(TLS, 'rsa-server.key'), 'latin1'))).toBe('tlsKey');
    expect(keyFieldOf('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n')).toBe(
      'tlsKey',
    );
    expect(keyFieldOf(readFileSync(join(TLS, 'tls13-aes128gcm.keylog'), 'latin1'))).toBe('tlsKeylog');
    // A certificate is not a key: sent as a key log, the server says it holds no secret.
    expect(keyFieldOf('-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n')).toBe('tlsKeylog');
  });

  it('says what a capture was given without showing any of it', () => {
    expect(keysSummaryText({ keylog: true, rsaKeys: 0 })).toBe('a key log');
    expect(keysSummaryText({ keylog: true, rsaKeys: 2 })).toBe('a key log and 2 RSA keys');
    expect(keysSummaryText({ keylog: false, rsaKeys: 1 })).toBe('an RSA key');
  });
});
