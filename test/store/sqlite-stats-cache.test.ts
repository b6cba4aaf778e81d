/**
 * The SQLite store keeps the statistics view of a ready capture (it reads
 * every call: ~400 ms at 200,000 calls) and forgets it when the capture
 * leaves `ready`: a live capture resumed writes calls again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { callJson } from '../../src/report/model-json.js';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import type { CallJson } from '../../src/store/rows.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { SAMPLES_DIR } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('answers the kept view of a ready capture, and counts again once it has left ready', async () => {
  const store = openSqliteStore({ file: join(dir, 'stats.db') });
  const file = join(SAMPLES_DIR, 'sipp-10-calls.pcap');
  const c = await store.createCapture({ name: 'x', size: 0, path: file });
  await analyzeToStore(file, await store.openWriter(c.id));
  const first = (await store.stats(c.id))!;
  expect(first.callsByKind).toEqual({ call: 10 });
  expect(first.durationMs.n).toBe(10);
  // A caller changing its answer changes nothing kept.
  first.callsByKind.call = 0;
  expect((await store.stats(c.id))!.callsByKind).toEqual({ call: 10 });

  // Resumed (as a live capture after a restart): one more call is written, then it is ready again.
  await store.updateCapture(c.id, { status: 'live' });
  const w = await store.openWriter(c.id);
  const r = await analyzeCapture(file);
  const call = JSON.parse(callJson(r.calls[0])) as CallJson;
  await w.addCalls([{ ...call, id: 1000, messages: [] }]);
  await w.finish(r.stats, undefined);
  expect((await store.getCapture(c.id))!.status).toBe('ready');
  const after = (await store.stats(c.id))!;
  expect(after.callsByKind).toEqual({ call: 11 });
  expect(after.durationMs.n).toBe(11);
  await store.close();
});
