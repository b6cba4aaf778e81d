/**
 * TLS keys through the web UI in headless Chromium, against the real server:
 * a TLS fixture whose server is on port 5061 (RFC 3261 §26.2, SIP over TLS)
 * uploaded with its key log chosen under "TLS keys…" comes decrypted; the
 * same capture uploaded without keys gets the warning, whose "add TLS keys…"
 * posts a key log to the capture and leaves it decrypted; an RSA key is told
 * from a key log by its content, not its name; a key file's name with markup
 * is shown as text. Screenshots go to test-output/screenshots/tls-keys-*.png
 * (tls-keys-warning.png is the README's web/screenshots/tls-keys-warning.png).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../web/src/api/types.js';
import { TLS_FIXTURES, writeTlsOnSipPort } from '../fixtures/tls-on-sip-port.js';
import { chromiumPresent, type Harness, SCREENSHOTS, startHarness, uploadThroughPicker } from './harness.js';

const T = 120_000;
/** The fixtures' SIP over TLS, decrypted: a REGISTER and a call, seven messages. */
const DECRYPTED = { sipMessages: 7, calls: 2 };

describe.skipIf(!chromiumPresent)('TLS keys in the web UI', () => {
  let hx: Harness;
  let dir: string;
  let tls13: string;
  let rsa: string;
  const keylog = join(TLS_FIXTURES, 'tls13-aes128gcm.keylog');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-keys-'));
    tls13 = await writeTlsOnSipPort(dir, 'tls13-aes128gcm');
    rsa = await writeTlsOnSipPort(dir, 'tls12-rsa-aes128-sha');
    hx = await startHarness();
    await hx.page.goto(`${hx.server.url}/`);
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;
  const info = (id: string) => hx.api<CaptureInfo>(`/api/captures/${id}`);
  /** The TLS 1.3 fixture on port 5061 uploaded as `name`, without keys. */
  async function uploadWithoutKeys(name: string): Promise<string> {
    const plain = join(dir, name);
    copyFileSync(tls13, plain);
    return uploadThroughPicker(page(), plain, name);
  }
  /** Presses the capture's add TLS keys… and chooses `file` in the file chooser it opens. */
  async function addKeys(id: string, file: string): Promise<void> {
    const add = page().locator(`[data-warnings-for="${id}"] [data-action="add-keys"]`);
    expect(await add.textContent()).toBe('add TLS keys…');
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), add.click()]);
    await chooser.setFiles(file);
  }

  it(
    'a capture uploaded with its key log chosen under TLS keys comes decrypted, marked as analysed with keys',
    async () => {
      await page().locator('[data-tls-keys-input]').setInputFiles(keylog);
      const chosen = page().locator('[data-pending-keys] [data-key-field="tlsKeylog"]');
      expect(await chosen.textContent()).toBe('tls13-aes128gcm.keylog (key log)');
      await page().screenshot({ path: join(SCREENSHOTS, 'tls-keys-chosen.png') });
      const id = await uploadThroughPicker(page(), tls13, 'tls13-aes128gcm-5061.pcap');
      expect((await info(id)).stats).toMatchObject(DECRYPTED);
      const row = page().locator(`tr[data-capture-id="${id}"]`);
      expect(await row.locator('.capture-keys').getAttribute('data-tls-keys')).toBe('keylog');
      expect(await page().locator(`[data-warnings-for="${id}"]`).count()).toBe(0);
      // The keys went with that upload and are let go: the next one is sent without them.
      expect(await page().locator('[data-pending-keys] [data-key-field]').count()).toBe(0);
    },
    T,
  );

  it(
    'without keys: the warning, and its add TLS keys… posts the key log; the capture is analysed again, decrypted',
    async () => {
      const id = await uploadWithoutKeys('sbc.pcap');
      expect((await info(id)).stats).toMatchObject({ sipMessages: 0 });
      const warning = page().locator(`[data-warnings-for="${id}"]`);
      expect(await warning.textContent()).toContain(
        `a TLS connection on port 5061 (SIP over TLS) not decrypted, its SIP not read: no key for it (give the key log: add TLS keys… on its row in the web UI, or POST /api/captures/${id}/keys)`,
      );
      await page().screenshot({ path: join(SCREENSHOTS, 'tls-keys-warning.png') });
      await addKeys(id, keylog);
      await page()
        .locator(`tr.capture-row[data-capture-id="${id}"][data-status="ready"] .capture-keys`)
        .waitFor({ timeout: 60_000 });
      await warning.waitFor({ state: 'detached', timeout: 60_000 });
      expect((await info(id)).stats).toMatchObject(DECRYPTED);
      await page().screenshot({ path: join(SCREENSHOTS, 'tls-keys-added.png') });
    },
    T,
  );

  it(
    'an RSA key is sent as one by its content whatever its name, and a key file name with markup shows as text',
    async () => {
      const named = join(dir, '<img src=x onerror=window.__pwned=1>.txt');
      copyFileSync(join(TLS_FIXTURES, 'rsa-server.key'), named);
      await page().locator('[data-tls-keys-input]').setInputFiles(named);
      const chosen = page().locator('[data-pending-keys] [data-key-field="tlsKey"]');
      expect(await chosen.textContent()).toBe('<img src=x onerror=window.__pwned=1>.txt (RSA key)');
      const id = await uploadThroughPicker(page(), rsa, 'tls12-rsa-aes128-sha-5061.pcap');
      expect((await info(id)).stats).toMatchObject(DECRYPTED);
      expect((await info(id)).tlsKeys).toEqual({ keylog: false, rsaKeys: 1 });
      expect(
        await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'a file that is not a key added to a capture: the server sentence is shown and the capture stays as it was',
    async () => {
      const id = await uploadWithoutKeys('again.pcap');
      await addKeys(id, tls13);
      const toast = page().locator('.toast.error', { hasText: 'the TLS key log holds no secret' });
      await toast.waitFor({ timeout: 30_000 });
      expect((await info(id)).tlsKeys).toBeUndefined();
      expect((await info(id)).status).toBe('ready');
    },
    T,
  );
});
