/**
 * `serve --tls-keylog` reaches the server's live capture too: SIP over TLS
 * fed over HEP (TCP, no capture rights needed) is held until the key log
 * file has its key, then shows in the live capture with transport tls; a
 * connection on port 5061 (RFC 3261 §26.2) whose key never comes gives the
 * capture its warning.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { hep3 } from '../capture/hep-build.js';
import { getJson, type TestServer, testServer } from '../server/helpers.js';
import { TLS_FIXTURES, tlsFixtureHep, until } from './hep-send.js';

const tmp = mkdtempSync(join(tmpdir(), 'sipscope-server-live-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

async function send(port: number, packets: Uint8Array[]): Promise<void> {
  const sock = createConnection({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  for (const p of packets) sock.write(p);
  await new Promise<void>((resolve) => sock.end(resolve));
}

async function liveServer(keyLog: string) {
  server = await testServer({
    live: { hep: { port: 0, host: '127.0.0.1' }, updateMs: 50 },
    tls: { keyLog },
  });
  const monitor = server.server.live!;
  const s = server;
  const info = async () =>
    (await getJson<LiveCaptureInfo>(`${s.url}/api/captures/${monitor.captureId}`)).body;
  return { monitor, tcp: monitor.hepAddresses()!.tcp!, info };
}

describe('serve --tls-keylog with a live capture', () => {
  it('a TLS connection held until its key is logged, then its SIP in the live capture with transport tls', async () => {
    const name = 'tls12-aes256gcm';
    const keyLog = join(tmp, 'late.log');
    writeFileSync(keyLog, '');
    const { monitor, tcp, info } = await liveServer(keyLog);
    const { packets } = await tlsFixtureHep(name);
    await send(tcp, packets);
    await until(
      async () => monitor.session.pipeline.tlsStats()?.keyWait,
      (w) => w?.heldConnections === 1,
    );
    expect((await info()).stats.sipMessages).toBe(0);
    appendFileSync(keyLog, readFileSync(join(TLS_FIXTURES, `${name}.keylog`)));
    const c = await until(info, (x) => x.stats.sipMessages === 7);
    expect(c.stats).toMatchObject({ calls: 2, requests: { REGISTER: 1, INVITE: 1, ACK: 1, BYE: 1 } });
    expect(monitor.session.pipeline.tlsStats()).toMatchObject({
      decrypted: 1,
      withoutKey: 0,
      keyWait: { waited: 1, keyCame: 1 },
    });
    expect(c.warnings ?? []).toEqual([]);
    const first = await getJson<{ transport: string; raw: string; frame: number }>(
      `${server!.url}/api/captures/${monitor.captureId}/messages/0`,
    );
    expect(first.body).toMatchObject({ transport: 'tls' });
    expect(first.body.raw).toMatch(/^REGISTER sips:/);
  });

  it('RFC 3261 §26.2: a connection on port 5061 whose key never comes gives the live capture a warning', async () => {
    const keyLog = join(tmp, 'never.log');
    writeFileSync(keyLog, '');
    const { tcp, info } = await liveServer(keyLog);
    const { sent, packets } = await tlsFixtureHep('tls13-aes128gcm', 5061);
    // Another packet 11 s of capture time later: the wait (10 s) is over.
    const later = hep3({
      src: '192.0.2.1',
      dst: '192.0.2.2',
      sport: 5060,
      dport: 5060,
      ts: sent[sent.length - 1].ts + 11,
      payload: 'not SIP',
    });
    await send(tcp, [...packets, later]);
    const c = await until(info, (x) => (x.warnings ?? []).length > 0);
    expect(c.warnings).toEqual([
      expect.stringMatching(
        /^live: a TLS connection on port 5061 \(SIP over TLS\) not decrypted, its SIP not read: no key for it \(give the key log: sipscope serve --tls-keylog FILE/,
      ),
    ]);
  });
});
