/**
 * `sipscope serve --tls-keylog/--tls-key`: every upload's SIP over TLS is
 * decrypted with the keys the server was given, in both stores (the SQLite
 * one analyses in a worker thread that reads the key files itself), and a key
 * file gone since the start fails that analysis with a line that says so.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { fileKeyLog, masterSecretLine } from '../helpers/exported-keys.js';
import { settled, sqliteTestServer, testServer, uploadRaw, uploadReady } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/tls');
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-tls-serve-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serve with TLS keys', () => {
  for (const kind of ['memory', 'sqlite'] as const) {
    it(`${kind} store: an upload of RSA key exchange is decrypted with --tls-key, one of ECDHE with --tls-keylog`, async () => {
      const tls = {
        keyLog: join(DIR, 'tls12-aes128gcm.keylog'),
        rsaKeys: [join(DIR, 'rsa-server.key')],
      };
      const s = kind === 'sqlite' ? await sqliteTestServer({ tls }) : await testServer({ tls });
      try {
        for (const name of ['tls12-rsa-aes128-sha', 'tls12-aes128gcm']) {
          const info = await uploadReady(s, join(DIR, `${name}.pcap`));
          expect(info.stats, name).toMatchObject({ sipMessages: 7, calls: 2 });
        }
      } finally {
        await s.dispose();
      }
    });
  }

  it('a call over TLS saved as pcap carries its connection from the handshake on and the key log: it reads decrypted with no key given', async () => {
    const keyLog = join(DIR, 'tls13-aes128gcm.keylog');
    const s = await testServer({ tls: { keyLog } });
    try {
      const info = await uploadReady(s, join(DIR, 'tls13-aes128gcm.pcap'));
      const res = await fetch(`${s.url}/api/captures/${info.id}/calls/pcap?kind=call`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-calls')).toBe('1');
      const file = join(tmp, 'call.pcapng');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const reader = openCapture(file);
      const frames: number[] = [];
      for await (const f of reader) frames.push(f.data.length);
      // SYN, SYN-ACK, ACK, the ClientHello … up to the BYE's 200: more frames than the call's 5 messages.
      expect(frames.length).toBe(16);
      // The key log holds that connection's five lines and no other: all of it goes in.
      expect(reader.info.tlsKeyLog).toEqual([readFileSync(keyLog, 'latin1')]);
      const again = await analyzeCapture(file);
      expect(again.stats).toMatchObject({ sipMessages: 7, calls: 2 });
    } finally {
      await s.dispose();
    }
  }, 15_000);

  it('a call over TLS of RSA key exchange (serve --tls-key) saved as pcap carries the CLIENT_RANDOM line of its master secret, not the key: it reads decrypted with no key given', async () => {
    const s = await testServer({ tls: { rsaKeys: [join(DIR, 'rsa-server.key')] } });
    try {
      const info = await uploadReady(s, join(DIR, 'tls12-rsa-aes128-sha.pcap'));
      const res = await fetch(`${s.url}/api/captures/${info.id}/calls/pcap?kind=call`);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.includes('PRIVATE KEY')).toBe(false);
      const file = join(tmp, 'rsa-call.pcapng');
      writeFileSync(file, bytes);
      // The master secret the client logged for that session (RFC 5246 §8.1), derived here from the server's key.
      const logged = masterSecretLine(join(DIR, 'tls12-rsa-aes128-sha.keylog'));
      expect(await fileKeyLog(file)).toEqual([`${logged}\n`]);
      expect((await analyzeCapture(file)).stats).toMatchObject({ sipMessages: 7, calls: 2 });
    } finally {
      await s.dispose();
    }
  }, 15_000);

  it('a key file removed after the start fails the analysis naming it', async () => {
    const key = join(tmp, 'server.key');
    copyFileSync(join(DIR, 'rsa-server.key'), key);
    const s = await sqliteTestServer({ tls: { rsaKeys: [key] } });
    try {
      rmSync(key);
      const info = await settled(s, await uploadRaw(s, join(DIR, 'tls12-rsa-aes128-sha.pcap')));
      expect(info.status).toBe('failed');
      expect(info.error).toMatch(
        /not analysed: the TLS keys given to sipscope serve: --tls-key .*server\.key/,
      );
    } finally {
      await s.dispose();
    }
  });
});
