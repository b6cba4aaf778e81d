/**
 * `serve` keeps the bundled samples' analyses in its data directory; one
 * older than the code or the sample file is made again at the next start,
 * so an upgrade (new rules, RTP streams) shows on the samples.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newestCodeTime, staleSample } from '../../server/sample-freshness.js';
import { startServer } from '../../server/start.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureRecord } from '../../src/store/store.js';
import { getJson } from './helpers.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sipscope-freshness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sampleIds(dataDir: string, samples: string[]): Promise<string[]> {
  mkdirSync(dataDir, { recursive: true });
  const store = openSqliteStore({ file: join(dataDir, 'sipscope.db') });
  const s = await startServer({ dataDir, port: 0, webRoot: join(dataDir, 'no-web'), samples, store });
  try {
    const list = (await getJson<Array<{ id: string; name: string; status: string }>>(`${s.url}/api/captures`))
      .body;
    expect(list.every((c) => c.status === 'ready')).toBe(true);
    return list.map((c) => `${c.name}=${c.id}`);
  } finally {
    await s.close();
    await store.close();
  }
}

describe('bundled samples in a persistent data directory', () => {
  it('are analysed once, and again when a sample file is newer than its analysis (all of them, in their order)', async () => {
    const data = join(dir, 'data');
    const a = join(dir, 'basic-call.pcap');
    const b = join(dir, 'cancel-487.pcap');
    copyFileSync(join(SAMPLES, 'basic-call.pcap'), a);
    copyFileSync(join(SAMPLES, 'cancel-487.pcap'), b);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(a, old, old);
    utimesSync(b, old, old);
    const first = await sampleIds(data, [a, b]);
    expect(first.map((x) => x.split('=')[0])).toEqual(['basic-call.pcap', 'cancel-487.pcap']);
    expect(await sampleIds(data, [a, b])).toEqual(first);
    const later = new Date(Date.now() + 60_000);
    utimesSync(b, later, later);
    const again = await sampleIds(data, [a, b]);
    expect(again.map((x) => x.split('=')[0])).toEqual(['basic-call.pcap', 'cancel-487.pcap']);
    expect(again.filter((x) => first.includes(x))).toEqual([]);
  });

  it('staleSample: not finished, or older than the code or the file', () => {
    const c = { status: 'ready', createdAt: '2026-11-25T10:00:00.000Z' } as CaptureRecord;
    const t = Date.parse(c.createdAt);
    expect(staleSample(c, t - 1, t - 1)).toBe(false);
    expect(staleSample(c, t + 1, t - 1)).toBe(true);
    expect(staleSample(c, t - 1, t + 1)).toBe(true);
    expect(staleSample({ ...c, status: 'failed' }, t - 1, t - 1)).toBe(true);
  });

  it('newestCodeTime reads the analysis code beside the server (src here: the tests run the sources)', async () => {
    const t = await newestCodeTime();
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
