/**
 * TLS keys uploaded with a capture (server/API.md "Captures"): the multipart
 * fields `tlsKeylog` (an NSS key log, SSLKEYLOGFILE format) and `tlsKey` (a
 * server's RSA private key, for TLS 1.2 RSA key exchange, RFC 5246 §7.4.7.1)
 * decrypt the capture's SIP over TLS (RFC 3261 §26.2, port 5061); keys that
 * are not keys are refused and nothing is kept; `POST …/keys` adds them to a
 * capture uploaded without them and analyses it again. The keys are kept with
 * the capture (0600), used again after a restart, removed with it, and never
 * sent back.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keysDirOf } from '../../server/capture-keys.js';
import { startServer } from '../../server/start.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { writeTlsOnSipPort } from '../fixtures/tls-on-sip-port.js';
import { getJson, settled, type TestServer, testServer, uploadRaw } from './helpers.js';

// Each analysis starts a worker thread: seconds on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-upload-keys-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DIR = join(import.meta.dirname, '../fixtures/tls');
const fixture = (name: string) => join(DIR, name);
const KEYLOG = readFileSync(fixture('tls13-aes128gcm.keylog'), 'latin1');
const RSA_KEY = readFileSync(fixture('rsa-server.key'), 'latin1');
/** The fixtures' SIP over TLS, decrypted: a REGISTER and a call, seven messages (test/fixtures/make-tls-captures.mjs). */
const DECRYPTED = { sipMessages: 7, calls: 2 };

type Parts = Array<[field: string, value: string | Blob, name?: string]>;

function form(parts: Parts): FormData {
  const f = new FormData();
  for (const [field, value, name] of parts)
    if (typeof value === 'string') f.append(field, value);
    else f.append(field, value, name);
  return f;
}

const capturePart = (name: string): Parts[number] => ['file', new Blob([readFileSync(fixture(name))]), name];

async function post(url: string, parts: Parts): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body: form(parts) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function upload(s: TestServer, parts: Parts): Promise<CaptureInfo> {
  const r = await post(`${s.url}/api/captures`, parts);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return settled(s, r.body.id as string);
}

async function pathOf(s: TestServer, id: string): Promise<string> {
  const rec = await s.server.service.store.getCapture(id);
  if (rec === undefined) throw new Error(`no capture ${id}`);
  return rec.path;
}

/** Every answer of the API about the capture, as text: none may hold key material. */
async function everythingSaidOf(s: TestServer, id: string): Promise<string> {
  const list = await getJson(`${s.url}/api/captures`);
  const one = await getJson(`${s.url}/api/captures/${id}`);
  const calls = await getJson(`${s.url}/api/captures/${id}/calls`);
  return JSON.stringify([list.body, one.body, calls.body]);
}

const uploadsIn = (s: TestServer) => readdirSync(join(s.dataDir, 'captures'));

describe('TLS keys uploaded with a capture', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => {
    await s.dispose();
  });

  it('a key log sent with the capture decrypts its SIP over TLS (TLS 1.3 secrets), kept 0600 and never sent back', async () => {
    const info = await upload(s, [
      capturePart('tls13-aes128gcm.pcap'),
      ['tlsKeylog', new Blob([KEYLOG]), 'keys.log'],
    ]);
    expect(info.status).toBe('ready');
    expect(info.stats).toMatchObject(DECRYPTED);
    expect(info.warnings ?? []).toEqual([]);
    expect(info.tlsKeys).toEqual({ keylog: true, rsaKeys: 0 });
    const dir = keysDirOf(await pathOf(s, info.id));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'keylog')).mode & 0o777).toBe(0o600);
    const said = await everythingSaidOf(s, info.id);
    const secret = KEYLOG.split('\n')[0].split(' ')[2];
    expect(said).not.toContain(secret);
    expect(said).not.toContain('.tlskeys');
  });

  it('a key log sent with a DTLS-SRTP capture (RFC 5764) decrypts its streams, and their audio is read back with it', async () => {
    const sample = (f: string) => join(import.meta.dirname, '../../samples', f);
    const info = await upload(s, [
      ['file', new Blob([readFileSync(sample('dtls-srtp-call.pcap'))]), 'dtls-srtp-call.pcap'],
      ['tlsKeylog', new Blob([readFileSync(sample('dtls-srtp-call.keys'))]), 'keys.log'],
    ]);
    expect(info.status).toBe('ready');
    const call = await getJson<{ streams: Array<{ srtp?: { keying: string; verified: number } }> }>(
      `${s.url}/api/captures/${info.id}/calls/0`,
    );
    expect(call.body.streams.map((x) => [x.srtp?.keying, x.srtp?.verified])).toEqual([
      ['dtls', 89],
      ['dtls', 206],
    ]);
    const wav = await fetch(`${s.url}/api/captures/${info.id}/calls/0/audio.wav`);
    expect(wav.status).toBe(200);
    expect(await everythingSaidOf(s, info.id)).not.toContain(
      readFileSync(sample('dtls-srtp-call.keys'), 'latin1').split(' ')[2].trim(),
    );
  });

  it('an RSA key sent as a text field decrypts TLS 1.2 with RSA key exchange (RFC 5246 §7.4.7.1)', async () => {
    const info = await upload(s, [capturePart('tls12-rsa-aes128-sha.pcap'), ['tlsKey', RSA_KEY]]);
    expect(info.stats).toMatchObject(DECRYPTED);
    expect(info.tlsKeys).toEqual({ keylog: false, rsaKeys: 1 });
    expect(await everythingSaidOf(s, info.id)).not.toContain('PRIVATE KEY');
  });

  it('refuses a key that is not an RSA private key with 400 in one sentence, keeping nothing', async () => {
    const before = uploadsIn(s);
    const r = await post(`${s.url}/api/captures`, [
      capturePart('tls12-rsa-aes128-sha.pcap'),
      ['tlsKey', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^TLS key 1: not a private key in PEM .*; nothing of the upload was kept$/);
    expect(r.body.error).not.toContain('\n');
    expect(uploadsIn(s)).toEqual(before);
  });

  it('refuses a key log without any secret (a PEM in the wrong field) with 400, keeping nothing', async () => {
    const before = uploadsIn(s);
    const r = await post(`${s.url}/api/captures`, [
      capturePart('tls13-aes128gcm.pcap'),
      ['tlsKeylog', new Blob([RSA_KEY]), 'server.key'],
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^the TLS key log holds no secret/);
    expect(uploadsIn(s)).toEqual(before);
  });

  it('answers 413 to a key over 64 KiB, or a key log too long for a text field, keeping nothing', async () => {
    const before = uploadsIn(s);
    const big = await post(`${s.url}/api/captures`, [
      capturePart('tls12-rsa-aes128-sha.pcap'),
      ['tlsKey', new Blob([RSA_KEY, ' '.repeat(64 * 1024)]), 'big.pem'],
    ]);
    expect([big.status, big.body.error]).toEqual([413, 'a TLS key (field tlsKey) is limited to 65536 bytes']);
    const field = await post(`${s.url}/api/captures`, [
      capturePart('tls13-aes128gcm.pcap'),
      ['tlsKeylog', KEYLOG.repeat(Math.ceil((65 * 1024) / KEYLOG.length))],
    ]);
    expect(field.status).toBe(413);
    expect(field.body.error).toMatch(/send it as a file part/);
    expect(uploadsIn(s)).toEqual(before);
  });

  it('without keys: the warning names POST …/keys; the key log added afterwards decrypts it under the same id', async () => {
    const id = await uploadRaw(s, await writeTlsOnSipPort(tmp, 'tls13-aes128gcm'));
    const first = await settled(s, id);
    expect(first.stats).toMatchObject({ sipMessages: 0, calls: 0 });
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings?.[0]).toContain(
      `(give the key log: add TLS keys… on its row in the web UI, or POST /api/captures/${id}/keys)`,
    );
    expect(first.tlsKeys).toBeUndefined();
    const r = await post(`${s.url}/api/captures/${id}/keys`, [['tlsKeylog', new Blob([KEYLOG]), 'k.log']]);
    expect([r.status, r.body]).toEqual([202, { id, tlsKeys: { keylog: true, rsaKeys: 0 } }]);
    const again = await settled(s, id);
    expect(again.stats).toMatchObject(DECRYPTED);
    expect(again.warnings ?? []).toEqual([]);
  });

  it('answers 400 to …/keys without a key field, 404 for no such capture, and keeps nothing of a bad key', async () => {
    const id = await uploadRaw(s, fixture('tls12-rsa-aes128-sha.pcap'));
    await settled(s, id);
    const none = await post(`${s.url}/api/captures/${id}/keys`, [['other', 'x']]);
    expect([none.status, none.body.error]).toEqual([
      400,
      'the upload has no field tlsKeylog (a key log) or tlsKey (an RSA key)',
    ]);
    const bad = await post(`${s.url}/api/captures/${id}/keys`, [['tlsKey', 'not a key']]);
    expect(bad.status).toBe(400);
    expect(existsSync(keysDirOf(await pathOf(s, id)))).toBe(false);
    expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`)).body.status).toBe('ready');
    const missing = await post(`${s.url}/api/captures/c999/keys`, [['tlsKey', RSA_KEY]]);
    expect(missing.status).toBe(404);
  });

  it('deletes the keys with the capture', async () => {
    const info = await upload(s, [capturePart('tls12-rsa-aes128-sha.pcap'), ['tlsKey', RSA_KEY]]);
    const dir = keysDirOf(await pathOf(s, info.id));
    expect(existsSync(dir)).toBe(true);
    expect((await fetch(`${s.url}/api/captures/${info.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('uploaded TLS keys across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-upload-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A server on the SQLite database of `dataDir`, as `sipscope serve` keeps it. */
  async function serve(): Promise<TestServer> {
    const store = openSqliteStore({ file: join(dataDir, 'sipscope.db') });
    const s = await startServer({ port: 0, dataDir, store, webRoot: join(dataDir, 'no-web') });
    return {
      ...s,
      dataDir,
      async dispose() {
        await s.close();
        await store.close();
      },
    };
  }

  it('keeps the keys in the data directory and analyses the capture again with them', async () => {
    let s = await serve();
    let id: string;
    try {
      id = (await upload(s, [capturePart('tls12-rsa-aes128-sha.pcap'), ['tlsKey', RSA_KEY]])).id;
    } finally {
      await s.dispose();
    }
    s = await serve();
    try {
      expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`)).body.tlsKeys).toEqual({
        keylog: false,
        rsaKeys: 1,
      });
      expect((await fetch(`${s.url}/api/captures/${id}/reanalyze`, { method: 'POST' })).status).toBe(202);
      expect((await settled(s, id)).stats).toMatchObject(DECRYPTED);
    } finally {
      await s.dispose();
    }
  });

  it('an in-memory server forgets its captures when it stops: their keys are removed at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipscope-upload-keys-mem-'));
    const first = await testServer({ dataDir: dir });
    await upload(first, [capturePart('tls12-rsa-aes128-sha.pcap'), ['tlsKey', RSA_KEY]]);
    await first.close();
    expect(readdirSync(join(dir, 'captures')).filter((n) => n.endsWith('.tlskeys'))).toHaveLength(1);
    const second = await testServer({ dataDir: dir });
    try {
      expect(readdirSync(join(dir, 'captures')).filter((n) => n.endsWith('.tlskeys'))).toEqual([]);
    } finally {
      await second.dispose();
    }
  });
});
