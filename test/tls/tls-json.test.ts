/**
 * `analyze --json` says what the text summary's `TLS connections:` line says:
 * how many connections were decrypted, and why the others were not, under a
 * top-level `tls` that only a capture with TLS connections has.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeCollected } from '../helpers/analyze-output.js';

let out = '';
let err = '';
const runAnalyze = analyzeCollected(
  (s) => {
    out += s;
  },
  (s) => {
    err += s;
  },
);
beforeEach(() => {
  out = '';
  err = '';
});

const DIR = join(import.meta.dirname, '../fixtures/tls');
const json = async (args: string[]) => {
  expect(await runAnalyze([...args, '--json'])).toBe(0);
  return JSON.parse(out);
};

describe('analyze --json: tls', () => {
  it('RFC 8446: a TLS 1.3 connection decrypted with the key log counts as decrypted, its records counted', async () => {
    const f = join(DIR, 'tls13-aes128gcm');
    const j = await json([`${f}.pcap`, '--tls-keylog', `${f}.keylog`]);
    expect(j.tls).toMatchObject({ connections: 1, decrypted: 1, withoutKey: 0, unsupported: 0 });
    expect(j.tls.records).toBeGreaterThan(0);
    expect(j.stats.sipMessages).toBe(7);
  });

  it('without the key log the connection counts as without a key, and on port 5061 it is in sipPortNotDecrypted', async () => {
    const j = await json([join(DIR, 'tls13-aes128gcm.pcap')]);
    expect(j.tls).toMatchObject({ connections: 1, decrypted: 0, withoutKey: 1, records: 0 });
    // The fixture runs on its own port (15162), not 5061: only counted, no warning.
    expect(j.tls.sipPortNotDecrypted).toBe(0);
    expect(j.warnings).toEqual([]);
  });

  it('RFC 3261 §26.3.1: TLS_RSA_WITH_AES_128_CBC_SHA (CBC) counts as decrypted', async () => {
    const f = join(DIR, 'tls12-rsa-aes128-sha');
    const j = await json([`${f}.pcap`, '--tls-keylog', `${f}.keylog`]);
    expect(j.tls).toMatchObject({
      connections: 1,
      decrypted: 1,
      unsupported: 0,
      withoutKey: 0,
      failedRecords: 0,
    });
  });

  it('a capture without TLS has no tls key (its document is as before)', async () => {
    const j = await json([new URL('../../samples/basic-call.pcap', import.meta.url).pathname]);
    expect('tls' in j).toBe(false);
    expect(Object.keys(j)).toEqual([
      'source',
      'stats',
      'messages',
      'transactions',
      'dialogs',
      'calls',
      'findings',
      'streams',
      'warnings',
    ]);
  });

  it('--tls-key KEY.pem decrypts RSA key exchange; a file that is not a key stops the command with its name', async () => {
    const f = join(DIR, 'tls12-rsa-aes128gcm');
    const j = await json([`${f}.pcap`, '--tls-key', join(DIR, 'rsa-server.key')]);
    expect(j.tls).toMatchObject({ connections: 1, decrypted: 1, withoutKey: 0 });
    out = '';
    expect(await runAnalyze([`${f}.pcap`, '--tls-key', `${f}.keylog`, '--json'])).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(
      /^sipscope analyze: --tls-key .*tls12-rsa-aes128gcm\.keylog: not a private key in PEM/,
    );
  });
});
