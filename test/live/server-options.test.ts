/**
 * `sipscope serve`'s live flags: what they ask of the server
 * (server/live-options.ts), the line a wrong one gets, and `serve --hep`
 * run as a command (from the TypeScript sources, in a child process):
 * it says what it watches, and stops on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { liveServeOptions } from '../../server/live-options.js';
import { parseSize } from '../../src/cli/serve-command.js';
import { collectOutput } from '../helpers/child-output.js';
import { liveSkipReason } from './sipp.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const opts = (v: Parameters<typeof liveServeOptions>[0]) => liveServeOptions(v, parseSize);

describe('serve live flags', () => {
  it('asks for nothing live without --live or --hep', () => {
    expect(opts({})).toMatchObject({ live: undefined });
  });

  it('turns interfaces, filter, HEP, window limits and the pcapng ring into the server options', () => {
    expect(
      opts({
        live: ['lo', 'eth0'],
        filter: 'udp port 5060',
        hep: '9060',
        'hep-key': 's3cret',
        'window-calls': '5000',
        'window-messages': '20000',
        'window-bytes': '16M',
        'live-pcap': '/var/lib/sipscope/ring',
        'live-pcap-size': '100M',
        'live-pcap-files': '24',
      }),
    ).toEqual({
      live: {
        interfaces: ['lo', 'eth0'],
        filter: 'udp port 5060',
        hep: { port: 9060, authKey: 's3cret' },
        window: { maxCalls: 5000, maxMessages: 20000, maxBytes: 16 * 1024 * 1024 },
        pcap: { dir: '/var/lib/sipscope/ring', fileBytes: 100 * 1024 * 1024, files: 24 },
      },
      heapGrowth: 50,
      heapCompact: true,
    });
    expect(opts({ hep: '9060' })).toEqual({
      live: { hep: { port: 9060, authKey: undefined }, window: {} },
      heapGrowth: 50,
      heapCompact: true,
    });
    // HEP listens on every interface unless told one (README "Security defaults").
    expect(opts({ hep: '9060', 'hep-host': '127.0.0.1' })).toEqual({
      live: { hep: { port: 9060, authKey: undefined, host: '127.0.0.1' }, window: {} },
      heapGrowth: 50,
      heapCompact: true,
    });
  });

  it('lets the heap grow 50% between full collections, live or not, or what --heap-growth says', () => {
    expect(opts({ live: ['lo'] })).toMatchObject({ heapGrowth: 50 });
    expect(opts({})).toEqual({ live: undefined, heapGrowth: 50, heapCompact: false });
    expect(opts({ 'heap-growth': '0' })).toEqual({ live: undefined, heapGrowth: 0, heapCompact: false });
    expect(opts({ live: ['lo'], 'heap-growth': '0' })).toMatchObject({ heapGrowth: 0 });
    expect(opts({ hep: '9060', 'heap-growth': '200' })).toMatchObject({ heapGrowth: 200 });
  });

  it('compacts the heap at every full collection with a live capture, not without, or as --heap-compact says', () => {
    expect(opts({ live: ['lo'] })).toMatchObject({ heapCompact: true });
    expect(opts({ hep: '9060' })).toMatchObject({ heapCompact: true });
    expect(opts({})).toMatchObject({ heapCompact: false });
    expect(opts({ live: ['lo'], 'heap-compact': 'no' })).toMatchObject({ heapCompact: false });
    expect(opts({ 'heap-compact': 'yes' })).toMatchObject({ heapCompact: true });
    expect(opts({ live: ['lo'], 'heap-compact': 'always' })).toEqual({
      error: "--heap-compact must be yes or no, got 'always'",
    });
  });

  it('--tls-port adds ports of SIP over TLS to 5061 (RFC 3261 §26.2), whose connections wait for their key', () => {
    const r = opts({ hep: '9060', 'tls-keylog': 'k', 'tls-port': ['443', '5061', '5081'] });
    expect('error' in r ? r.error : r.live?.tlsPorts).toEqual([5061, 443, 5081]);
    const none = opts({ hep: '9060', 'tls-keylog': 'k' });
    expect('error' in none ? none.error : none.live?.tlsPorts).toBeUndefined();
  });

  it('refuses a flag that needs another, and values that are not numbers or sizes, with one line', () => {
    const cases: Array<[Parameters<typeof liveServeOptions>[0], RegExp]> = [
      [{ filter: 'udp port 5060' }, /^--filter needs --live IFACE$/],
      [{ hep: '9060', filter: 'udp' }, /^--filter needs --live IFACE$/],
      [{ live: ['lo'], 'hep-key': 'k' }, /^--hep-key needs --hep PORT$/],
      [{ live: ['lo'], 'hep-host': '127.0.0.1' }, /^--hep-host needs --hep PORT$/],
      [{ 'window-calls': '10' }, /needs --live IFACE or --hep PORT$/],
      [{ hep: '9060', 'live-pcap': '/tmp/x' }, /^--live-pcap needs --live IFACE$/],
      [{ live: ['lo'], 'live-pcap-files': '3' }, /needs --live-pcap DIR$/],
      [{ hep: '70000' }, /^--hep must be a port number from 0 to 65535, got '70000'$/],
      [{ hep: 'nine' }, /^--hep must be a port number/],
      [{ live: ['lo'], 'window-calls': '0' }, /^--window-calls must be a whole number above 0, got '0'$/],
      [{ live: ['lo'], 'window-messages': '1e5' }, /^--window-messages must be a whole number/],
      [{ live: ['lo'], 'window-bytes': 'lots' }, /^--window-bytes must be a size in bytes/],
      [
        { live: ['lo'], 'heap-growth': '1001' },
        /^--heap-growth must be a whole percent from 0 to 1000, got '1001'$/,
      ],
      [{ live: ['lo'], 'heap-growth': '-5' }, /^--heap-growth must be a whole percent/],
      [{ live: ['lo'], 'heap-growth': '1.5' }, /^--heap-growth must be a whole percent/],
      [
        { hep: '9060', 'tls-port': ['5062'] },
        /^--tls-port needs --tls-keylog KEYLOG and --live IFACE or --hep PORT$/,
      ],
      [{ 'tls-keylog': 'k', 'tls-port': ['5062'] }, /^--tls-port needs --tls-keylog KEYLOG/],
      [
        { hep: '9060', 'tls-keylog': 'k', 'tls-port': ['0'] },
        /^--tls-port must be a port number from 1 to 65535, got '0'$/,
      ],
    ];
    for (const [v, line] of cases) {
      const r = opts(v);
      expect('error' in r ? r.error : r, JSON.stringify(v)).toMatch(line);
    }
  });
});

function serve(args: string[]) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'serve', ...args], { cwd: ROOT });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ...collectOutput(child), exit };
}

describe('sipscope serve --hep', () => {
  it('says what it watches and the window, and stops on Ctrl-C', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sipscope-serve-live-'));
    try {
      const r = serve([
        '--hep',
        '0',
        '--window-calls',
        '500',
        '--memory',
        '--no-samples',
        '--port',
        '0',
        '--data',
        data,
      ]);
      const deadline = Date.now() + 60_000;
      while (!r.out().includes('live capture') && Date.now() < deadline) {
        if (r.child.exitCode !== null) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(r.out()).toMatch(
        /^sipscope: live capture live1: HEP on UDP \d+, TCP \d+ \(window: 500 calls, 100000 messages, 64 MiB\)$/m,
      );
      r.child.kill('SIGINT');
      expect(await r.exit).toBe(0);
      expect(r.out()).toMatch(/sipscope: stopped\n$/);
      expect(r.err()).toBe('');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 90_000);

  it('exits 2 with one line for a flag that needs another', async () => {
    const r = serve(['--filter', 'udp port 5060', '--memory', '--no-samples', '--port', '0']);
    expect(await r.exit).toBe(2);
    expect(r.err()).toBe('sipscope serve: --filter needs --live IFACE\n');
    expect(r.out()).toBe('');
  }, 60_000);

  it.skipIf(liveSkipReason(false) !== null)(
    "exits 2 with the capture tool's one line when the interface does not exist",
    async () => {
      const r = serve(['--live', 'nosuch0', '--memory', '--no-samples', '--port', '0']);
      expect(await r.exit).toBe(2);
      expect(r.err()).toMatch(
        /^sipscope serve: live capture: (dumpcap|tcpdump): interface "nosuch0" does not exist.*\n$/,
      );
      expect(r.err().split('\n')).toHaveLength(2);
    },
    60_000,
  );
});
