/**
 * Retention (`serve --max-size`, src/store/retention.ts) prunes the oldest
 * uploads past the data directory's budget, and with an upload go the TLS
 * keys uploaded with it (server/capture-keys.ts: `<file>.tlskeys/`, counted
 * in the budget as the data directory holds them). The pruning runs after
 * each analysis, as the README's "Data, persistence and retention" says.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keysDirOf } from '../../server/capture-keys.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { getJson, settled, type TestServer, testServer } from './helpers.js';

// Each analysis starts a worker thread: seconds on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const DIR = join(import.meta.dirname, '../fixtures/tls');
const WITH_KEY = join(DIR, 'tls12-rsa-aes128-sha.pcap');
const WITHOUT = join(DIR, 'tls12-aes128gcm.pcap');
const RSA_KEY = readFileSync(join(DIR, 'rsa-server.key'), 'latin1');

async function upload(s: TestServer, file: string, key?: string): Promise<CaptureInfo> {
  const f = new FormData();
  f.append('file', new Blob([readFileSync(file)]), file.split('/').pop());
  if (key !== undefined) f.append('tlsKey', key);
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: f });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  return settled(s, body.id);
}

/**
 * Until the capture is gone from the API and its file from the disk (the
 * pruning follows the analysis that made the newer upload ready; a capture
 * leaves the store first, its keys next, its file last).
 */
async function gone(s: TestServer, id: string, file: string): Promise<void> {
  while ((await getJson(`${s.url}/api/captures/${id}`)).status !== 404 || existsSync(file))
    await new Promise((r) => setTimeout(r, 20));
}

describe('retention by size prunes an upload with its TLS keys', () => {
  const keyBytes = Buffer.byteLength(RSA_KEY, 'latin1');
  const first = statSync(WITH_KEY).size + keyBytes;
  // Room for the first upload and its key, not for both uploads: the second one prunes the first.
  const budget = first + 64;
  let s: TestServer;
  beforeAll(async () => {
    expect(statSync(WITHOUT).size).toBeLessThan(budget);
    expect(first + statSync(WITHOUT).size).toBeGreaterThan(budget);
    s = await testServer({ retention: { maxBytes: budget } });
  });
  afterAll(async () => {
    await s.dispose();
  });

  it('keeps the upload and its keys while they fit, then removes the file and the keys directory together', async () => {
    const a = await upload(s, WITH_KEY, RSA_KEY);
    expect(a.status).toBe('ready');
    expect(a.tlsKeys).toEqual({ keylog: false, rsaKeys: 1 });
    const path = (await s.server.service.store.getCapture(a.id))?.path ?? '';
    expect(existsSync(path)).toBe(true);
    expect(existsSync(keysDirOf(path))).toBe(true);

    const b = await upload(s, WITHOUT);
    await gone(s, a.id, path);
    expect(existsSync(keysDirOf(path))).toBe(false);
    const listed = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body.map((c) => c.id);
    expect(listed).toEqual([b.id]);
  });
});
