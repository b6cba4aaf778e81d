/**
 * The TLS line of a live capture's status (web/src/views/live-tls-line.ts),
 * fed with the counters of a real live pipeline: SIP over TLS beside HTTPS
 * on port 443 (tls-beside-https.ts), the SIP connection's key logged after
 * its handshake (RFC 8446 §7.1 secrets, by client random), read as the
 * server gives them in `live.tls` (server/API.md).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import type { LiveTlsInfo } from '../../web/src/api/types.js';
import { liveTlsText } from '../../web/src/views/live-tls-line.js';
import { writeTlsBesideHttps } from '../fixtures/tls-beside-https.js';

const tmp = mkdtempSync(join(tmpdir(), 'sipscope-live-tls-line-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the TLS line of a live capture', () => {
  it('counts the connection held for its key among the connections, then as decrypted once its key is logged', async () => {
    const name = 'tls12-aes256gcm';
    const keyLog = join(tmp, 'keys.log');
    writeFileSync(keyLog, '');
    let ms = 0;
    const live = createLivePipeline({
      clock: () => 1_800_000_000 + ms / 1000,
      tls: { keyLogFile: keyLog, keyLog: { clock: () => ms } },
    });
    const frames = [];
    for await (const f of openCapture(await writeTlsBesideHttps(tmp, name, 'tls13-aes128gcm')))
      frames.push(f);
    // The server's JSON of live.tls, read as the page's type.
    const shown = () => liveTlsText(JSON.parse(JSON.stringify(live.tlsStats(true))) as LiveTlsInfo);
    expect(shown()).toBe('TLS: 0 connections, 0 decrypted, 0 waiting for key');
    for (const f of frames.slice(0, 14)) live.pushFrame(f);
    expect(shown()).toBe('TLS: 2 connections, 0 decrypted, 1 waiting for key, 1 not SIP');
    appendFileSync(keyLog, readFileSync(join(import.meta.dirname, `../fixtures/tls/${name}.keylog`)));
    ms += 250;
    live.tick();
    for (const f of frames.slice(14)) live.pushFrame(f);
    live.end();
    expect(shown()).toBe('TLS: 2 connections, 1 decrypted, 0 waiting for key, 1 without key, 1 not SIP');
  });
});
