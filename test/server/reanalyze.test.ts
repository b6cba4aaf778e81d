/**
 * `POST /api/captures/:id/reanalyze`: a capture's file analysed again under
 * the same id (after an upgrade brought new rules, or to retry a failed
 * analysis), in the SQLite store the server keeps by default on disk and in
 * the in-memory one of `serve --memory`. What the earlier analysis stored is
 * dropped: nothing of it can show beside the new results.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../src/store/store.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import {
  eventsUntilReady,
  getJson,
  settled,
  sqliteTestServer,
  type TestServer,
  testServer,
  uploadRaw,
} from './helpers.js';

const BASIC = join(SAMPLES_DIR, 'basic-call.pcap');
const TEN = join(SAMPLES_DIR, 'sipp-10-calls.pcap');

const reanalyze = (s: TestServer, id: string) =>
  fetch(`${s.url}/api/captures/${id}/reanalyze`, { method: 'POST' });

/** The uploaded file of capture `id` on disk (the upload directory holds one per capture). */
async function fileOf(s: TestServer, id: string): Promise<string> {
  const rec = await s.server.service.store.getCapture(id);
  if (rec === undefined) throw new Error(`no capture ${id}`);
  return rec.path;
}

for (const kind of ['sqlite', 'memory'] as const) {
  describe(`analyse a capture again (${kind} store)`, () => {
    let s: TestServer;

    beforeAll(async () => {
      s = kind === 'sqlite' ? await sqliteTestServer() : await testServer();
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('marks an analysis older than the running code stale, until it is analysed again', async () => {
      const id = await uploadRaw(s, BASIC);
      await settled(s, id);
      const info = async () => (await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`)).body;
      const listed = async () =>
        (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body.find((c) => c.id === id)!;
      expect((await info()).stale).toBeUndefined();
      // What an upgrade looks like to the server: code newer than the analysis.
      const code = s.server.service.codeTime;
      s.server.service.codeTime = Date.now() + 1;
      try {
        await new Promise((r) => setTimeout(r, 5));
        expect([(await info()).stale, (await listed()).stale]).toEqual([true, true]);
        expect((await reanalyze(s, id)).status).toBe(202);
        await settled(s, id);
        expect([(await info()).stale, (await listed()).stale]).toEqual([undefined, undefined]);
      } finally {
        s.server.service.codeTime = code;
      }
    });

    it('keeps the id, drops the rows of the earlier analysis and stores the new ones', async () => {
      const id = await uploadRaw(s, BASIC);
      expect((await settled(s, id)).stats?.calls).toBe(1);
      // The same upload, its bytes now another capture (what new code finding more looks like to the store).
      copyFileSync(TEN, await fileOf(s, id));
      const res = await reanalyze(s, id);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ id });
      const info = await settled(s, id);
      expect(info).toMatchObject({ id, status: 'ready', progress: 1 });
      expect(info.stats?.calls).toBe(10);
      const page = (
        await getJson<{ total: number; calls: Array<{ callIds: string[] }> }>(
          `${s.url}/api/captures/${id}/calls?limit=50`,
        )
      ).body;
      expect(page.total).toBe(10);
      expect(page.calls.some((c) => c.callIds.includes('basic-1@10.0.0.1'))).toBe(false);
      const list = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body;
      expect(list.filter((c) => c.id === id)).toHaveLength(1);
    });

    it('retries a failed analysis: ready once the file can be read', async () => {
      const id = await uploadRaw(s, BASIC, 'broken.pcap');
      await settled(s, id);
      writeFileSync(await fileOf(s, id), 'not a capture at all');
      await reanalyze(s, id);
      const failed = await settled(s, id);
      expect(failed.status).toBe('failed');
      expect(failed.stats).toBeNull();
      copyFileSync(BASIC, await fileOf(s, id));
      expect((await reanalyze(s, id)).status).toBe(202);
      const info = await settled(s, id);
      expect(info.status).toBe('ready');
      expect(info.error).toBeUndefined();
      expect(info.stats?.calls).toBe(1);
    });

    it('answers 409 while it is being analysed, 409 when its file is gone, 404 for no such capture', async () => {
      const id = await uploadRaw(s, BASIC);
      await settled(s, id);
      expect((await reanalyze(s, id)).status).toBe(202);
      const again = await reanalyze(s, id);
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: string }).error).toContain('being analysed already');
      await settled(s, id);
      rmSync(await fileOf(s, id));
      const gone = await reanalyze(s, id);
      expect(gone.status).toBe(409);
      expect(((await gone.json()) as { error: string }).error).toContain('upload it again');
      expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`)).body.status).toBe('ready');
      expect((await reanalyze(s, 'c999999')).status).toBe(404);
    });

    it('pushes capture:reanalyze {capture} (status analyzing), then capture:ready', async () => {
      const id = await uploadRaw(s, BASIC);
      await settled(s, id);
      const mine = await eventsUntilReady(s, async () => {
        await reanalyze(s, id);
        return id;
      });
      expect(mine[0][0]).toBe('capture:reanalyze');
      expect(mine[0][1].capture).toMatchObject({ id, status: 'analyzing', progress: 0, stats: null });
      expect(mine.at(-1)![0]).toBe('capture:ready');
    });
  });
}
