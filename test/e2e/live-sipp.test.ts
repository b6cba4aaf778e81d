/**
 * Live monitoring end to end (issue 6): the server started as `serve --live
 * lo --filter 'udp port P'` (startServer with `live`), 200 SIPp calls placed
 * against port P (SIPp's built-in uac → uas: INVITE, 180, 200, ACK, BYE,
 * 200), and then, through the API, all 200 calls with all 1,200 messages,
 * each call `completed`, the counters of the capture and of /metrics; and in
 * Chromium, the call list of the live capture, opened before the first
 * call, counting up to 200 without the page being reloaded.
 *
 * Skipped, with a message, without SIPp, a capture tool or the right to
 * capture (root, or SIPSCOPE_LIVE_TESTS=1 with dumpcap capabilities); the
 * browser part also without Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../../server/start.js';
import { startServer } from '../../server/start.js';
import type { CallDetail, CallPage } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { freePort, liveSkipReason, runSipp } from '../live/sipp.js';
import { buildWeb, CHROMIUM, chromiumPresent, SCREENSHOTS } from './harness.js';

const CALLS = 200;
const skip = liveSkipReason(true);
if (skip !== null) console.warn(`live SIPp end-to-end test skipped: ${skip}`);

async function api<T>(s: StartedServer, path: string): Promise<T> {
  const res = await fetch(`${s.url}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe.skipIf(skip !== null)(`serve --live lo: ${CALLS} SIPp calls`, () => {
  let server: StartedServer;
  let dataDir: string;
  let browser: Browser | null = null;
  let page: Page | null = null;
  let port: number;
  let liveId: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'sipscope-live-e2e-'));
    const webRoot = chromiumPresent ? await buildWeb() : join(dataDir, 'no-web');
    server = await startServer({
      dataDir,
      webRoot,
      port: 0,
      samples: [],
      live: { interfaces: ['lo'], filter: `udp port ${port}` },
    });
    liveId = server.server.live!.captureId;
    if (chromiumPresent) {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      page = await (await browser.newContext({ viewport: { width: 1400, height: 860 } })).newPage();
      // The live capture's call list, open before the first call; a marker that a reload would lose.
      await page.goto(`${server.url}/#/captures/${liveId}`);
      await page.locator('.count[data-total="0"]').waitFor({ timeout: 30_000 });
      await page.evaluate(() => {
        (window as unknown as { __sameLoad: number }).__sameLoad = 1;
      });
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`holds all ${CALLS} calls and ${CALLS * 6} messages, completed, with the capture's counters`, async () => {
    const info0 = await api<LiveCaptureInfo>(server, `/api/captures/${liveId}`);
    expect(info0).toMatchObject({ status: 'live', live: { running: true } });
    const sipp = runSipp({ port, calls: CALLS, rate: 50 });
    try {
      await sipp.done;
    } finally {
      sipp.stop();
    }
    // The last packets are still on their way through dumpcap's pipe: ask until they are in (or a minute passed).
    const deadline = Date.now() + 60_000;
    let page0: CallPage;
    for (;;) {
      page0 = await api<CallPage>(server, `/api/captures/${liveId}/calls?limit=1000`);
      const done = page0.calls.filter((c) => c.state === 'completed' && c.messages.length === 6).length;
      if (done === CALLS || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page0.total).toBe(CALLS);
    expect(page0.calls.map((c) => c.state)).toEqual(Array(CALLS).fill('completed'));
    expect(page0.calls.reduce((n, c) => n + c.messages.length, 0)).toBe(CALLS * 6);
    expect(new Set(page0.calls.flatMap((c) => c.callIds)).size).toBe(CALLS);

    // Every message of every call, as the ladder asks for them.
    for (const c of page0.calls) {
      const d = await api<CallDetail>(server, `/api/captures/${liveId}/calls/${c.id}`);
      expect(d.messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 180, 200, 'ACK', 'BYE', 200]);
    }

    const info = await api<LiveCaptureInfo>(server, `/api/captures/${liveId}`);
    expect(info.status).toBe('live');
    expect(info.stats).toMatchObject({
      sipMessages: CALLS * 6,
      requests: { INVITE: CALLS, ACK: CALLS, BYE: CALLS },
      responses: { 180: CALLS, 200: 2 * CALLS },
      retransmissions: 0,
      calls: CALLS,
    });
    expect(info.live.packets).toBeGreaterThanOrEqual(CALLS * 6);
    expect(info.live.droppedPackets).toBe(0);
    expect(info.live.window).toMatchObject({ calls: CALLS, messages: CALLS * 6, evictedCalls: 0 });

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const sample = (name: string) =>
      Number(new RegExp(`^${name}\\{capture="${liveId}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(sample('sipscope_live_sip_messages_total')).toBe(CALLS * 6);
    expect(sample('sipscope_live_window_calls')).toBe(CALLS);
    expect(sample('sipscope_live_packets_total')).toBeGreaterThanOrEqual(CALLS * 6);
    expect(metrics).toMatch(
      new RegExp(`^sipscope_live_dropped_packets_total\\{capture="${liveId}",reason="kernel"\\} 0$`, 'm'),
    );
    expect(metrics).toMatch(/^sipscope_evictions_total 0$/m);
  }, 180_000);

  it.skipIf(!chromiumPresent)(
    'the call list of the live capture counted up to every call without a reload',
    async () => {
      const p = page!;
      await p.locator(`.count[data-total="${CALLS}"]`).waitFor({ timeout: 30_000 });
      expect(await p.evaluate(() => (window as unknown as { __sameLoad?: number }).__sameLoad)).toBe(1);
      expect(await p.locator('.call-row[data-call-id]').count()).toBeGreaterThan(0);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await p.screenshot({ path: join(SCREENSHOTS, 'live-call-list.png') });
      // The capture list shows it live.
      await p.goto(`${server.url}/#/`);
      const row = p.locator(`tr.capture-row[data-capture-id="${liveId}"]`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.getAttribute('data-status')).toBe('live');
      // With a running indicator and its counters.
      expect(await row.locator('[data-live-running="true"]').count()).toBe(1);
      const info = await api<LiveCaptureInfo>(server, `/api/captures/${liveId}`);
      const counters = (await row.locator('[data-live-counters]').textContent()) ?? '';
      expect(counters).toMatch(/^[\d\u202f,]+ packets · 0 dropped · 0 calls evicted$/);
      const packets = Number(counters.split(' ')[0].replace(/\D/g, ''));
      expect(packets).toBeGreaterThanOrEqual(CALLS * 6);
      expect(packets).toBeLessThanOrEqual(info.live.packets);
      await p.screenshot({ path: join(SCREENSHOTS, 'live-capture-row.png') });
    },
    60_000,
  );
});
