/**
 * Everything a store answers about one capture, as one value toEqual can
 * compare (`dump`), and that value by the reference path (`reference`:
 * analyzeCapture, then writeAnalysis into a memory store). The streaming
 * analysis into a store (analyze-to-store.ts) must give the same, whatever
 * the capture: sqlite-analyze-to-store.test.ts and mutated-captures.test.ts.
 */
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { collectMessageExtras, writeAnalysis } from '../../src/store/analysis-batches.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';

/** Everything a store answers about one capture, in a form toEqual can compare. */
export async function dump(store: Store, id: string) {
  const rec = await store.getCapture(id);
  const page = await store.queryCalls(id, { limit: 1000, sort: 'start' });
  const calls = [];
  for (let offset = 0; offset < (page?.total ?? 0); offset += 1000)
    calls.push(...(await store.queryCalls(id, { limit: 1000, offset }))!.calls);
  const details = [];
  for (const c of calls) details.push(await store.getCall(id, c.id));
  const frames = [];
  for (const c of calls) frames.push(await store.callFrames(id, c.id));
  const messages = [];
  for (let i = 0; i < (rec?.stats?.sipMessages ?? 0); i++) {
    const m = await store.getMessage(id, i);
    messages.push(m === undefined ? undefined : { row: m.row, raw: Buffer.from(m.raw).toString('latin1') });
  }
  return {
    status: rec?.status,
    stats: rec?.stats,
    source: rec?.source,
    calls,
    details,
    frames,
    messages,
    findings: await store.findings(id),
    view: await store.stats(id),
  };
}

/** `file`: one capture, or several analysed as one merged by time. */
export async function reference(file: string | readonly string[]) {
  const store = createMemoryStore();
  const extras = collectMessageExtras();
  const result = await analyzeCapture(file, { onMessage: extras.onMessage });
  const path = typeof file === 'string' ? file : file[0];
  const c = await store.createCapture({ name: path, size: result.source.bytes, path });
  await writeAnalysis(await store.openWriter(c.id), result, extras);
  const d = await dump(store, c.id);
  await store.close();
  return d;
}
