#!/usr/bin/env node
// npm run bench: sipscope side by side with sngrep and tshark on the same
// SIPp capture, as ratios. Makes the capture once (SIPp + tcpdump on loopback,
// as root) and reuses it from .bench/.
//
// Then, unless told not to, the browser figures (bench-browser.mjs: a
// 1,000-message ladder, a 100k-call list) and the 200,000-call capture
// analysed into the SQLite store (bench-big.mjs).
//
//   node test/bench/bench.mjs [--calls 20000] [--runs 5] [--no-tshark] [--no-browser] [--no-big]
//
// sipscope and sngrep run in turns (sipscope, sngrep, sipscope, …) so that a
// change in the machine's load touches both alike; each line gives the median
// of the runs and their range. sngrep's wall time includes up to 0.5 s of
// waiting (measure.py), so the bench also says when sngrep had parsed the file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { binNodeFlags } from './bin-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    'no-tshark': { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
    'no-big': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const runs = Number(values.runs);
const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });
const capture = join(benchDir, `sipp-${calls}.pcap`);

if (!existsSync(capture)) {
  const gen = resolve(root, '../shared/tools/gen-sipp-pcap.sh');
  const script = existsSync(gen) ? gen : join(root, 'test/bench/gen-sipp-pcap.sh');
  console.log(`making ${capture} (${calls} calls with SIPp on loopback)…`);
  execFileSync('bash', [script, capture, String(calls), String(Math.min(1000, calls))], { stdio: 'inherit' });
}
// What `sipscope` runs: the package's bin (the bundled CLI, see package.json build:cli).
const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.sipscope);
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const measure = (cmd) => {
  const r = spawnSync('python3', [join(root, 'test/bench/measure.py'), ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measure failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tools = [
  { name: 'sipscope', cmd: ['node', ...binNodeFlags(root), cli, 'analyze', capture, '--json'], runs },
  { name: 'sngrep', cmd: ['sngrep', '-I', capture, '-N', '-q', '-O', '/dev/null'], runs },
];
if (!values['no-tshark'])
  tools.push({ name: 'tshark', cmd: ['tshark', '-r', capture, '-q', '-z', 'sip,stat'], runs: 1 });

console.log(`capture: ${capture} (${(statSync(capture).size / 1e6).toFixed(1)} MB, ${calls} calls)`);
const measured = new Map(tools.map((t) => [t, []]));
for (let i = 0, most = Math.max(...tools.map((t) => t.runs)); i < most; i++)
  for (const t of tools) if (i < t.runs) measured.get(t).push(measure(t.cmd));
const results = {};
for (const [t, ms] of measured) {
  if (ms.some((m) => m.rc !== 0)) console.log(`warning: ${t.name} exited ${ms.map((m) => m.rc).join(',')}`);
  const walls = ms.map((m) => m.wall);
  results[t.name] = {
    wall: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    rss: Math.max(...ms.map((m) => m.rssKiB)),
    firstThreadExit: ms.every((m) => m.firstThreadExit !== null)
      ? median(ms.map((m) => m.firstThreadExit))
      : null,
  };
}
const base = results.sngrep.wall;
console.log(['tool', 'wall s (median)', 'wall s (range)', 'peak RSS MiB', 'wall ratio to sngrep'].join('\t'));
for (const [name, r] of Object.entries(results)) {
  const range = `${r.min.toFixed(3)}–${r.max.toFixed(3)}`;
  console.log(
    [name, r.wall.toFixed(3), range, (r.rss / 1024).toFixed(1), (r.wall / base).toFixed(2)].join('\t'),
  );
}
// sngrep's main thread checks every 500 ms whether its capture thread is done (measure.py):
// its wall time is its work rounded up to the next half second. The fairer figure is when
// that thread ended, having read and parsed the whole file.
const parsed = results.sngrep.firstThreadExit;
if (parsed !== null)
  console.log(
    `sngrep read and parsed the file in ${parsed.toFixed(3)} s (median; its capture thread ended), then ` +
      `waited for its main thread's next 500 ms check: sipscope's wall time is ${(results.sipscope.wall / parsed).toFixed(2)}× that`,
  );

// The other figures the issues ask of `npm run bench`, each its own script.
const part = (title, args) => {
  console.log(`\n${title}`);
  const r = spawnSync('node', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.log(`warning: ${args.join(' ')} exited ${r.status}`);
};
if (!values['no-browser'])
  part('browser (headless Chromium):', ['--import', 'tsx', join(root, 'test/bench/bench-browser.mjs')]);
if (!values['no-big'])
  part('200,000-call capture into the SQLite store:', [join(root, 'test/bench/bench-big.mjs')]);
