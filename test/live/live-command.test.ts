/**
 * `sipscope live`, run from the TypeScript sources in a child process (it
 * handles SIGINT itself): HEP in (no privileges needed) and, with root and
 * SIPp, a capture on lo; NDJSON events out; the summary on Ctrl-C; the text
 * lines made safe for a terminal; usage errors.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyze/finding.js';
import { callLine, findingLine, messageLine } from '../../src/cli/live-command.js';
import { termSafe } from '../../src/cli/term-safe.js';
import type { CallRecord } from '../../src/correlate/model.js';
import { createLivePipeline, type LiveMessage } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { hep3 } from '../capture/hep-build.js';
import { basicCall, dtmfCall, T0 } from '../fixtures/flows/index.js';
import { pushFlow, sendHep, TLS_FIXTURES, tlsFixtureHep } from './hep-send.js';
import { freePort, liveSkipReason, runSipp } from './sipp.js';
import { opensslAvailable, tlsSipExchange } from './tls-peers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TLS = TLS_FIXTURES;
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-live-command-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stderr says the capture runs (or the process exits first). */
  ready: Promise<void>;
  exit: Promise<number | null>;
  exited: () => boolean;
}

const running: Run[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
});

function live(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'live', ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const ready = new Promise<void>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (err.includes('Ctrl-C to stop')) resolve();
    });
    void exit.then(() => resolve());
  });
  const r = {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    exit,
    exited: () => exited,
  };
  running.push(r);
  return r;
}

const events = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

/** The last stats event of a run whose one TLS connection waited for its key, and got it. */
const keyCameLate = {
  type: 'stats',
  stats: {
    pipeline: {
      tls: {
        connections: 1,
        decrypted: 1,
        withoutKey: 0,
        keyWait: { waited: 1, keyCame: 1, expired: 0 },
      },
    },
  },
};

/**
 * `live --hep` on a port free a moment ago: another test file's server can take
 * that port between freePort() and the child's bind, so a child that says the
 * port is in use is started again on another one.
 */
async function liveOnFreePort(args: (port: number) => string[]): Promise<{ r: Run; port: number }> {
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const r = live(args(port));
    await r.ready;
    if (!r.exited() || tries === 5 || !r.stderr().includes('already in use')) return { r, port };
  }
}

/** Waits for `cond`; fails at once, with the child's stderr, if `r` exits first, and after 40 s. */
async function until(r: Run, cond: () => boolean): Promise<void> {
  const give = Date.now() + 40_000;
  while (!cond()) {
    if (r.exited() || Date.now() > give)
      throw new Error(
        `${r.exited() ? 'sipscope live exited' : 'gave up after 40 s'}; stderr:\n${r.stderr()}\nstdout (end):\n${r.stdout().slice(-2000)}`,
      );
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('sipscope live --hep (HEP only: runs without privileges)', () => {
  it('prints NDJSON message, call and stats events, and flushes the calls in progress on SIGINT', async () => {
    const { r, port } = await liveOnFreePort((p) => ['--hep', String(p), '--json', '--stats', '0']);
    const msgs = basicCall();
    const pkts = msgs.map((m) => {
      const s = m.source;
      if (s === null) throw new Error('flow messages have sources');
      return hep3({
        src: s.src.ip,
        dst: s.dst.ip,
        sport: s.src.port,
        dport: s.dst.port,
        ts: s.ts,
        node: 'edge-1',
        payload: m.raw,
      });
    });
    // The first four over UDP, the rest over one TCP connection.
    const udp = createSocket('udp4');
    for (const p of pkts.slice(0, 4))
      await new Promise<void>((res) => udp.send(p, port, '127.0.0.1', () => res()));
    udp.close();
    await until(r, () => events(r.stdout()).length >= 4);
    const tcp = connect(port, '127.0.0.1');
    await new Promise<void>((res) => tcp.once('connect', () => res()));
    tcp.write(Buffer.concat(pkts.slice(4)));
    await until(r, () => events(r.stdout()).length >= 7);
    tcp.destroy();
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
    const ev = events(r.stdout());
    const messages = ev.filter((e) => e.type === 'message').map((e) => e.message as Record<string, unknown>);
    expect(messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 100, 180, 200, 'ACK', 'BYE', 200]);
    expect(messages.map((m) => m.frame)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The transport the agent saw (UDP), not how HEP reached the collector.
    expect(messages.every((m) => m.transport === 'udp')).toBe(true);
    expect(messages[0]).toMatchObject({
      callId: 'basic-1@10.0.0.1',
      src: '10.0.0.1:5060',
      hep: { node: 'edge-1' },
    });
    const calls = ev.filter((e) => e.type === 'call').map((e) => e.call as Record<string, unknown>);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      state: 'completed',
      callIds: ['basic-1@10.0.0.1'],
      messages: [0, 1, 2, 3, 4, 5, 6],
    });
    const last = ev[ev.length - 1];
    expect(last.type).toBe('stats');
    expect(last.stats).toMatchObject({
      packets: 7,
      dropped: 0,
      pipeline: { messages: 7, calls: 1, callsByState: { completed: 1 } },
      hep: { udpPackets: 4, tcpPackets: 3, sip: 7, bad: 0 },
    });
  }, 60_000);

  it('a call with DTMF in SIP INFO: its digits as a dtmf event (--json) and a DTMF line worded as analyze words it', async () => {
    const msgs = dtmfCall();
    for (const json of [true, false]) {
      const { r, port } = await liveOnFreePort((p) => [
        '--hep',
        String(p),
        '--stats',
        '0',
        ...(json ? ['--json'] : []),
      ]);
      await sendHep(port, msgs);
      await until(r, () => r.stdout().split('\n').filter(Boolean).length >= msgs.length);
      r.child.kill('SIGINT');
      expect(await r.exit).toBe(0);
      if (json) {
        const ev = events(r.stdout());
        // The call is handed out at the end, then its digits (its SDP set up streams: none came over HEP).
        expect(ev.map((e) => e.type).slice(msgs.length)).toEqual(['call', 'dtmf', 'stats']);
        expect(ev[msgs.length + 1]).toEqual({
          type: 'dtmf',
          call: 0,
          dtmf: [
            {
              digit: '5',
              ts: T0 + 7,
              frame: 6,
              durationMs: 160,
              method: 'info',
              src: '10.0.0.1:5060',
              message: 5,
              ended: true,
            },
            {
              digit: '*',
              ts: T0 + 7.5,
              frame: 8,
              durationMs: null,
              method: 'info',
              src: '10.0.0.1:5060',
              message: 7,
              ended: true,
            },
          ],
        });
      } else {
        const lines = r.stdout().split('\n');
        const call = lines.findIndex((l) => l.startsWith('== call 0 call completed'));
        expect(call).toBeGreaterThan(0);
        expect(lines[call + 1]).toBe('== call 0 DTMF: 5 * (SIP INFO)');
      }
    }
  }, 60_000);

  it('--tls-keylog: SIP over TLS sent by HEP is held until its key is logged, then decrypted in its own frames', async () => {
    const name = 'tls13-aes128gcm';
    const keyLog = join(tmp, 'keys.log');
    writeFileSync(keyLog, '');
    // The fixture's TCP payloads, each one HEP packet, numbered 1, 2, 3 … by the session.
    const { sent, packets: pkts } = await tlsFixtureHep(name);
    const { r, port } = await liveOnFreePort((p) => [
      '--hep',
      String(p),
      '--json',
      '--stats',
      '0.1',
      '--tls-keylog',
      keyLog,
    ]);
    const tcp = connect(port, '127.0.0.1');
    await new Promise<void>((res) => tcp.once('connect', () => res()));
    tcp.write(Buffer.concat(pkts));
    const tlsOf = (e: { [k: string]: unknown }) =>
      (
        e.stats as {
          pipeline: { tls: { keyWait: { heldConnections: number } } | null };
        }
      ).pipeline.tls;
    const statsEvents = () => events(r.stdout()).filter((e) => e.type === 'stats');
    // Every packet in and held: the key is not logged yet.
    await until(r, () => statsEvents().some((e) => tlsOf(e)?.keyWait.heldConnections === 1));
    expect(events(r.stdout()).filter((e) => e.type === 'message')).toHaveLength(0);
    appendFileSync(keyLog, readFileSync(join(TLS, `${name}.keylog`)));
    await until(r, () => events(r.stdout()).filter((e) => e.type === 'message').length >= 7);
    tcp.destroy();
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
    const want = await analyzeCapture(join(TLS, `${name}.pcap`), {
      tlsKeyLog: readFileSync(join(TLS, `${name}.keylog`), 'latin1'),
    });
    const hepFrame = (frame: number) => sent.findIndex((p) => p.frame === frame) + 1;
    const wanted = Array.from({ length: want.messages.length }, (_, i) => want.messages.get(i)).map((m) => [
      hepFrame(m.frame),
      m.method ?? m.status,
      m.ts,
    ]);
    const ev = events(r.stdout());
    const messages = ev.filter((e) => e.type === 'message').map((e) => e.message as Record<string, unknown>);
    expect(messages.map((m) => [m.frame, m.method ?? m.status, m.ts])).toEqual(wanted);
    expect(messages.every((m) => m.transport === 'tls')).toBe(true);
    expect(ev[ev.length - 1]).toMatchObject(keyCameLate);
    expect(ev[ev.length - 1]).toMatchObject({
      stats: { pipeline: { messages: 7 } },
    });
  }, 60_000);

  it('--tls-keylog, --tls-key and --tls-port that cannot be used are one line on stderr with exit code 2, as for analyze', async () => {
    const missing = join(tmp, 'no-such.log');
    const noLog = live(['--hep', '1', '--tls-keylog', missing]);
    expect(await noLog.exit).toBe(2);
    expect(noLog.stderr()).toBe(
      `sipscope live: cannot read the TLS key log: ENOENT: no such file or directory, open '${missing}'\n`,
    );
    const notKey = join(tmp, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    const noKey = live(['--hep', '1', '--tls-key', notKey]);
    expect(await noKey.exit).toBe(2);
    expect(noKey.stderr()).toMatch(new RegExp(`^sipscope live: --tls-key ${notKey}: .+\n$`));
    const noPortLog = live(['--hep', '1', '--tls-port', '5081']);
    expect(await noPortLog.exit).toBe(2);
    expect(noPortLog.stderr()).toBe('sipscope live: --tls-port needs --tls-keylog KEYLOG\n');
    const badPort = live(['--hep', '1', '--tls-keylog', notKey, '--tls-port', 'https']);
    expect(await badPort.exit).toBe(2);
    expect(badPort.stderr()).toBe(
      "sipscope live: --tls-port must be a port number from 1 to 65535, got 'https'\n",
    );
  }, 60_000);

  it('bad usage and a port that cannot be had are one line on stderr with exit code 2', async () => {
    const none = live([]);
    expect(await none.exit).toBe(2);
    expect(none.stderr()).toMatch(/^sipscope live: name an interface \(-i\) or a HEP port \(--hep\)\n/);
    const bad = live(['--hep', 'x']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toBe("sipscope live: --hep expects a port number, got 'x'\n");
    const port = await freePort();
    const holder = createSocket('udp4');
    await new Promise<void>((res) => holder.bind(port, () => res()));
    const busy = live(['--hep', String(port)]);
    expect(await busy.exit).toBe(2);
    holder.close();
    expect(busy.stderr()).toBe(`sipscope live: HEP UDP port ${port} is already in use\n`);
  }, 60_000);
});

const skip = liveSkipReason(true);
describe.skipIf(skip !== null)('sipscope live -i lo with SIPp (needs root and sipp)', () => {
  it('20 SIPp calls on a filtered port: 120 messages, 20 completed calls, then the summary', async () => {
    const port = await freePort();
    const r = live(['-i', 'lo', '-f', `udp port ${port}`, '--json', '--stats', '0']);
    await r.ready;
    expect(r.stderr()).toContain(`capturing on lo (udp port ${port})`);
    const sipp = runSipp({ port, calls: 20, rate: 20 });
    try {
      await sipp.done;
    } finally {
      sipp.stop();
    }
    await until(r, () => events(r.stdout()).filter((e) => e.type === 'message').length >= 120);
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
    const ev = events(r.stdout());
    expect(ev.filter((e) => e.type === 'message')).toHaveLength(120);
    const calls = ev
      .filter((e) => e.type === 'call')
      .map((e) => e.call as { state: string; messages: number[] });
    expect(calls).toHaveLength(20);
    expect(calls.every((c) => c.state === 'completed' && c.messages.length === 6)).toBe(true);
    expect(ev[ev.length - 1]).toMatchObject({
      type: 'stats',
      stats: {
        dropped: 0,
        pipeline: {
          messages: 120,
          calls: 20,
          callsByState: { completed: 20 },
        },
      },
    });
  }, 60_000);
});

describe.skipIf(skip !== null || !opensslAvailable())(
  'sipscope live -i lo --tls-keylog with Node TLS peers writing their key log late (needs root and openssl)',
  () => {
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const)
      it(`${version}: the connection is held until its key is logged, then every message comes decrypted, in wire order`, async () => {
        const port = await freePort();
        const keyLog = join(tmp, `lo-${version}.log`);
        writeFileSync(keyLog, '');
        const r = live([
          '-i',
          'lo',
          '-f',
          `tcp port ${port}`,
          '--json',
          '--stats',
          '0',
          '--tls-keylog',
          keyLog,
        ]);
        await r.ready;
        const flow = basicCall();
        // The client's key log lines reach the file a second after its TLS library gave them.
        const what = await tlsSipExchange({
          port,
          msgs: flow,
          keyLog,
          keyLogDelayMs: 1000,
          maxVersion: version,
        });
        expect(what.startsWith(version)).toBe(true);
        await until(r, () => events(r.stdout()).filter((e) => e.type === 'message').length >= flow.length);
        r.child.kill('SIGINT');
        expect(await r.exit).toBe(0);
        const ev = events(r.stdout());
        const messages = ev
          .filter((e) => e.type === 'message')
          .map((e) => e.message as Record<string, unknown>);
        const starts = flow.map((m) => (m.kind === 'request' ? m.method : m.status));
        expect(messages.map((m) => m.method ?? m.status)).toEqual(starts);
        expect(messages.every((m) => m.transport === 'tls')).toBe(true);
        const frames = messages.map((m) => m.frame as number);
        expect(frames).toEqual([...frames].sort((a, b) => a - b));
        expect(ev[ev.length - 1]).toMatchObject(keyCameLate);
      }, 60_000);
  },
);

describe('sipscope live text lines', () => {
  it('a message line, a call line and a finding line, with control characters escaped', () => {
    const p = createLivePipeline();
    const got: LiveMessage[] = [];
    const calls: CallRecord[] = [];
    p.on('message', (m) => got.push(m));
    p.on('call', (c) => calls.push(c));
    pushFlow(p, basicCall());
    p.end();
    expect(messageLine(got[0])).toBe(
      '      1 22:13:20.000000  10.0.0.1:5060 -> 10.0.0.2:5060  UDP  INVITE sip:bob@10.0.0.2 SIP/2.0  basic-1@10.0.0.1',
    );
    expect(callLine(calls[0])).toBe(
      '== call 0 call completed: sip:alice@example.com -> sip:bob@example.com, 7 messages, setup 2.000 s, duration 9.990 s, Call-ID basic-1@10.0.0.1',
    );
    const f: Finding = {
      rule: 'x.y',
      severity: 'warning',
      rfc: 'RFC 3261 §8',
      messages: [0],
      call: 3,
      text: 'evil \u001b[2J text',
    };
    expect(findingLine(f)).toBe('!! warning x.y (RFC 3261 §8) call 3: evil \\x1b[2J text');
    expect(termSafe('a\rb\u0085c\u00e9')).toBe('a\\x0db\\x85c\u00e9');
  });
});
