/**
 * What the browser tests share: the web UI built fresh with vite's build()
 * into test-output/web-<pid> (never a stale dist/; a directory per test process,
 * so that test files run in parallel, or two test runs at once, never empty
 * each other's build under a page being served), the real server on port 0 with a
 * temporary data directory, and headless Chromium driven by playwright-core,
 * with every dialog, console message and page error recorded.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { type StartedServer, type StartOptions, startServer } from '../../server/start.js';
import type { CallDetail, CallPage } from '../../web/src/api/types.js';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent) {
  console.warn(
    `browser tests skipped: ${CHROMIUM} not found (test/install-deps.sh installs the chromium package)`,
  );
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUTPUT = join(ROOT, 'test-output');
export const SCREENSHOTS = join(OUTPUT, 'screenshots');

/** The builds of test processes that have ended (test workers are killed, so they cannot clean up after themselves). */
function removeDeadBuilds(): void {
  if (!existsSync(OUTPUT)) return;
  for (const name of readdirSync(OUTPUT)) {
    const pid = /^web-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH')
        rmSync(join(OUTPUT, name), { recursive: true, force: true });
    }
  }
}

/** Builds the UI from web/ into this process's test-output/web-<pid> and returns that directory. */
export async function buildWeb(): Promise<string> {
  const outDir = join(OUTPUT, `web-${process.pid}`);
  removeDeadBuilds();
  await build({
    configFile: join(ROOT, 'web/vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}

export interface PageEvents {
  dialogs: string[];
  errors: string[];
  console: string[];
}

export interface Harness {
  server: StartedServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  events: PageEvents;
  dataDir: string;
  /** `GET` an API path (`/api/...`) as JSON. */
  api<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** `server`: more options of the server (a live source, TLS keys). */
export async function startHarness(
  o: { samples?: string[]; server?: Partial<StartOptions> } = {},
): Promise<Harness> {
  const webRoot = await buildWeb();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-'));
  const server = await startServer({ ...o.server, dataDir, webRoot, port: 0, samples: o.samples ?? [] });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  const events: PageEvents = { dialogs: [], errors: [], console: [] };
  page.on('dialog', (d) => {
    events.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => events.errors.push(e.message));
  page.on('console', (m) => events.console.push(`${m.type()}: ${m.text()}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    browser,
    context,
    page,
    events,
    dataDir,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The harness with its page on the captures list (where uploads start). */
export async function startOnCaptures(o: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const hx = await startHarness(o);
  await hx.page.goto(`${hx.server.url}/`);
  return hx;
}

/** The id of the harness's one capture (a sample given to `startHarness`), once its analysis is over; it must be ready. */
export async function onlyCaptureId(hx: Harness): Promise<string> {
  for (;;) {
    const list = await hx.api<Array<{ id: string; status: string }>>('/api/captures');
    if (list.length === 1 && list[0].status !== 'analyzing') {
      if (list[0].status !== 'ready') throw new Error(`capture ${list[0].id} is ${list[0].status}`);
      return list[0].id;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What `sampleCall` sets up: filled once the file's `beforeAll` has run. */
export interface SampleCall {
  hx: Harness;
  captureId: string;
  /** The capture's first call (`GET …/calls/:callId`). */
  call: CallDetail;
}

/**
 * For a test file of one bundled sample's call: the harness on
 * `samples/<sample>`, its capture once analysed and its first call in
 * detail, set up before the file's tests and closed after them.
 */
export function sampleCall(sample: string): SampleCall {
  const out = {} as SampleCall;
  beforeAll(async () => {
    out.hx = await startHarness({ samples: [join(ROOT, 'samples', sample)] });
    out.captureId = await onlyCaptureId(out.hx);
    const { calls } = await out.hx.api<CallPage>(`/api/captures/${out.captureId}/calls?limit=10`);
    out.call = await out.hx.api<CallDetail>(`/api/captures/${out.captureId}/calls/${calls[0].id}`);
  }, 180_000);
  afterAll(async () => {
    await out.hx?.close();
  });
  return out;
}

/** The ids of the harness's captures (its samples) by file name: a name missing or not ready throws. */
export async function captureIdsByName(hx: Harness): Promise<(name: string) => string> {
  const list = await hx.api<Array<{ id: string; name: string; status: string }>>('/api/captures');
  return (name) => {
    const c = list.find((x) => x.name === name);
    if (c?.status !== 'ready') throw new Error(`${name}: ${c?.status ?? 'missing'}`);
    return c.id;
  };
}

/** Every call of capture `id` in detail (`GET …/calls/:callId`), for a test to pick from. */
export async function callDetails<T>(hx: Harness, id: string): Promise<T[]> {
  const { calls } = await hx.api<{ calls: Array<{ id: number }> }>(`/api/captures/${id}/calls?limit=100`);
  return Promise.all(calls.map((c) => hx.api<T>(`/api/captures/${id}/calls/${c.id}`)));
}

/** Uploads through the page's file input and waits until the capture's row says `status`. */
export async function uploadThroughPicker(
  page: Page,
  file: string,
  name: string,
  status: 'ready' | 'failed' = 'ready',
): Promise<string> {
  await page.locator('[data-upload]').setInputFiles(file);
  const row = page.locator(`tr.capture-row[data-status="${status}"]`, { hasText: name });
  await row.waitFor({ timeout: 60_000 });
  return (await row.getAttribute('data-capture-id')) as string;
}

/** Drops a file on the page as a user dragging it from the desktop would, and waits for its row. */
export async function uploadThroughDrop(page: Page, bytes: Uint8Array, name: string): Promise<string> {
  await page.evaluate(
    ([data, fileName]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], fileName, { type: 'application/vnd.tcpdump.pcap' }));
      const target = document.querySelector('main') as HTMLElement;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    [Array.from(bytes), name] as const,
  );
  const row = page.locator('tr.capture-row[data-status="ready"]', { hasText: name });
  await row.waitFor({ timeout: 60_000 });
  return (await row.getAttribute('data-capture-id')) as string;
}
