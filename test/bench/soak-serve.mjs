#!/usr/bin/env node
// npm run soak:serve (not in CI): does `sipscope serve --live` run for long
// with flat memory AND flat disk, now that its rolling window is written
// through to the database (issue 7: the window survives a restart)? SIPp
// places calls at a steady rate to a port the built server captures on lo;
// every few seconds the RSS of the server process, the size of the database
// files (sipscope.db + -wal) and the live capture's window and persist
// counters (GET /api/captures/:id) are sampled. After the warm-up (the window
// fills, and the calls handed out 32 s after their last message start being
// evicted), RSS and disk must each stay within 10% of their first sample.
//
//   node test/bench/soak-serve.mjs [--minutes 5] [--rate 300] [--window-calls 5000] [--warmup 90] [--every 10] [--memory]
//
// --memory runs `serve --memory` (no database, no write-through) to compare.
//
// Needs what bench:live needs (root, sipp, dumpcap, a build).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cli, cpuSeconds, freePort, need, root, rssMb, runSipp } from './bench-live.mjs';
import { binNodeFlags } from './bin-flags.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '300' },
    'window-calls': { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '90' },
    every: { type: 'string', default: '10' },
    memory: { type: 'boolean', default: false },
  },
});
need();
const seconds = Number(values.minutes) * 60;
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const every = Number(values.every);

const data = mkdtempSync(join(tmpdir(), 'sipscope-soak-serve-'));
const sipPort = await freePort();
const httpPort = await freePort();
const server = spawn(
  process.execPath,
  [
    ...binNodeFlags(root),
    cli,
    'serve',
    '--no-samples',
    '--data',
    data,
    '--port',
    String(httpPort),
    '--live',
    'lo',
    '--filter',
    `udp port ${sipPort}`,
    '--window-calls',
    values['window-calls'],
    ...(values.memory ? ['--memory'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let stderr = '';
server.stderr.setEncoding('utf8');
server.stderr.on('data', (d) => (stderr += d));
const exited = new Promise((res) => server.on('exit', res));
const base = `http://127.0.0.1:${httpPort}`;
const json = async (path) => {
  const r = await fetch(base + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
  return r.json();
};

// The live capture, once the server answers.
let liveId = null;
for (let i = 0; i < 200 && liveId === null; i++) {
  await new Promise((r) => setTimeout(r, 100));
  try {
    liveId = (await json('/api/captures')).find((c) => c.status === 'live')?.id ?? null;
  } catch {
    // not listening yet
  }
}
if (liveId === null) {
  server.kill('SIGKILL');
  console.error(`the server never listed a live capture:\n${stderr}`);
  process.exit(1);
}

const db = join(data, 'sipscope.db');
const diskMb = () =>
  ['', '-wal', '-shm'].reduce((a, x) => a + (existsSync(db + x) ? statSync(db + x).size : 0), 0) / 1e6;
const pid = server.pid;
const t0 = Date.now();
const cpu0 = cpuSeconds(pid);
const samples = [];
console.log(
  `soak:serve: ${rate} calls/s for ${values.minutes} min into serve --live lo --window-calls ${values['window-calls']} (capture ${liveId}, data ${data}); every ${every} s, warm-up ${warmup} s`,
);
console.log(
  '     t s   RSS MB   heap MB   ext MB   rest MB   disk MB   window calls   on disk   written   deleted   dropped   packets lost',
);
// The server's own memory figures (GET /metrics, server/process-metrics.ts):
// the main thread's V8 heap (committed), memory V8 counts outside it, and
// what is left of RSS (the allocator, SQLite, the worker threads' heaps).
const processMemory = async () => {
  const r = await fetch(`${base}/metrics`);
  const text = await r.text();
  const v = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1e6;
  return { heap: v('nodejs_heap_size_total_bytes'), ext: v('nodejs_external_memory_bytes') };
};
let sampling = false;
const sampler = setInterval(async () => {
  if (sampling) return;
  sampling = true;
  try {
    const t = (Date.now() - t0) / 1000;
    const rss = rssMb(pid);
    const disk = diskMb();
    const c = await json(`/api/captures/${liveId}`);
    const w = c.live?.window ?? {};
    const p = c.live?.persist ?? {};
    const { heap, ext } = await processMemory();
    const rest = rss === null ? null : rss - heap - ext;
    samples.push({ t, rss, heap, ext, rest, disk, c });
    console.log(
      [
        t.toFixed(0).padStart(8),
        rss === null ? '-'.padStart(7) : rss.toFixed(1).padStart(7),
        heap.toFixed(1).padStart(8),
        ext.toFixed(1).padStart(7),
        rest === null ? '-'.padStart(8) : rest.toFixed(1).padStart(8),
        disk.toFixed(1).padStart(8),
        String(w.calls ?? '-').padStart(13),
        String(p.onDisk ?? '-').padStart(8),
        String(p.writtenCalls ?? '-').padStart(8),
        String(p.deletedCalls ?? '-').padStart(8),
        String((p.droppedCalls ?? 0) + (p.droppedDeletes ?? 0)).padStart(8),
        String(c.live?.droppedPackets ?? '-').padStart(13),
      ].join('  '),
    );
  } catch (e) {
    console.log(`sample failed: ${e.message}`);
  } finally {
    sampling = false;
  }
}, every * 1000);

const placed = await runSipp(sipPort, rate, seconds);
await new Promise((r) => setTimeout(r, 2000));
clearInterval(sampler);
const cpu = ((cpuSeconds(pid) ?? 0) - (cpu0 ?? 0)) / ((Date.now() - t0) / 1000);
const last = samples.at(-1)?.c;
server.kill('SIGTERM');
await exited;
rmSync(data, { recursive: true, force: true });

const after = samples.filter((x) => x.t >= warmup && x.rss !== null);
if (after.length < 2) {
  console.log(`\nnot enough samples after the ${warmup} s warm-up to judge (run longer)`);
  process.exit(1);
}
const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
const judge = (what, key, unit) => {
  const first = after[0][key];
  const xs = after.map((x) => x[key]);
  const max = Math.max(...xs);
  const growth = (100 * (max - first)) / first;
  console.log(
    `${what} after warm-up: first ${first.toFixed(1)} ${unit}, min ${Math.min(...xs).toFixed(1)}, max ${max.toFixed(1)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%), ${thirds(xs)}`,
  );
  return max <= first * 1.1;
};
// The means of the first, middle and last third: a trend, apart from the
// rise and fall between full collections that a single sample catches.
const thirds = (xs) => {
  const k = Math.ceil(xs.length / 3);
  return `means of the thirds ${[xs.slice(0, k), xs.slice(k, 2 * k), xs.slice(2 * k)]
    .filter((t) => t.length > 0)
    .map((t) => mean(t).toFixed(1))
    .join(', ')}`;
};
console.log(
  `\ncalls placed ${placed}; SIP messages ${last?.stats?.sipMessages ?? '-'}; packets lost ${last?.live?.droppedPackets ?? '-'}; calls written ${last?.live?.persist?.writtenCalls ?? '-'}, deleted ${last?.live?.persist?.deletedCalls ?? '-'}, dropped ${(last?.live?.persist?.droppedCalls ?? 0) + (last?.live?.persist?.droppedDeletes ?? 0)}`,
);
console.log(`CPU ${(100 * cpu).toFixed(0)}% of a core`);
const rssFlat = judge('RSS', 'rss', 'MB');
// Where RSS went, said (not judged): the heap V8 holds for the main thread,
// and the rest of the process.
for (const [what, key] of [
  ['main heap', 'heap'],
  ['rest of RSS', 'rest'],
]) {
  const xs = after.map((x) => x[key]).filter(Number.isFinite);
  if (xs.length > 0)
    console.log(
      `${what} after warm-up: first ${xs[0].toFixed(1)} MB, min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, ${thirds(xs)}`,
    );
}
const diskFlat = values.memory || judge('disk', 'disk', 'MB');
console.log(rssFlat && diskFlat ? 'RSS and disk stayed within 10%: flat' : 'NOT flat');
process.exit(rssFlat && diskFlat ? 0 : 1);
