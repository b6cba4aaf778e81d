/**
 * `serve --tls-keylog` reaches the server's live capture too: SIP over TLS
 * fed over HEP (TCP, no capture rights needed) is held until the key log
 * file has its key, then shows in the live capture with transport tls; a
 * connection on port 5061 (RFC 3261 §26.2) whose key never comes gives the
 * capture its warning. With HTTPS beside it (tls-beside-https.ts), /metrics
 * and the capture's `live.tls` count both connections, the SIP one waiting
 * for its key and the HTTPS one let go at once as not SIP.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { hep3 } from '../capture/hep-build.js';
import { writeTlsBesideHttps } from '../fixtures/tls-beside-https.js';
import { getJson, type TestServer, testServer } from '../server/helpers.js';
import { sendPackets, TLS_FIXTURES, tcpCaptureHep, tlsFixtureHep, until } from './hep-send.js';

const tmp = mkdtempSync(join(tmpdir(), 'sipscope-server-live-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

async function liveServer(keyLog: string, tlsPorts?: number[]) {
  server = await testServer({
    live: { hep: { port: 0, host: '127.0.0.1' }, updateMs: 50, tlsPorts },
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
    await sendPackets(tcp, packets);
    await until(
      async () => monitor.session.pipeline.tlsStats()?.keyWait,
      (w) => w?.heldConnections === 1,
    );
    expect((await info()).stats?.sipMessages).toBe(0);
    appendFileSync(keyLog, readFileSync(join(TLS_FIXTURES, `${name}.keylog`)));
    const c = await until(info, (x) => x.stats?.sipMessages === 7);
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
    await sendPackets(tcp, [...packets, later]);
    const c = await until(info, (x) => (x.warnings ?? []).length > 0);
    expect(c.warnings).toEqual([
      expect.stringMatching(
        /^live: a TLS connection on port 5061 \(SIP over TLS\) not decrypted, its SIP not read: no key for it \(give the key log: sipscope serve --tls-keylog FILE/,
      ),
    ]);
  });

  it('GET /metrics and live.tls: SIP over TLS waited for and decrypted, HTTPS on 443 beside it not held', async () => {
    const name = 'tls12-aes256gcm';
    const keyLog = join(tmp, 'metrics.log');
    writeFileSync(keyLog, '');
    const { monitor, tcp, info } = await liveServer(keyLog);
    const id = monitor.captureId;
    const metrics = async () => (await fetch(`${server!.url}/metrics`)).text();
    const sample = (text: string, name: string, labels = '') =>
      Number(new RegExp(`^${name}\\{capture="${id}"${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
    // Given a key log: the counters are there from the start, at zero.
    const before = await metrics();
    expect(sample(before, 'sipscope_live_tls_connections_total')).toBe(0);
    expect(sample(before, 'sipscope_live_tls_held_connections')).toBe(0);
    expect(before).toMatch(/^# TYPE sipscope_live_tls_connections_total counter$/m);
    expect(before).toMatch(/^# TYPE sipscope_live_tls_held_bytes gauge$/m);
    expect((await info()).live.tls).toMatchObject({ connections: 0, keyWait: { waited: 0 } });
    const { packets } = await tcpCaptureHep(await writeTlsBesideHttps(tmp, name, 'tls13-aes128gcm'));
    await sendPackets(tcp, packets);
    const held = await until(metrics, (m) => sample(m, 'sipscope_live_tls_held_connections') === 1);
    expect(sample(held, 'sipscope_live_tls_key_waits_total')).toBe(1);
    expect(sample(held, 'sipscope_live_tls_not_sip_connections_total')).toBe(1);
    expect(sample(held, 'sipscope_live_tls_held_bytes')).toBeGreaterThan(1000);
    appendFileSync(keyLog, readFileSync(join(TLS_FIXTURES, `${name}.keylog`)));
    await until(info, (x) => x.stats?.sipMessages === 7);
    const m = await until(metrics, (x) => sample(x, 'sipscope_live_tls_decrypted_connections_total') === 1);
    expect(sample(m, 'sipscope_live_tls_connections_total')).toBe(2);
    expect(sample(m, 'sipscope_live_tls_undecrypted_connections_total', ',reason="without-key"')).toBe(1);
    expect(sample(m, 'sipscope_live_tls_undecrypted_connections_total', ',reason="unsupported"')).toBe(0);
    expect(sample(m, 'sipscope_live_tls_key_waits_ended_total', ',outcome="key-came"')).toBe(1);
    expect(sample(m, 'sipscope_live_tls_key_waits_ended_total', ',outcome="expired"')).toBe(0);
    expect(sample(m, 'sipscope_live_tls_held_connections')).toBe(0);
    expect(sample(m, 'sipscope_live_tls_held_bytes')).toBe(0);
    expect(sample(m, 'sipscope_live_tls_records_total', ',result="decrypted"')).toBeGreaterThan(0);
    expect(sample(m, 'sipscope_live_tls_keylog_lines_total')).toBe(1);
    expect((await info()).live.tls).toMatchObject({
      connections: 2,
      decrypted: 1,
      withoutKey: 1,
      keyWait: { waited: 1, keyCame: 1, notSip: 1, heldConnections: 0 },
      keyLog: { lines: 1, errors: 0 },
    });
  });

  it('serve --tls-port 443: a port given as SIP over TLS (SIP over WSS) holds the connection on 443 for its key too', async () => {
    const keyLog = join(tmp, 'port443.log');
    writeFileSync(keyLog, '');
    const { monitor, tcp } = await liveServer(keyLog, [5061, 443]);
    const { packets } = await tcpCaptureHep(
      await writeTlsBesideHttps(tmp, 'tls12-aes256gcm', 'tls13-aes128gcm'),
    );
    await sendPackets(tcp, packets);
    const w = await until(
      async () => monitor.session.pipeline.tlsStats()?.keyWait,
      (x) => x?.heldConnections === 2,
    );
    expect(w).toMatchObject({ waited: 2, notSip: 0 });
  });
});
