/**
 * The live capture inside the server, fed over HEP (TCP, so no capture
 * rights are needed and nothing is lost): its socket.io events, the window
 * limits as the API and /metrics show them, deleting it, stopping the
 * server, and a source that cannot start.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStartError } from '../../server/live-monitor.js';
import { startServer } from '../../server/start.js';
import type { SipMessage } from '../../src/sip/message.js';
import type { CallPage } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { hep3 } from '../capture/hep-build.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';
import { getJson, type TestServer, testServer, uploadReady } from '../server/helpers.js';
import { sendHep, until } from './hep-send.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

/** `n` basic calls a minute apart in capture time (each ends long before the next begins). */
function minuteApart(n: number): SipMessage[] {
  return Array.from({ length: n }, (_, i) => basicCall({ n: i + 1, t0: T0 + 60 * i })).flat();
}

async function liveServer(window?: { maxCalls?: number; maxMessages?: number; maxBytes?: number }) {
  server = await testServer({ live: { hep: { port: 0, host: '127.0.0.1' }, window, updateMs: 50 } });
  const monitor = server.server.live!;
  const info = (s: TestServer) => getJson<LiveCaptureInfo>(`${s.url}/api/captures/${monitor.captureId}`);
  return { s: server, monitor, id: monitor.captureId, tcp: monitor.hepAddresses()!.tcp!, info };
}

describe('serve --hep: the live capture', () => {
  it('is listed first with status live, its sources and counters, before any traffic', async () => {
    const { s, id, info } = await liveServer();
    const sample = await uploadReady(
      s,
      fileURLToPath(new URL('../../samples/basic-call.pcap', import.meta.url)),
    );
    const list = (await getJson<LiveCaptureInfo[]>(`${s.url}/api/captures`)).body;
    expect(list.map((c) => [c.id, c.status])).toEqual([
      [id, 'live'],
      [sample.id, 'ready'],
    ]);
    const c = (await info(s)).body;
    expect(c.name).toMatch(/^live: HEP on UDP \d+, TCP \d+$/);
    expect(c.live).toMatchObject({ running: true, packets: 0, droppedPackets: 0 });
    expect(c.live.window).toMatchObject({ calls: 0, maxCalls: 10_000, maxMessages: 100_000 });
    expect((await getJson<CallPage>(`${s.url}/api/captures/${id}/calls`)).body).toEqual({
      total: 0,
      calls: [],
    });
  });

  it('sends message:new for every message and call:update until each call is completed', async () => {
    const { s, id, tcp, info } = await liveServer();
    const socket: Socket = io(s.url, { transports: ['websocket'], forceNew: true });
    const messages: Array<{ id: number; method?: string; status?: number }> = [];
    const updates = new Map<number, string[]>();
    socket.on('message:new', (p: { captureId: string; message: { id: number } }) => {
      if (p.captureId === id) messages.push(p.message);
    });
    socket.on('call:update', (p: { captureId: string; call: { id: number; state: string } }) => {
      if (p.captureId !== id) return;
      updates.set(p.call.id, [...(updates.get(p.call.id) ?? []), p.call.state]);
    });
    await new Promise<void>((r) => socket.on('connect', () => r()));
    await sendHep(tcp, minuteApart(5));
    await until(
      async () => [...updates.values()].map((u) => u.at(-1)),
      (last) => messages.length === 35 && last.length === 5 && last.every((x) => x === 'completed'),
    );
    socket.close();
    expect(messages.map((m) => m.id)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(messages.slice(0, 7).map((m) => m.method ?? m.status)).toEqual([
      'INVITE',
      100,
      180,
      200,
      'ACK',
      'BYE',
      200,
    ]);
    expect([...updates.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    const c = (await info(s)).body;
    expect(c.stats).toMatchObject({ sipMessages: 35, calls: 5, requests: { INVITE: 5, ACK: 5, BYE: 5 } });
    expect(c.live).toMatchObject({ packets: 35, droppedPackets: 0 });
    // The inspector's view of a live message: its text and header offsets.
    const detail = (
      await getJson<{ raw: string; headers: Array<{ name: string }> }>(
        `${s.url}/api/captures/${id}/messages/0`,
      )
    ).body;
    expect(detail.raw.startsWith('INVITE sip:bob@10.0.0.2 SIP/2.0\r\n')).toBe(true);
    expect(detail.headers.map((h) => h.name)).toContain('Call-ID');
  });

  it('keeps the window within --window-calls, evicting the calls that ended first, and says so in the capture and /metrics', async () => {
    const { s, id, tcp, info } = await liveServer({ maxCalls: 3 });
    await sendHep(tcp, minuteApart(10));
    const c = (
      await until(
        () => info(s),
        (r) => r.body.stats?.sipMessages === 70,
      )
    ).body;
    // Calls 0..8 ended as the next one began (capture time moved a minute on); call 9 is in progress.
    expect(c.live.window).toMatchObject({
      calls: 3,
      messages: 21,
      evictedCalls: 7,
      evictedActiveCalls: 0,
      dropped: 0,
    });
    const page = (await getJson<CallPage>(`${s.url}/api/captures/${id}/calls`)).body;
    expect(page.calls.map((x) => x.id)).toEqual([7, 8, 9]);
    expect((await getJson(`${s.url}/api/captures/${id}/calls/0`)).status).toBe(404);
    expect((await getJson(`${s.url}/api/captures/${id}/messages/0`)).status).toBe(404);
    expect((await getJson(`${s.url}/api/captures/${id}/messages/69`)).status).toBe(200);
    // Its frames are not kept (serve --live-pcap keeps the raw traffic): no per-call pcap.
    expect((await fetch(`${s.url}/api/captures/${id}/calls/9/pcap`)).status).toBe(410);
    expect((await fetch(`${s.url}/api/captures/${id}/calls/pcap?kind=call`)).status).toBe(410);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^sipscope_evictions_total 7$/m);
    expect(metrics).toMatch(/^sipscope_live_evicted_total\{what="calls"\} 7$/m);
    expect(metrics).toMatch(new RegExp(`^sipscope_live_window_calls\\{capture="${id}"\\} 3$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^sipscope_live_packets_total\\{capture="${id}"\\} 70$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^sipscope_live_running\\{capture="${id}"\\} 1$`, 'm'));
  });

  it('counts HEP packets that do not decode as dropped', async () => {
    const { s, tcp, info } = await liveServer();
    const sock = createConnection({ host: '127.0.0.1', port: tcp });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const good = basicCall({ n: 1 })[0];
    const src = good.source!;
    const packet = hep3({
      src: src.src.ip,
      dst: src.dst.ip,
      sport: 5060,
      dport: 5060,
      ts: src.ts,
      payload: good.raw,
    });
    // A HEP3 header announcing a length shorter than its own header: the collector cannot frame it.
    const broken = Uint8Array.from([...Buffer.from('HEP3'), 0, 3]);
    sock.write(packet);
    sock.write(broken);
    await new Promise<void>((r) => sock.end(r));
    const c = (
      await until(
        () => info(s),
        (r) => r.body.live.droppedPackets > 0,
      )
    ).body;
    expect(c.stats?.sipMessages).toBe(1);
    expect(c.live.droppedPackets).toBe(1);
  });

  it('stops when it is deleted: gone from the list, its HEP port closed', async () => {
    const { s, id, monitor, tcp } = await liveServer();
    expect((await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
    await until(
      async () => monitor.running,
      (r) => r === false,
    );
    expect((await getJson(`${s.url}/api/captures/${id}`)).status).toBe(404);
    const refused = await new Promise<string>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port: tcp });
      sock.once('connect', () => {
        sock.destroy();
        resolve('connected');
      });
      sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('is written out as ended and ready when the live monitor stops', async () => {
    const { s, id, tcp, monitor, info } = await liveServer();
    // The second call has only its INVITE: in setup when the capture stops.
    await sendHep(tcp, [...basicCall({ n: 1 }), basicCall({ n: 2, t0: T0 + 1 })[0]]);
    await until(
      () => info(s),
      (r) => r.body.stats?.sipMessages === 8,
    );
    await monitor.stop();
    const c = (await info(s)).body;
    expect(c).toMatchObject({ status: 'ready', live: { running: false } });
    const page = (await getJson<CallPage>(`${s.url}/api/captures/${id}/calls`)).body;
    expect(page.calls.map((x) => [x.id, x.state])).toEqual([
      [0, 'completed'],
      [1, 'setup'],
    ]);
    const detail = (await getJson<{ transactions: unknown[] }>(`${s.url}/api/captures/${id}/calls/0`)).body;
    expect(detail.transactions.length).toBe(3);
  });
});

describe('a live source that cannot start', () => {
  it('fails startServer with one line naming the HEP port in use, and leaves nothing listening', async () => {
    const taken = createTcpServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-live-fail-'));
    try {
      const err = await startServer({
        dataDir,
        port: 0,
        webRoot: join(dataDir, 'no-web'),
        live: { hep: { port, host: '127.0.0.1' } },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LiveStartError);
      expect((err as Error).message).toMatch(new RegExp(`${port}`));
      expect((err as Error).message.split('\n')).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
