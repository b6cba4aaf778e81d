#!/usr/bin/env node
// npm run bench:browser: how fast the web UI draws, in headless Chromium
// against the real server (TypeScript sources through tsx, web UI built fresh
// with vite into .bench/web):
//
// - the ladder of a 1,000-message call (target < 200 ms): from the route
//   change to its rows in view painted, fetch included; and layout + drawing alone;
// - the call list of a 100,000-call capture: from the route change to the
//   first rows painted, a jump to the middle of the list, and the frame times
//   while scrolling through it (with the number of rows kept in the DOM).
//
// The server keeps its analyses as `sipscope serve` does: in the SQLite store
// of its data directory, or with --memory in process memory (`serve --memory`).
// The captures are made once with the pcap writer (make-browser-captures.ts)
// into .bench/ and reused.
//
//   node --import tsx test/bench/bench-browser.mjs [--runs 5] [--memory]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, memory: { type: 'boolean', default: false } },
});
const runs = Math.max(1, Number(values.runs));
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`bench:browser skipped: ${CHROMIUM} not found`);
  process.exit(0);
}

const { makeBrowserCaptures, MANY } = await import('./make-browser-captures.ts');
const { startServer } = await import('../../server/start.ts');
const { createMemoryStore } = await import('../../src/store/memory-store.ts');
const { openSqliteStore } = await import('../../src/store/sqlite-store.ts');
const { build } = await import('vite');
const { chromium } = await import('playwright-core');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x) => `${x.toFixed(1)} ms`;

const benchDir = join(root, '.bench');
console.log('captures…');
const { longCall, manyCalls } = await makeBrowserCaptures(benchDir);
const webRoot = join(benchDir, 'web');
await build({
  configFile: join(root, 'web/vite.config.ts'),
  logLevel: 'error',
  build: { outDir: webRoot, emptyOutDir: true, sourcemap: false },
});

const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-bench-'));
const store = values.memory ? createMemoryStore() : openSqliteStore({ file: join(dataDir, 'sipscope.db') });
console.log(`server (${values.memory ? 'memory store' : 'SQLite store'}): analysing the captures…`);
const t0 = performance.now();
const server = await startServer({ dataDir, webRoot, port: 0, samples: [longCall, manyCalls], store });
console.log(`  analysed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const captures = await (await fetch(`${server.url}/api/captures`)).json();
  const idOf = (name) => captures.find((c) => c.name === name)?.id;
  const longId = idOf('long-call-1000.pcap');
  const manyId = idOf('calls-100000.pcap');
  const longCallId = (await (await fetch(`${server.url}/api/captures/${longId}/calls?limit=1`)).json())
    .calls[0].id;

  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(`${server.url}/#/`);
  await page.locator('tr.capture-row').first().waitFor();

  /**
   * Sets the hash and resolves after the frame in which `selector` first
   * matches `count` elements (or at least one, without a count) has been
   * painted, and `.count` says `total` when given. (The page's CSP forbids
   * eval, so the condition is data, not code.)
   */
  const timeRoute = (hash, spec) =>
    page.evaluate(
      async ([h, c]) => {
        const ok = () => {
          const n = document.querySelectorAll(c.selector).length;
          if (c.count !== undefined ? n !== c.count : n === 0) return false;
          return c.total === undefined || document.querySelector('.count')?.dataset.total === c.total;
        };
        const start = performance.now();
        location.hash = h;
        await new Promise((resolve) => {
          const tick = () => (ok() ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(tick));
          requestAnimationFrame(tick);
        });
        return performance.now() - start;
      },
      [hash, spec],
    );

  // Ladder of a 1,000-message call.
  const total = [];
  const render = [];
  const layout = [];
  for (let i = 0; i < runs; i++) {
    await page.evaluate(() => {
      location.hash = '#/';
      performance.clearMeasures();
    });
    await page.locator('tr.capture-row').first().waitFor();
    total.push(
      // The ladder of all 1,000 messages, its rows in view painted (the others are built, not attached).
      await timeRoute(`#/captures/${longId}/calls/${longCallId}`, {
        selector: 'svg.ladder[data-rows="1000"] [data-message-id]',
      }),
    );
    const m = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('measure').map((e) => [e.name, e.duration])),
    );
    render.push(m['ladder:render']);
    layout.push(m['ladder:layout']);
  }

  // Call list of 100,000 calls.
  const list = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    await page.evaluate(() => {
      location.hash = '#/';
    });
    await page.locator('tr.capture-row').first().waitFor();
    list.push(
      await timeRoute(`#/captures/${manyId}`, { selector: '.call-row[data-call-id]', total: String(MANY) }),
    );
  }
  const jump = await page.evaluate(async () => {
    const s = document.querySelector('.call-scroller');
    const start = performance.now();
    s.scrollTop = s.scrollHeight / 2;
    await new Promise((resolve) => {
      const tick = () => {
        const rows = [...document.querySelectorAll('.call-row')];
        const mid = rows.filter((r) => Number(r.dataset.index) > 40_000);
        if (mid.length > 0 && mid.every((r) => r.dataset.callId)) requestAnimationFrame(() => resolve());
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return performance.now() - start;
  });
  const scroll = await page.evaluate(async () => {
    const s = document.querySelector('.call-scroller');
    s.scrollTop = 0;
    const frames = [];
    let maxRows = 0;
    let last = performance.now();
    await new Promise((resolve) => {
      let n = 0;
      const step = () => {
        const now = performance.now();
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, document.querySelectorAll('.call-row').length);
        s.scrollTop += 900;
        if (++n < 240) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    return { frames: frames.slice(1), maxRows };
  });

  console.log('');
  console.log(['figure', 'median', 'first', 'worst', 'note'].join('\t'));
  const row = (name, xs, note) =>
    console.log([name, ms(median(xs)), ms(xs[0]), ms(Math.max(...xs)), note].join('\t'));
  row('ladder 1,000 messages: route → painted', total, 'fetch + layout + draw; target < 200 ms');
  row('ladder 1,000 messages: layout', layout, 'layout.ts');
  row('ladder 1,000 messages: draw', render, 'render.ts (d3)');
  row('call list 100,000 calls: route → first rows', list, 'first page of 200 from the API');
  console.log(
    ['call list: jump to the middle', ms(jump), '', '', 'scrollTop → rows of page 250 painted'].join('\t'),
  );
  console.log(
    [
      'call list: scrolling 240 frames',
      ms(median(scroll.frames)),
      '',
      ms(Math.max(...scroll.frames)),
      `p95 ${ms(pct(scroll.frames, 0.95))}; at most ${scroll.maxRows} rows in the DOM`,
    ].join('\t'),
  );
} finally {
  await browser.close();
  await server.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
