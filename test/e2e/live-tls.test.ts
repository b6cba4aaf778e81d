/**
 * The TLS line of a live capture in headless Chromium, against the real
 * server: `serve --hep 0 --tls-keylog FILE` (startServer with `live` and
 * `tls`), fed over HEP (TCP) with SIP over TLS beside an HTTPS connection on
 * port 443 (tls-beside-https.ts), the key log empty at first. The capture's
 * row shows the TLS line from the start, then the SIP connection waiting for
 * its key and the HTTPS one not SIP, then, the key logged, the SIP
 * connection decrypted. Screenshot: test-output/screenshots/live-tls-line.png
 * (the README's web/screenshots/live-tls-line.png).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTlsBesideHttps } from '../fixtures/tls-beside-https.js';
import { TLS_FIXTURES } from '../fixtures/tls-on-sip-port.js';
import { sendPackets, tcpCaptureHep } from '../live/hep-send.js';
import { chromiumPresent, type Harness, SCREENSHOTS, startHarness } from './harness.js';

const NAME = 'tls12-aes256gcm';

describe.skipIf(!chromiumPresent)('a live capture with SIP over TLS in the web UI', () => {
  let hx: Harness;
  let dir: string;
  let keyLog: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-live-tls-'));
    keyLog = join(dir, 'keys.log');
    writeFileSync(keyLog, '');
    hx = await startHarness({
      server: { live: { hep: { port: 0, host: '127.0.0.1' }, updateMs: 50 }, tls: { keyLog } },
    });
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the capture row shows TLS connections, the one waiting for its key, then decrypted', async () => {
    const live = hx.server.server.live!;
    const { page } = hx;
    await page.goto(`${hx.server.url}/#/`);
    const row = page.locator(`tr.capture-row[data-capture-id="${live.captureId}"]`);
    const line = row.locator('[data-live-tls]');
    const reads = async (text: string) => {
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.textContent === want,
        [`tr.capture-row[data-capture-id="${live.captureId}"] [data-live-tls]`, text] as const,
        { timeout: 20_000 },
      );
    };
    await reads('TLS: 0 connections, 0 decrypted, 0 waiting for key');
    const { packets } = await tcpCaptureHep(await writeTlsBesideHttps(dir, NAME, 'tls13-aes128gcm'));
    await sendPackets(live.hepAddresses()!.tcp!, packets);
    // The HTTPS connection came whole: let go at once, and counted without a key by the decryption.
    await reads('TLS: 2 connections, 0 decrypted, 1 waiting for key, 1 without key, 1 not SIP');
    expect(await line.getAttribute('title')).toMatch(/^Waited for their key: 1 \(0 came, /);
    appendFileSync(keyLog, readFileSync(join(TLS_FIXTURES, `${NAME}.keylog`)));
    await reads('TLS: 2 connections, 1 decrypted, 0 waiting for key, 1 without key, 1 not SIP');
    expect(await line.getAttribute('title')).toMatch(/^Waited for their key: 1 \(1 came, 0 not in time/);
    // The line sits under the live counters, in the status cell.
    expect(await row.locator('.status-live [data-live-counters] + [data-live-tls]').count()).toBe(1);
    await row.screenshot({ path: join(SCREENSHOTS, 'live-tls-line.png') });
    await page.screenshot({ path: join(SCREENSHOTS, 'live-tls-page.png') });
    expect(hx.events.errors).toEqual([]);
  }, 120_000);
});
