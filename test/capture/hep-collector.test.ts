import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHepCollector, type HepCollector } from '../../src/capture/hep-collector.js';
import { createHepStreamFramer } from '../../src/capture/hep-stream.js';
import type { Payload } from '../../src/decode/payload.js';
import { bytesOf, concat, hex } from '../helpers/packet-builders.js';
import { hep3 } from './hep-build.js';

const OPTIONS = (n: number) =>
  `OPTIONS sip:probe@10.0.0.2 SIP/2.0\r\nCall-ID: c${n}\r\nContent-Length: 0\r\n\r\n`;
const pkt = (n: number, extra: Partial<Parameters<typeof hep3>[0]> = {}) =>
  hep3({
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: 5060,
    dport: 5060,
    ts: 1_700_000_000 + n,
    payload: OPTIONS(n),
    ...extra,
  });

let collector: HepCollector | null = null;
afterEach(async () => {
  await collector?.stop();
  collector = null;
});

async function start(
  opts: { authKey?: string } = {},
): Promise<{ c: HepCollector; udp: number; tcp: number }> {
  const c = createHepCollector({ port: 0, host: '127.0.0.1', ...opts });
  collector = c;
  await c.start();
  const a = c.addresses();
  if (a.udp === null || a.tcp === null) throw new Error('both listeners are bound');
  return { c, udp: a.udp, tcp: a.tcp };
}

/** Resolves with the first `n` payloads the collector hands out. */
function payloads(c: HepCollector, n: number): Promise<Payload[]> {
  return new Promise((resolve) => {
    const got: Payload[] = [];
    c.on('payload', (p) => {
      // The bytes are only valid during the event: keep a copy, as the pipeline does.
      got.push({ ...p, bytes: p.bytes.slice() });
      if (got.length === n) resolve(got);
    });
  });
}

function sendUdp(port: number, ...datagrams: Uint8Array[]): Promise<void> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    let left = datagrams.length;
    for (const d of datagrams)
      s.send(d, port, '127.0.0.1', () => {
        if (--left === 0) {
          s.close();
          resolve();
        }
      });
  });
}

const text = (p: Payload) => new TextDecoder().decode(p.bytes);

describe('HEP collector over UDP', () => {
  it('hands out the SIP of HEP3 and HEP v2 datagrams and counts garbage and other protocol types', async () => {
    const { c, udp } = await start();
    const got = payloads(c, 2);
    const v2 = concat(
      hex('02 10 02 11 13c4 13c4 c0000201 c0000202  05f15365 20a10700 d107'),
      bytesOf(OPTIONS(9)),
    );
    await sendUdp(
      udp,
      bytesOf('garbage that is not HEP'),
      pkt(1, { protocolType: 100 }),
      pkt(2, { node: 'edge-1', correlationId: 'x-42' }),
      v2,
    );
    const [a, b] = await got;
    expect(a).toMatchObject({
      transport: 'udp',
      src: { ip: '10.0.0.1', port: 5060 },
      dst: { ip: '10.0.0.2', port: 5060 },
      ts: 1_700_000_002,
      hep: { version: 3, node: 'edge-1', correlationId: 'x-42' },
    });
    expect(text(a)).toBe(OPTIONS(2));
    expect(b).toMatchObject({
      src: { ip: '192.0.2.1' },
      ts: 1_700_000_005.5,
      hep: { version: 2, agentId: 2001 },
    });
    expect(text(b)).toBe(OPTIONS(9));
    expect(c.stats).toMatchObject({ packets: 4, udpPackets: 4, sip: 2, bad: 1, ignored: 1, authFailed: 0 });
    expect(c.stats.reasons).toEqual({
      'not a HEP packet (first byte 0x67)': 1,
      'HEP protocol type N (not SIP)': 1,
    });
  });

  it('with an authentication key, drops packets without it or with another one', async () => {
    const { c, udp } = await start({ authKey: 's3cret' });
    const got = payloads(c, 1);
    await sendUdp(udp, pkt(1), pkt(2, { authKey: 'wrong!' }), pkt(3, { authKey: 's3cret' }));
    const [p] = await got;
    expect(text(p)).toBe(OPTIONS(3));
    expect(c.stats).toMatchObject({ sip: 1, authFailed: 2 });
  });
});

describe('HEP collector over TCP', () => {
  it('frames HEP3 by total length across arbitrary segment boundaries', async () => {
    const { c, tcp } = await start();
    const got = payloads(c, 3);
    const stream = concat(pkt(1), pkt(2), pkt(3));
    const sock = connect(tcp, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    // Cut inside the first header, inside a chunk, and at a packet boundary.
    const cuts = [3, 50, pkt(1).length + pkt(2).length, stream.length];
    let o = 0;
    for (const cut of cuts) {
      sock.write(stream.subarray(o, cut));
      o = cut;
      await new Promise((r) => setImmediate(r));
    }
    const ps = await got;
    sock.destroy();
    expect(ps.map(text)).toEqual([OPTIONS(1), OPTIONS(2), OPTIONS(3)]);
    expect(c.stats).toMatchObject({ tcpPackets: 3, tcpConnections: 1, sip: 3 });
  });

  it('closes a connection that does not speak HEP3 and counts it', async () => {
    const { c, tcp } = await start();
    const sock = connect(tcp, '127.0.0.1');
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => {});
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    expect(c.stats.bad).toBe(1);
    expect(c.stats.reasons).toEqual({ 'not HEP3 at stream byte N': 1 });
  });
});

describe('HEP stream framer', () => {
  it('holds at most one partial packet and gives up on a length below the header', () => {
    const f = createHepStreamFramer();
    const p = pkt(1);
    expect(f.push(p.subarray(0, 10))).toEqual([]);
    expect(f.pending).toBe(10);
    expect(f.push(p.subarray(10)).map((x) => x.length)).toEqual([p.length]);
    expect(f.pending).toBe(0);
    expect(f.push(hex('48455033 0002'))).toEqual([]);
    expect(f.error).toBe(`HEP3 length 2 at stream byte ${p.length} is below the 6-byte header`);
    expect(f.push(p)).toEqual([]);
  });

  it('a port already in use is one clear error', async () => {
    const { udp } = await start();
    const other = createHepCollector({ port: udp, host: '127.0.0.1', tcp: false });
    await expect(other.start()).rejects.toThrow(`HEP UDP port ${udp} is already in use`);
  });
});
