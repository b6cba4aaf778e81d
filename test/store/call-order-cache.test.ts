/**
 * Deep call-list pages from a cached order (call-order-cache.ts) and from the
 * orders sorted ahead when the analysis ended (sqlite-call-orders.ts): the
 * same totals and pages as SQLite's LIMIT/OFFSET for every sort, direction,
 * filter and search, only for captures whose calls can no longer change,
 * forgotten with the capture, and held within a budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { CallOrderCache } from '../../src/store/call-order-cache.js';
import type { CallQuery } from '../../src/store/call-query.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { writeFixtureCaptures } from './fixture-captures.js';
import { queryGrid } from './query-grid.js';
import { SAMPLES_DIR } from './store-suite.js';

describe('CallOrderCache', () => {
  const order = (cap: number, n: number) => ({ cap, ids: Int32Array.from({ length: n }, (_, i) => i) });

  it('keeps orders within its budget of calls, dropping the least recently used first', () => {
    const c = new CallOrderCache({ maxCalls: 10 });
    c.set('a', order(1, 4));
    c.set('b', order(1, 4));
    expect(c.size).toBe(8);
    c.get('a'); // a is now the most recently used
    c.set('c', order(2, 4));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')?.ids.length).toBe(4);
    expect(c.get('c')?.ids.length).toBe(4);
    expect(c.size).toBe(8);
    // An order bigger than the whole budget is not kept (and drops nothing).
    c.set('d', order(3, 11));
    expect(c.get('d')).toBeUndefined();
    expect(c.size).toBe(8);
    // The same key again replaces its order.
    c.set('a', order(1, 2));
    expect(c.size).toBe(6);
  });

  it('forgets every order and count of one capture', () => {
    const c = new CallOrderCache();
    c.set('x1', order(1, 3));
    c.set('x2', order(1, 3));
    c.set('y', order(2, 3));
    c.setCount('x', 1, 3);
    c.setCount('y', 2, 3);
    c.forget(1);
    expect(c.get('x1')).toBeUndefined();
    expect(c.get('x2')).toBeUndefined();
    expect(c.count('x')).toBeUndefined();
    expect(c.get('y')).toBeDefined();
    expect(c.count('y')).toBe(3);
    expect(c.size).toBe(3);
  });

  it('keeps the 256 most recently used counts', () => {
    const c = new CallOrderCache();
    for (let i = 0; i < 300; i++) c.setCount(`k${i}`, 1, i);
    expect(c.count('k0')).toBeUndefined();
    expect(c.count('k43')).toBeUndefined();
    expect(c.count('k44')).toBe(44);
    expect(c.count('k299')).toBe(299);
  });
});

let dir: string;
/** Every page deep: answered from cached orders. */
let cached: SqliteStore;
/** No page deep (the fixtures have a few dozen calls): SQLite's LIMIT/OFFSET, with the counts cached. */
let counted: SqliteStore;
/** No cache at all. */
let plain: SqliteStore;
/** Pages without `q` from the orders the writer stored (the store's default). */
let sorted: SqliteStore;
const ids: { cached: string[]; counted: string[]; plain: string[]; sorted: string[] } = {
  cached: [],
  counted: [],
  plain: [],
  sorted: [],
};

async function load(store: SqliteStore, file: string): Promise<string> {
  const c = await store.createCapture({ name: file, size: 0, path: file });
  await analyzeToStore(file, await store.openWriter(c.id));
  return c.id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-orders-'));
  cached = openSqliteStore({ file: join(dir, 'cached.db'), callOrders: { deepPage: 0 }, sortedAhead: false });
  counted = openSqliteStore({ file: join(dir, 'counted.db'), sortedAhead: false });
  plain = openSqliteStore({ file: join(dir, 'plain.db'), callOrders: null, sortedAhead: false });
  sorted = openSqliteStore({ file: join(dir, 'sorted.db'), callOrders: null });
  const files = [writeFixtureCaptures(dir).mixed, join(SAMPLES_DIR, 'sipp-10-calls.pcap')];
  for (const f of files) {
    ids.cached.push(await load(cached, f));
    ids.counted.push(await load(counted, f));
    ids.plain.push(await load(plain, f));
    ids.sorted.push(await load(sorted, f));
  }
});
afterAll(async () => {
  await cached.close();
  await counted.close();
  await plain.close();
  await sorted.close();
  rmSync(dir, { recursive: true, force: true });
});

const QUERIES: CallQuery[] = [
  {},
  { state: { include: ['completed'], exclude: [] } },
  { kind: { include: [], exclude: ['options', 'registration'] } },
  { method: { include: ['bye'], exclude: [] }, hasFindings: false },
  { hasFindings: true },
  { state: { include: ['cancelled', 'failed'], exclude: [] } },
  { q: 'alice' },
  { q: 'bob' },
  { q: '/^sip:(alice|bob)@/' },
];

describe('deep pages from a cached order', () => {
  it('give the totals and pages of LIMIT/OFFSET for every sort, direction, filter, search and offset (and so do cached counts and stored orders)', async () => {
    let pages = 0;
    const offsets = '0:5 3:4 7:100 40:10 1000:10';
    for (let k = 0; k < ids.cached.length; k++)
      for (const query of queryGrid(QUERIES, offsets)) {
        const want = await plain.queryCalls(ids.plain[k], query);
        expect(await cached.queryCalls(ids.cached[k], query)).toEqual(want);
        expect(await counted.queryCalls(ids.counted[k], query)).toEqual(want);
        expect(await sorted.queryCalls(ids.sorted[k], query)).toEqual(want);
        if ((want?.calls.length ?? 0) > 0) pages++;
      }
    expect(pages).toBeGreaterThan(500);
    expect(cached.cachedOrderCalls).toBeGreaterThan(0);
    expect(counted.cachedOrderCalls).toBe(0);
  });

  it('are read from the cache: a second page of one query reads nothing more', async () => {
    await cached.deleteCapture(ids.cached[0]);
    const id = await load(cached, join(SAMPLES_DIR, 'sipp-10-calls.pcap'));
    const before = cached.cachedOrderCalls;
    const first = await cached.queryCalls(id, { sort: 'durationMs', order: 'desc', offset: 0, limit: 4 });
    const held = cached.cachedOrderCalls;
    expect(held - before).toBe(first!.total);
    const next = await cached.queryCalls(id, { sort: 'durationMs', order: 'desc', offset: 4, limit: 4 });
    expect(cached.cachedOrderCalls).toBe(held);
    expect(next!.calls.map((c) => c.id)).not.toEqual(first!.calls.map((c) => c.id));
    // Deleting the capture forgets its orders.
    await cached.deleteCapture(id);
    expect(cached.cachedOrderCalls).toBe(before);
    ids.cached[0] = await load(cached, join(dir, 'mixed.pcap'));
  });

  it('keep what they read of the sorted-ahead lists within a budget of calls, the last capture listed always', async () => {
    const store = openSqliteStore({ file: join(dir, 'kept.db'), sortedAhead: { keptCalls: 25 } });
    const file = join(SAMPLES_DIR, 'sipp-10-calls.pcap');
    const [a, b] = [await load(store, file), await load(store, file)];
    const byStart = { sort: 'start' as const, offset: 2, limit: 3 };
    const want = await plain.queryCalls(ids.plain[1], byStart);
    expect(await store.queryCalls(a, byStart)).toEqual(want);
    // Its facets and one order: 10 calls each.
    expect(store.sortedAheadCalls).toBe(20);
    await store.queryCalls(a, { sort: 'durationMs', order: 'desc' });
    expect(store.sortedAheadCalls).toBe(30);
    // Another capture: the first is forgotten to keep within 25, the last one is kept past it.
    expect(await store.queryCalls(b, byStart)).toEqual(want);
    expect(store.sortedAheadCalls).toBe(20);
    expect(await store.queryCalls(a, byStart)).toEqual(want);
    expect(store.sortedAheadCalls).toBe(20);
    await store.deleteCapture(a);
    expect(store.sortedAheadCalls).toBe(0);
    await store.close();
  });

  it('only for a capture whose calls cannot change: not while it is analysed or live', async () => {
    const store = openSqliteStore({
      file: join(dir, 'states.db'),
      callOrders: { deepPage: 0 },
      sortedAhead: false,
    });
    const file = join(SAMPLES_DIR, 'sipp-10-calls.pcap');
    const c = await store.createCapture({ name: 'x', size: 0, path: file });
    await analyzeToStore(file, await store.openWriter(c.id));
    await store.updateCapture(c.id, { status: 'live' });
    expect((await store.queryCalls(c.id, { sort: 'start' }))!.total).toBe(10);
    expect(store.cachedOrderCalls).toBe(0);
    await store.updateCapture(c.id, { status: 'ready' });
    await store.queryCalls(c.id, { sort: 'start' });
    expect(store.cachedOrderCalls).toBe(10);
    // Leaving `ready` (a live capture resumed) forgets them.
    await store.updateCapture(c.id, { status: 'live' });
    expect(store.cachedOrderCalls).toBe(0);
    await store.close();
  });
});
