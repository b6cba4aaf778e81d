/**
 * Restart recovery (lifecycle.ts) and retention (retention.ts) on real
 * stores: captures a dead process left half-done are re-analysed or failed,
 * never shown as ready; interrupted live captures keep what they stored; the
 * oldest captures go first when they are too old or the data takes too much.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { dataDirAt, ensureDataDir, isInside, resolveDataDir } from '../../src/store/data-dir.js';
import { dataDirUsage, INTERRUPTED, recoverCaptures } from '../../src/store/lifecycle.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { applyRetention, parseAge, planByAge } from '../../src/store/retention.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureRecord } from '../../src/store/store.js';
import { manyCallsCaptureBytes, writeFixtureCaptures } from './fixture-captures.js';

let dir: string;
let mixed: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-life-'));
  mixed = writeFixtureCaptures(dir).mixed;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ready(store: SqliteStore, file: string, name = 'x.pcap'): Promise<string> {
  const c = await store.createCapture({ name, size: statSync(file).size, path: file });
  await analyzeToStore(file, await store.openWriter(c.id));
  return c.id;
}

/** A capture left `analyzing` with some rows, as a killed analysis leaves it. */
async function halfDone(store: SqliteStore, file: string, name: string): Promise<string> {
  const c = await store.createCapture({ name, size: 1, path: file });
  const w = await store.openWriter(c.id);
  const full = await ready(store, mixed);
  const d = await store.getCall(full, 0);
  await w.addCalls([d!.call]);
  await w.addMessages(d!.messages.map((row) => ({ row, raw: new Uint8Array([65]), agent: null })));
  await store.deleteCapture(full);
  return c.id;
}

describe('recoverCaptures: what a killed process left', () => {
  it('keeps ready captures, re-analyses interrupted ones whose file is there, fails the others', async () => {
    const file = join(dir, `r-${++n}.db`);
    const s = openSqliteStore({ file });
    const done = await ready(s, mixed, 'done.pcap');
    const again = await halfDone(s, mixed, 'again.pcap');
    const lost = await halfDone(s, join(dir, 'gone.pcap'), 'gone.pcap');
    const before = await s.queryCalls(done, {});
    await s.close();

    const t = openSqliteStore({ file });
    const r = await recoverCaptures(t, { rowStats: (id) => t.rowStats(id) });
    expect(r.reanalyse.map((c) => c.id)).toEqual([again]);
    expect(r.failed.map((c) => c.id)).toEqual([lost]);
    expect(await t.queryCalls(done, {})).toEqual(before);
    expect((await t.getCapture(done))?.status).toBe('ready');
    const failed = await t.getCapture(lost);
    expect(failed).toMatchObject({ status: 'failed', stats: null });
    expect(failed?.error).toBe(`gone.pcap: ${INTERRUPTED}; and its file is gone`);
    expect(await t.queryCalls(lost, {})).toEqual({ total: 0, calls: [] });
    // The re-analysis starts from nothing and ends complete.
    expect(await t.getCapture(again)).toMatchObject({ status: 'analyzing', progress: 0 });
    await analyzeToStore(mixed, await t.openWriter(again));
    expect((await t.getCapture(again))?.status).toBe('ready');
    expect((await t.queryCalls(again, {}))?.total).toBe(before?.total);
    await t.close();
  });

  it('re-analyses an interrupted capture merged from several files only when every file is there', async () => {
    const s = createMemoryStore();
    const merged = (name: string, second: string) =>
      s.createCapture({
        name,
        size: 2,
        path: mixed,
        files: [
          { path: mixed, name: 'a.pcap', size: 1 },
          { path: second, name: 'b.pcap', size: 1 },
        ],
      });
    const whole = await merged('whole', mixed);
    const part = await merged('part', join(dir, 'gone-second.pcap'));
    const r = await recoverCaptures(s);
    expect(r.reanalyse.map((c) => c.id)).toEqual([whole.id]);
    expect(r.failed.map((c) => [c.id, c.error])).toEqual([
      [part.id, `part: ${INTERRUPTED}; and its file is gone`],
    ]);
    await s.close();
  });

  it('with re-analysis off, fails every interrupted capture with the reason', async () => {
    const s = openSqliteStore({ file: join(dir, `r-${++n}.db`) });
    const id = await halfDone(s, mixed, 'half.pcap');
    const r = await recoverCaptures(s, { reanalyse: false });
    expect(r.failed.map((c) => c.id)).toEqual([id]);
    expect((await s.getCapture(id))?.error).toBe(`half.pcap: ${INTERRUPTED}; upload it again`);
    await s.close();
  });

  it('closes an interrupted live capture as ready with what it stored, and says so', async () => {
    const s = openSqliteStore({ file: join(dir, `r-${++n}.db`) });
    const c = await s.createCapture({ name: 'live eth0', size: 0, path: '', status: 'live' });
    const src = await ready(s, mixed);
    const w = await s.openWriter(c.id);
    const d = await s.getCall(src, 0);
    await w.addMessages(d!.messages.map((row) => ({ row, raw: new Uint8Array([65]), agent: null })));
    await w.addCalls([d!.call]);
    const r = await recoverCaptures(s, { rowStats: (id) => s.rowStats(id) });
    expect(r.closedLive.map((x) => x.id)).toEqual([c.id]);
    const rec = await s.getCapture(c.id);
    expect(rec?.status).toBe('ready');
    expect(rec?.stats).toMatchObject({ calls: 1, sipMessages: d!.messages.length });
    expect(rec?.warnings?.[0]).toMatch(/live capture was interrupted/);
    expect((await s.queryCalls(c.id, {}))?.total).toBe(1);
    await s.close();
  });

  it('without a way to count rows (the memory store) an interrupted live capture fails', async () => {
    const s = createMemoryStore();
    const c = await s.createCapture({ name: 'live', size: 0, path: '', status: 'live' });
    const r = await recoverCaptures(s);
    expect(r.failed.map((x) => x.id)).toEqual([c.id]);
    expect((await s.getCapture(c.id))?.status).toBe('failed');
  });
});

const rec = (id: string, createdAt: string, status: CaptureRecord['status'] = 'ready'): CaptureRecord => ({
  id,
  name: `${id}.pcap`,
  size: 1,
  path: `/d/${id}`,
  status,
  progress: 1,
  createdAt,
  stats: null,
});

describe('retention', () => {
  it('reads ages as days by default, or with d, h, m', () => {
    expect(parseAge('30')).toBe(30 * 86_400_000);
    expect(parseAge('7d')).toBe(7 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('90m')).toBe(90 * 60_000);
    for (const bad of ['', 'x', '-1', '0', '3w']) expect(parseAge(bad)).toBeUndefined();
  });

  it('plans the captures older than the limit, oldest first, never one in use or protected', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    const caps = [
      rec('c3', '2026-01-09T00:00:00Z'),
      rec('c1', '2026-01-01T00:00:00Z'),
      rec('c2', '2026-01-02T00:00:00Z', 'failed'),
      rec('c4', '2026-01-01T00:00:00Z', 'analyzing'),
      rec('c5', '2026-01-01T00:00:00Z', 'live'),
      rec('c6', '2026-01-01T00:00:00Z'),
    ];
    const plan = planByAge(caps, 3 * 86_400_000, now, (c) => c.id === 'c6');
    expect(plan.map((c) => c.id)).toEqual(['c1', 'c2']);
  });

  it('deletes the oldest until the data fits the size limit, measuring again after each', async () => {
    const sizes = new Map([
      ['c1', 100],
      ['c2', 50],
      ['c3', 70],
    ]);
    const caps = [
      rec('c2', '2026-01-02T00:00:00Z'),
      rec('c1', '2026-01-01T00:00:00Z'),
      rec('c3', '2026-01-03T00:00:00Z'),
    ];
    const removed: string[] = [];
    const r = await applyRetention(
      { maxBytes: 100 },
      {
        list: async () => caps.filter((c) => !removed.includes(c.id)),
        usage: async () => [...sizes].filter(([id]) => !removed.includes(id)).reduce((a, [, v]) => a + v, 0),
        remove: async (id) => void removed.push(id),
      },
    );
    expect(removed).toEqual(['c1', 'c2']);
    expect(r).toEqual({
      removed: [
        { id: 'c1', name: 'c1.pcap', reason: 'size' },
        { id: 'c2', name: 'c2.pcap', reason: 'size' },
      ],
      usage: 70,
    });
    expect(
      await applyRetention({}, { list: async () => caps, usage: async () => 1e9, remove: async () => {} }),
    ).toEqual({
      removed: [],
    });
  });

  it('prunes a real SQLite store and its data directory by age and by size', async () => {
    const d = ensureDataDir(dataDirAt(join(dir, `data-${++n}`)));
    const s = openSqliteStore({ file: d.db });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const f = join(d.captures, `up-${i}.pcap`);
      writeFileSync(f, manyCallsCaptureBytes(300));
      ids.push(await ready(s, f, `up-${i}.pcap`));
    }
    const host = {
      list: () => s.listCaptures(),
      usage: () => dataDirUsage(d),
      remove: async (id: string) => {
        const c = await s.getCapture(id);
        await s.deleteCapture(id);
        if (c && isInside(d.captures, c.path)) rmSync(c.path, { force: true });
      },
    };
    // Nothing is older than a day.
    expect((await applyRetention({ maxAgeMs: 86_400_000 }, host)).removed).toEqual([]);
    const full = await dataDirUsage(d);
    const r = await applyRetention({ maxBytes: Math.floor(full * 0.6) }, host);
    expect(r.removed.map((x) => x.id)).toEqual([ids[0], ids[1]].slice(0, r.removed.length));
    expect(r.removed.length).toBeGreaterThan(0);
    expect(r.usage!).toBeLessThanOrEqual(Math.floor(full * 0.6));
    expect(await dataDirUsage(d)).toBe(r.usage);
    expect((await s.listCaptures()).map((c) => c.id)).toContain(ids[2]);
    // Everything is older than -1 ms from now + a day: all go.
    const later = await applyRetention({ maxAgeMs: 1 }, host, Date.now() + 86_400_000);
    expect(later.removed.map((x) => x.reason)).toEqual(later.removed.map(() => 'age'));
    expect(await s.listCaptures()).toEqual([]);
    await s.close();
  });
});

describe('data directory', () => {
  it('is --data, else $SIPSCOPE_DATA, else $XDG_DATA_HOME/sipscope, else ~/.local/share/sipscope', () => {
    const env = { SIPSCOPE_DATA: '/srv/sip', XDG_DATA_HOME: '/xdg' };
    expect(resolveDataDir({ flag: '/opt/d', env, home: '/h' })).toMatchObject({
      root: '/opt/d',
      from: 'flag',
    });
    expect(resolveDataDir({ env, home: '/h' })).toMatchObject({ root: '/srv/sip', from: 'env' });
    expect(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, home: '/h' })).toMatchObject({
      root: '/xdg/sipscope',
      from: 'xdg',
    });
    // The XDG spec: a relative path there is invalid and ignored.
    expect(resolveDataDir({ env: { XDG_DATA_HOME: 'rel' }, home: '/h' }).root).toBe(
      '/h/.local/share/sipscope',
    );
    expect(resolveDataDir({ env: {}, home: '/h' })).toMatchObject({
      root: '/h/.local/share/sipscope',
      from: 'default',
      db: '/h/.local/share/sipscope/sipscope.db',
      captures: '/h/.local/share/sipscope/captures',
    });
  });

  it('is created owner-only, and knows which files are its own', () => {
    const d = ensureDataDir(dataDirAt(join(dir, 'made', 'deep')));
    expect(statSync(d.captures).isDirectory()).toBe(true);
    expect(statSync(d.root).mode & 0o777).toBe(0o700);
    expect(isInside(d.captures, join(d.captures, 'a.pcap'))).toBe(true);
    expect(isInside(d.captures, join(d.captures, '..', 'sipscope.db'))).toBe(false);
    expect(isInside(d.captures, d.captures)).toBe(false);
    mkdirSync(join(dir, 'plain'), { recursive: true });
    writeFileSync(join(dir, 'plain', 'f'), 'x');
    expect(() => ensureDataDir(dataDirAt(join(dir, 'plain', 'f')))).toThrow(/data directory/);
  });
});
