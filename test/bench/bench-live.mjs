#!/usr/bin/env node
// npm run bench:live: live capture under load. For each rate, SIPp's uac
// places calls to its uas on loopback for DURATION seconds while two
// captures watch the uas port at the same time: the built sipscope
// (`node dist/src/cli/main.js live -i lo -f 'udp port P' --json`) and tshark
// (`tshark -i lo -f 'udp port P' -w FILE`, counted afterwards). Prints the
// SIP messages each saw, how many sipscope missed, the drops dumpcap
// reported, sipscope's CPU (its node process, and its dumpcap) and peak RSS.
//
//   node test/bench/bench-live.mjs [--rates 500,1000,2000] [--duration 30] [--verify]
//
// Needs root (capture on lo), sipp (sip-tester), tshark, Linux /proc, and a
// build (npm run build). CPU heavy: SIPp, tshark and sipscope share the
// machine. Target: sipscope misses 0 messages up to 2,000 calls/s.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { binNodeFlags } from './bin-flags.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// SIPSCOPE_CLI: another build to measure (e.g. one made from a clean checkout).
export const cli = process.env.SIPSCOPE_CLI ?? join(root, 'dist/src/cli/main.js');
const CLK_TCK = 100;
const PAGE_KB = 4;

export function need() {
  const missing = [];
  if (process.getuid?.() !== 0) missing.push('root (capturing on lo)');
  for (const tool of ['sipp', 'tshark', 'dumpcap', 'capinfos']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      missing.push(tool);
    }
  }
  if (!existsSync('/proc/self/stat')) missing.push('Linux /proc');
  if (!existsSync(cli)) missing.push(`a build (${cli}: run npm run build)`);
  if (missing.length > 0) {
    console.error(`bench:live needs ${missing.join(', ')}`);
    process.exit(2);
  }
}

/** A free UDP port with the next one free too (SIPp's uac binds port + 1). */
export async function freePort() {
  for (;;) {
    const p = await new Promise((res) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const port = s.address().port;
        s.close(() => res(port));
      });
    });
    if (p < 60000) return p;
  }
}

/** CPU seconds (user + system) of a process so far, from /proc/PID/stat; null once it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size in MB, from /proc/PID/statm. */
export function rssMb(pid) {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * PAGE_KB) / 1024;
  } catch {
    return null;
  }
}

export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts `sipscope live` on lo for `port`, counting its NDJSON message events
 * as they stream; resolves once it is capturing.
 */
export async function startSipscope(port, extra = []) {
  const child = spawn(
    process.execPath,
    [...binNodeFlags(root), cli, 'live', '-i', 'lo', '-f', `udp port ${port}`, '--json', ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const s = { child, messages: 0, calls: 0, last: null, stats: [], stderr: '' };
  let carry = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (text.startsWith('{"type":"message"', start)) s.messages++;
      else if (text.startsWith('{"type":"call"', start)) s.calls++;
      else if (text.startsWith('{"type":"stats"', start)) {
        s.last = JSON.parse(text.slice(start, nl)).stats;
        s.stats.push(s.last);
      }
      start = nl + 1;
    }
    carry = text.slice(start);
  });
  child.stderr.setEncoding('utf8');
  await new Promise((res, rej) => {
    child.stderr.on('data', (t) => {
      s.stderr += t;
      if (s.stderr.includes('Ctrl-C to stop')) res();
    });
    child.once('exit', (code) => rej(new Error(`sipscope live exited (${code}): ${s.stderr.trim()}`)));
  });
  s.exited = new Promise((res) => child.once('exit', res));
  return s;
}

export async function startTshark(port, file) {
  const child = spawn('tshark', ['-i', 'lo', '-f', `udp port ${port}`, '-w', file, '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  await new Promise((res, rej) => {
    child.stderr.on('data', (t) => {
      err += t;
      if (err.includes('Capturing on')) res();
    });
    child.once('exit', (code) => rej(new Error(`tshark exited (${code}): ${err.trim()}`)));
  });
  // tshark says "Capturing on" a moment before its capture is open.
  await new Promise((r) => setTimeout(r, 1000));
  return { child, exited: new Promise((res) => child.once('exit', res)) };
}

/**
 * SIP messages in tshark's capture. The capture filter keeps only the SIPp
 * port, where every UDP datagram is one SIP message (no IP fragments on lo),
 * so the packet count is the message count — capinfos reads it in a moment,
 * where `tshark -Y sip` spends minutes dissecting 100k messages on a loaded
 * machine. `--verify` counts with `tshark -Y sip` instead.
 */
export function tsharkCount(file, verify = false) {
  if (!verify) {
    const out = execFileSync('capinfos', ['-c', '-M', '-T', '-r', file], { encoding: 'utf8' });
    return Number(out.trim().split('\t').pop());
  }
  const out = execFileSync('tshark', ['-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('\n').filter(Boolean).length;
}

/** SIPp uas on `port` and uac placing `rate` calls/s for `seconds`; resolves when the uac is done. */
export function runSipp(port, rate, seconds) {
  const uas = spawn(
    'sipp',
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-max_socket', '1000'],
    {
      stdio: 'ignore',
    },
  );
  const calls = Math.round(rate * seconds);
  return new Promise((res) => setTimeout(res, 500)).then(
    () =>
      new Promise((res) => {
        const uac = spawn(
          'sipp',
          [
            '-sn',
            'uac',
            `127.0.0.1:${port}`,
            '-i',
            '127.0.0.1',
            '-p',
            String(port + 1),
            '-r',
            String(rate),
            '-m',
            String(calls),
            '-l',
            String(rate * 10),
            '-nostdin',
            '-timeout',
            `${seconds + 60}s`,
          ],
          { stdio: 'ignore' },
        );
        // SIPp's own -timeout is the first guard; this one ends a UAC that still hangs.
        const guard = setTimeout(() => uac.kill('SIGKILL'), (seconds + 90) * 1000);
        uac.once('exit', () => {
          clearTimeout(guard);
          uas.kill('SIGKILL');
          res(calls);
        });
      }),
  );
}

async function benchRate(rate, seconds, verify) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-bench-live-'));
  const file = join(dir, 'tshark.pcapng');
  const procs = [];
  const say = (t) => process.stderr.write(`  ${rate} calls/s: ${t}\n`);
  try {
    say('starting tshark and sipscope');
    const tshark = await startTshark(port, file);
    procs.push(tshark.child);
    const sc = await startSipscope(port, ['--stats', '1']);
    procs.push(sc.child);
    const pid = sc.child.pid;
    const dumpcap = childrenOf(pid)[0];
    const cpu0 = cpuSeconds(pid);
    const dcpu0 = dumpcap ? cpuSeconds(dumpcap) : null;
    const t0 = Date.now();
    let peakRss = rssMb(pid) ?? 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(pid) ?? 0);
    }, 500);
    say(`SIPp placing ${rate * seconds} calls`);
    const placed = await runSipp(port, rate, seconds);
    say('stopping the captures');
    // What is still in the pipes is read before the captures stop.
    await new Promise((r) => setTimeout(r, 2000));
    const cpu1 = cpuSeconds(pid);
    const dcpu1 = dumpcap ? cpuSeconds(dumpcap) : null;
    const wall = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    tshark.child.kill('SIGINT');
    sc.child.kill('SIGINT');
    await Promise.all([tshark.exited, sc.exited]);
    say('counting what tshark captured');
    const seen = tsharkCount(file, verify);
    const last = sc.last;
    return {
      rate,
      seconds,
      calls: placed,
      tshark: seen,
      sipscope: sc.messages,
      missed: Math.max(0, seen - sc.messages),
      callsOut: sc.calls,
      completed: last?.pipeline?.callsByState?.completed ?? 0,
      drops: last?.capture?.kernelDropped ?? null,
      cpu: cpu0 !== null && cpu1 !== null ? (100 * (cpu1 - cpu0)) / wall : null,
      dumpcapCpu: dcpu0 !== null && dcpu1 !== null ? (100 * (dcpu1 - dcpu0)) / wall : null,
      rss: peakRss,
    };
  } finally {
    // Nothing of a failed run is left behind.
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n, d = 0) => (n === null || n === undefined ? '-' : n.toFixed(d));

async function main() {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '500,1000,2000' },
      duration: { type: 'string', default: '30' },
    },
  });
  need();
  const rates = values.rates.split(',').map(Number);
  const seconds = Number(values.duration);
  console.log(
    `bench:live: SIPp uac → uas on lo, ${seconds} s per rate; sipscope live and tshark capture the same port`,
  );
  const rows = [
    [
      'calls/s',
      'calls',
      'tshark msgs',
      'sipscope msgs',
      'missed',
      'dumpcap drops',
      'calls out',
      'completed',
      'CPU %',
      'dumpcap CPU %',
      'peak RSS MB',
    ],
  ];
  for (const rate of rates) {
    const r = await benchRate(rate, seconds, values.verify);
    rows.push([
      String(r.rate),
      String(r.calls),
      String(r.tshark),
      String(r.sipscope),
      String(r.missed),
      fmt(r.drops),
      String(r.callsOut),
      String(r.completed),
      fmt(r.cpu),
      fmt(r.dumpcapCpu, 1),
      fmt(r.rss),
    ]);
    console.log(`  ${rate} calls/s done: tshark ${r.tshark}, sipscope ${r.sipscope}, missed ${r.missed}`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  for (const row of rows) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
  console.log(
    '\nmissed: SIP messages tshark saw on the port that sipscope did not. CPU %: of one core, over the run (sipscope node; its dumpcap separately).',
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
