#!/usr/bin/env node
// npm run soak (not in CI): does `sipscope live` run for long with flat
// memory? SIPp places calls at a steady rate to a port that the built
// sipscope captures on lo; the RSS of its node process is sampled every
// 10 s. Once the window has filled (calls are handed out 32 s after their
// last message and their records kept 32 s more: 2 minutes of warm-up by
// default) RSS must stay within 10% of the first sample after the warm-up.
//
//   node test/bench/soak.mjs [--minutes 10] [--rate 300] [--warmup 120] [--every 10]
//
// Needs what bench:live needs (root, sipp, dumpcap, a build).
import { parseArgs } from 'node:util';
import { cpuSeconds, freePort, need, rssMb, runSipp, startSipscope } from './bench-live.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '120' },
    every: { type: 'string', default: '10' },
  },
});
need();
const seconds = Number(values.minutes) * 60;
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const every = Number(values.every);

const port = await freePort();
const sc = await startSipscope(port, ['--stats', String(every)]);
const pid = sc.child.pid;
const t0 = Date.now();
const cpu0 = cpuSeconds(pid);
const samples = [];
console.log(
  `soak: ${rate} calls/s for ${values.minutes} min; RSS of sipscope live every ${every} s (warm-up ${warmup} s)`,
);
console.log('     t s   RSS MB   messages   calls out   active calls   drops');
const sampler = setInterval(() => {
  const t = (Date.now() - t0) / 1000;
  const rss = rssMb(pid);
  const s = sc.last;
  samples.push({ t, rss });
  console.log(
    `${t.toFixed(0).padStart(8)}  ${rss === null ? '-' : rss.toFixed(1).padStart(7)}  ${String(sc.messages).padStart(9)}  ${String(sc.calls).padStart(10)}  ${String(s?.pipeline?.activeCalls ?? '-').padStart(13)}  ${String(s?.dropped ?? '-').padStart(6)}`,
  );
}, every * 1000);
const placed = await runSipp(port, rate, seconds);
await new Promise((r) => setTimeout(r, 2000));
clearInterval(sampler);
const cpu = ((cpuSeconds(pid) ?? 0) - (cpu0 ?? 0)) / ((Date.now() - t0) / 1000);
sc.child.kill('SIGINT');
await sc.exited;

const after = samples.filter((x) => x.t >= warmup && x.rss !== null);
if (after.length < 2) {
  console.log(`\nnot enough samples after the ${warmup} s warm-up to judge (run longer)`);
  process.exit(1);
}
const base = after[0].rss;
const max = Math.max(...after.map((x) => x.rss));
const min = Math.min(...after.map((x) => x.rss));
const growth = (100 * (max - base)) / base;
const flat = max <= base * 1.1;
console.log(
  `\ncalls placed ${placed}, messages seen ${sc.messages}, calls handed out ${sc.calls}, dropped ${sc.last?.dropped ?? '-'}`,
);
console.log(`CPU ${(100 * cpu).toFixed(0)}% of a core`);
console.log(
  `RSS after warm-up: first ${base.toFixed(1)} MB, min ${min.toFixed(1)} MB, max ${max.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%)`,
);
console.log(flat ? 'RSS stayed within 10%: flat' : 'RSS grew by more than 10%: NOT flat');
process.exit(flat ? 0 : 1);
