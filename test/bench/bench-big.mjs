#!/usr/bin/env node
// npm run bench:big: the big-capture benchmark of the SQLite store (issue 7).
//
// 1. Makes (once, kept in .bench/) a SIPp capture of --calls calls (default
//    200,000) with ../shared/tools/gen-sipp-pcap.sh (root, SIPp, tcpdump).
// 2. Analyses it into a fresh SQLite data directory the way the server's
//    analysis worker does (analyze-to-store.ts + the writer thread), from the
//    build (dist/), measuring wall time and peak RSS (measure.py), next to
//    `sngrep -l 300000 -I FILE -N -q -O /dev/null` on the same file.
// 3. For comparison, `sipscope analyze FILE --json` on the same file: the CLI,
//    which keeps the whole analysis in memory (no store) and prints it.
// 4. Times call-list pages on the result: through the store, and through the
//    HTTP API of a server started on that data directory.
//
// --queries-only skips 1-3 and times the pages on the database a previous run
// left in .bench/data-<calls>/ (the analysis is a minute; the pages change
// with the store's code).
//
//   node test/bench/bench-big.mjs [--calls 200000] [--rate 1000] [--runs 1] [--no-sngrep] [--no-cli] [--no-queries] [--queries-only]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { binNodeFlags } from './bin-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    rate: { type: 'string' },
    runs: { type: 'string', default: '1' },
    'no-sngrep': { type: 'boolean', default: false },
    // Without the in-memory `sipscope analyze --json` row.
    'no-cli': { type: 'boolean', default: false },
    // Only the analysis (no call-list pages afterwards).
    'no-queries': { type: 'boolean', default: false },
    // Only the call-list pages, on the database of a previous run.
    'queries-only': { type: 'boolean', default: false },
    // Internal: the measured analysis, run as a child process.
    child: { type: 'boolean', default: false },
    file: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
  },
});
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;

if (values.child) {
  // The analysis as the server's worker runs it: straight into SQLite, inserts on their own thread,
  // in a process whose heaps grow as `sipscope serve` lets them (server/heap-growth.ts).
  const { DEFAULT_HEAP_GROWTH, setHeapGrowth } = await import(dist('server/heap-growth.js'));
  setHeapGrowth(DEFAULT_HEAP_GROWTH);
  const { ensureDataDir, dataDirAt } = await import(dist('src/store/data-dir.js'));
  const { openSqliteStore } = await import(dist('src/store/sqlite-store.js'));
  const { openSqliteWriterThread } = await import(dist('src/store/sqlite-writer-thread.js'));
  const { analyzeToStore } = await import(dist('src/store/analyze-to-store.js'));
  const d = ensureDataDir(dataDirAt(values.data));
  const store = openSqliteStore({ file: d.db });
  const c = await store.createCapture({
    name: 'big.pcap',
    size: statSync(values.file).size,
    path: values.file,
  });
  await store.close();
  const t0 = performance.now();
  const r = await analyzeToStore(values.file, await openSqliteWriterThread({ db: d.db, captureId: c.id }), {
    name: 'big.pcap',
  });
  const out = {
    id: c.id,
    ms: performance.now() - t0,
    calls: r.stats.calls,
    messages: r.stats.sipMessages,
    findings: r.stats.findings,
    peakPendingMessages: r.peakPendingMessages,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  (await import('node:fs')).writeFileSync(values.out, JSON.stringify(out));
  process.exit(0);
}

const calls = Number(values.calls);
const rate = Number(values.rate ?? Math.min(1000, calls));
const runs = Math.max(1, Number(values.runs));
const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });
const capture = join(benchDir, `sipp-${calls}.pcap`);

if (!existsSync(capture)) {
  const gen = resolve(root, '../shared/tools/gen-sipp-pcap.sh');
  const script = existsSync(gen) ? gen : join(root, 'test/bench/gen-sipp-pcap.sh');
  console.log(`making ${capture} (${calls} calls at ${rate}/s with SIPp on loopback)…`);
  execFileSync('bash', [script, capture, String(calls), String(rate)], { stdio: 'inherit' });
}

// The build must be there and newer than the store's sources.
const needed = [
  'store/analyze-to-store',
  'store/sqlite-store',
  'store/sqlite-writer-thread',
  'store/sqlite-writer-worker',
];
const stale = needed.some((m) => {
  const js = join(root, 'dist/src', `${m}.js`);
  return !existsSync(js) || statSync(js).mtimeMs < statSync(join(root, 'src', `${m}.ts`)).mtimeMs;
});
if (stale || !existsSync(join(root, 'dist/server/start.js'))) {
  console.log('building dist/ (tsc)…');
  // Type errors elsewhere in a working tree do not stop tsc from emitting: check what we need instead.
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  for (const m of needed)
    if (!existsSync(join(root, 'dist/src', `${m}.js`)))
      throw new Error(`the build did not make dist/src/${m}.js`);
}

const measure = (cmd) => {
  const r = spawnSync('python3', [join(root, 'test/bench/measure.py'), ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measure failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (kib) => (kib / 1024).toFixed(1);

console.log(`capture: ${capture} (${(statSync(capture).size / 1e6).toFixed(1)} MB)`);
const dataDir = join(benchDir, `data-${calls}`);
const resultFile = join(benchDir, `bench-big-${calls}.json`);
// The analysis and its comparisons; with --queries-only, the figures of the run that made the database.
const db = join(dataDir, 'sipscope.db');
const result = values['queries-only'] ? JSON.parse(readFileSync(resultFile, 'utf8')) : analyseAndCompare();
if (!existsSync(db)) throw new Error(`${db}: no database (run without --queries-only first)`);

function analyseAndCompare() {
  const ours = [];
  let result;
  for (let i = 0; i < runs; i++) {
    rmSync(dataDir, { recursive: true, force: true });
    // With the Node options of the `sipscope` command, which `sipscope serve` runs with.
    const m = measure([
      process.execPath,
      ...binNodeFlags(root),
      fileURLToPath(import.meta.url),
      '--child',
      '--file',
      capture,
      '--data',
      dataDir,
      '--out',
      resultFile,
    ]);
    if (m.rc !== 0) throw new Error(`sipscope analysis exited ${m.rc}: ${m.stderr ?? ''}`);
    ours.push(m);
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  }
  const theirs = [];
  if (!values['no-sngrep'])
    for (let i = 0; i < runs; i++)
      theirs.push(measure(['sngrep', '-l', '300000', '-I', capture, '-N', '-q', '-O', '/dev/null']));

  // The CLI: the package's bin, as npm run bench runs it.
  const cliRuns = [];
  if (!values['no-cli']) {
    const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.sipscope);
    if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    for (let i = 0; i < runs; i++) {
      const m = measure([process.execPath, ...binNodeFlags(root), cli, 'analyze', capture, '--json']);
      if (m.rc !== 0) throw new Error(`sipscope analyze exited ${m.rc}: ${m.stderr ?? ''}`);
      cliRuns.push(m);
    }
  }

  const dbBytes = ['', '-wal'].reduce((a, x) => a + (existsSync(db + x) ? statSync(db + x).size : 0), 0);
  console.log(
    `sipscope stored ${result.calls} calls, ${result.messages} messages, ${result.findings} findings; ` +
      `at most ${result.peakPendingMessages} messages of calls in progress; database ${(dbBytes / 1e6).toFixed(1)} MB`,
  );
  // CPU (user + sys, both threads) is what to compare when the machine is busy: wall time is load-sensitive.
  console.log(
    ['tool', 'wall s (median)', 'CPU s (median)', 'peak RSS MiB', 'wall ratio to sngrep'].join('\t'),
  );
  const ourWall = median(ours.map((m) => m.wall));
  const ourRss = Math.max(...ours.map((m) => m.rssKiB));
  const theirWall = theirs.length ? median(theirs.map((m) => m.wall)) : Number.NaN;
  console.log(
    [
      'sipscope → SQLite',
      ourWall.toFixed(3),
      median(ours.map((m) => m.cpu)).toFixed(3),
      mib(ourRss),
      (ourWall / theirWall).toFixed(2),
    ].join('\t'),
  );
  const cliWall = cliRuns.length ? median(cliRuns.map((m) => m.wall)) : Number.NaN;
  if (cliRuns.length) {
    console.log(
      [
        'sipscope analyze --json (in memory)',
        cliWall.toFixed(3),
        median(cliRuns.map((m) => m.cpu)).toFixed(3),
        mib(Math.max(...cliRuns.map((m) => m.rssKiB))),
        (cliWall / theirWall).toFixed(2),
      ].join('\t'),
    );
  }
  if (theirs.length)
    console.log(
      [
        'sngrep -l 300000',
        theirWall.toFixed(3),
        median(theirs.map((m) => m.cpu)).toFixed(3),
        mib(Math.max(...theirs.map((m) => m.rssKiB))),
        '1.00',
      ].join('\t'),
    );
  // sngrep's wall time is its work rounded up to its main thread's next 500 ms check (measure.py).
  if (theirs.length && theirs.every((m) => m.firstThreadExit !== null)) {
    const parsed = median(theirs.map((m) => m.firstThreadExit));
    console.log(
      `sngrep read and parsed the file in ${parsed.toFixed(3)} s (its capture thread ended): ` +
        `sipscope's wall time into SQLite is ${(ourWall / parsed).toFixed(2)}× that` +
        (cliRuns.length ? `, in memory (analyze --json) ${(cliWall / parsed).toFixed(2)}×` : ''),
    );
  }
  return result;
}

if (values['no-queries']) process.exit(0);

// Call-list pages: through the store, then through the HTTP API of a server on the same data.
const { openSqliteStore } = await import(dist('src/store/sqlite-store.js'));
const { parseCallQuery } = await import(dist('src/store/call-query.js'));
const { startServer } = await import(dist('server/start.js'));
const QUERIES = [
  'kind=call&state=completed&sort=durationMs&order=desc&limit=100',
  'limit=100',
  'state=completed&sort=from&offset=100000&limit=100',
  // Half-way down a list sorted by a column of many values: a sort of every call for the first such page.
  'sort=durationMs&order=desc&offset=100000&limit=100',
  'method=bye&hasFindings=false&sort=pddMs&order=desc&limit=100',
  'q=127.0.0.1&sort=start&limit=100',
  `q=/^${Math.floor(calls / 2)}-/&limit=100`,
];
const timeIt = async (f, n = 5) => {
  const cold = performance.now();
  const total = await f();
  const first = performance.now() - cold;
  const warm = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    warm.push(performance.now() - t);
  }
  return { total, first, warm: median(warm) };
};
// The first page on a store opened just for it (nothing of the capture cached): the median of 3.
const fresh = async (query) => {
  const ms = [];
  for (let i = 0; i < 3; i++) {
    const s = openSqliteStore({ file: db });
    const t = performance.now();
    await s.queryCalls(result.id, query);
    ms.push(performance.now() - t);
    await s.close();
  }
  return median(ms);
};
const store = openSqliteStore({ file: db });
const id = result.id;
const server = await startServer({ dataDir, port: 0, store, webRoot: join(dataDir, 'no-web') });
const rows = [];
for (const qs of QUERIES) {
  const p = parseCallQuery(new URLSearchParams(qs));
  if (!p.ok) throw new Error(`${qs}: ${p.error}`);
  const s = await timeIt(async () => (await store.queryCalls(id, p.query)).total);
  const h = await timeIt(async () => {
    const res = await fetch(`${server.url}/api/captures/${id}/calls?${qs}`);
    return (await res.json()).total;
  });
  if (h.total !== s.total) throw new Error(`${qs}: the API says ${h.total}, the store ${s.total}`);
  rows.push({ qs, query: p.query, s, h });
}
await server.close();
await store.close();
// After the server is closed: a pause between two requests longer than its keep-alive (5 s) let
// fetch reuse a socket the server was closing (ECONNRESET).
console.log(
  ['call list query', 'matches', 'store first ms', 'store warm ms', 'fresh store ms', 'HTTP warm ms'].join(
    '\t',
  ),
);
for (const { qs, query, s, h } of rows) {
  const f = await fresh(query);
  console.log(
    [qs, s.total, s.first.toFixed(1), s.warm.toFixed(1), f.toFixed(1), h.warm.toFixed(1)].join('\t'),
  );
}
