/**
 * Live updates after a lost connection, in Chromium against the real server
 * (web/src/api/live.ts `onReconnect`). The page's socket.io connection is
 * cut — Playwright routes its WebSocket, closes it and refuses new ones,
 * and aborts the polling fallback — while a capture is uploaded and
 * analysed through the API, so its capture:new and capture:ready events are
 * lost, as they are across a network blip, a laptop asleep or a proxy
 * timeout. When the connection is back, the captures list must fetch again
 * and show the capture without a reload. Without that it stays as it was:
 * the list polls only while one of the captures it shows is being analysed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../web/src/api/types.js';
import { chromiumPresent, type Harness, ROOT, SCREENSHOTS, startHarness } from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('web UI after a lost socket.io connection', () => {
  let hx: Harness;
  /** While true, the page's socket.io connections are refused (WebSocket and polling alike). */
  let down = false;
  const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();

  beforeAll(async () => {
    hx = await startHarness();
    const page = hx.page;
    await page.route('**/socket.io/**', (route) => (down ? route.abort() : route.continue()));
    await page.routeWebSocket(/\/socket\.io\//, async (ws) => {
      if (down) {
        await ws.close({ code: 1011, reason: 'down' });
        return;
      }
      // Forwarded both ways as it is (connectToServer without handlers passes every message on).
      const pair = { page: ws, server: ws.connectToServer() };
      open.add(pair);
      ws.onClose(() => open.delete(pair));
    });
    await page.goto(`${hx.server.url}/`);
    await page.locator('.conn.up').waitFor({ timeout: T });
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
  });

  it(
    'lists a capture that became ready while the connection was down, once it is back, without a reload',
    async () => {
      const page = hx.page;
      await page.evaluate(() => {
        (window as unknown as { __sameLoad: number }).__sameLoad = 1;
      });
      down = true;
      for (const { page: p, server: s } of [...open]) {
        await s.close();
        await p.close({ code: 1011, reason: 'down' });
      }
      await page.locator('.conn:not(.up)').waitFor({ timeout: T });

      const bytes = readFileSync(join(ROOT, 'samples/basic-call.pcap'));
      const res = await fetch(`${hx.server.url}/api/captures`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-filename': 'while-offline.pcap' },
        body: bytes,
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      for (let i = 0; ; i++) {
        const c = await hx.api<CaptureInfo>(`/api/captures/${id}`);
        if (c.status === 'ready') break;
        if (i > 600) throw new Error(`capture ${id} is ${c.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // Its events went nowhere: the list does not know it.
      const row = page.locator(`tr.capture-row[data-capture-id="${id}"]`);
      await page.waitForTimeout(1000);
      expect(await row.count()).toBe(0);

      down = false;
      await page.locator('.conn.up').waitFor({ timeout: T });
      await page
        .locator(`tr.capture-row[data-capture-id="${id}"][data-status="ready"]`)
        .waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { __sameLoad?: number }).__sameLoad)).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'reconnect-captures.png') });
    },
    T * 3,
  );
});
