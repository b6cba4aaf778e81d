#!/usr/bin/env node
// npm run bench:warmup: where a short analysis loses its time to V8's warm-up.
//
// Analyses the bench capture (.bench/sipp-20000.pcap, made by npm run bench)
// twice in one process, from the build (dist/), and prints how long each
// 10,000 messages took. The first pass runs on freshly loaded code (the
// interpreter and baseline code until TurboFan has compiled the hot
// functions, on the same two cores); the second on code already optimized.
// The difference is what every `sipscope analyze` pays once. (The timing
// callback makes the analysis copy each datagram, as `analyze` without
// --json does; a pass took as long as the analysis of `analyze --json`.)
//
//   node test/bench/warmup.mjs [--file FILE] [--every 10000]
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    file: { type: 'string', default: join(root, '.bench/sipp-20000.pcap') },
    every: { type: 'string', default: '10000' },
  },
});
const every = Number(values.every);
const entry = join(root, 'dist/src/report/analyze-capture.js');
if (!existsSync(values.file))
  throw new Error(`no ${values.file}: run npm run bench first (it makes the capture)`);
if (!existsSync(entry)) throw new Error('no dist/: run npm run build first');
const { analyzeCapture } = await import(pathToFileURL(entry).href);

console.log(`capture: ${values.file}; ms per ${every} messages, in order`);
for (const pass of ['first pass (cold code)', 'second pass (warm code)']) {
  const times = [];
  const t0 = performance.now();
  let last = t0;
  const r = await analyzeCapture(values.file, {
    onMessage: (_m, id) => {
      if ((id + 1) % every !== 0) return;
      const t = performance.now();
      times.push(Math.round(t - last));
      last = t;
    },
  });
  const total = performance.now() - t0;
  console.log(`${pass}: ${times.join(' ')} — ${r.messages.length} messages in ${total.toFixed(0)} ms`);
}
