/**
 * What the SQLite store adds to the shared suite: what it wrote is there
 * after the process closes and opens it again, a second connection sees it
 * (the server and its analysis worker), the schema is versioned and migrated,
 * deleting a capture gives its disk back, and a delete cut short is finished
 * at the next open.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { CALL_SORT_KEYS, type CallQuery, listFilter } from '../../src/store/call-query.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { MIGRATIONS, migrate, SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { prepareWriterStatements } from '../../src/store/sqlite-writer.js';
import type { Store } from '../../src/store/store.js';
import { manyCallsCaptureBytes, writeFixtureCaptures } from './fixture-captures.js';

let dir: string;
let mixed: string;
let many: string;
/** 300 basic calls: more than a page, quick to analyse. */
let some: string;
const rtp = fileURLToPath(new URL('../../samples/call-with-rtp.pcap', import.meta.url));
let n = 0;
const dbFile = () => join(dir, `p-${++n}.db`);
/** The schema version of the sipscope before migration `name` (the database it left). */
const versionBefore = (name: string): number => MIGRATIONS.findIndex((m) => m.name === name);
/** What the migration of captures of several files made, undone. */
const UNDO_SEVERAL_FILES =
  'ALTER TABLE captures DROP COLUMN files; ALTER TABLE messages DROP COLUMN file; ALTER TABLE messages DROP COLUMN file_frame;';
/** What the migration of the call lists sorted ahead made, undone (and the one after it). */
const UNDO_SORTED_AHEAD = `${UNDO_SEVERAL_FILES} DROP TRIGGER call_orders_stale; DROP TABLE call_orders; DROP TABLE call_facets;`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-persist-'));
  mixed = writeFixtureCaptures(dir).mixed;
  many = join(dir, 'many.pcap');
  writeFileSync(many, manyCallsCaptureBytes(1500));
  some = join(dir, 'some.pcap');
  writeFileSync(some, manyCallsCaptureBytes(300));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analysed(store: Store, file: string): Promise<string> {
  const c = await store.createCapture({ name: 'x.pcap', size: statSync(file).size, path: file });
  await analyzeToStore(file, await store.openWriter(c.id));
  return c.id;
}

async function everything(store: SqliteStore, id: string) {
  const page = await store.queryCalls(id, { limit: 1000 });
  const calls = [];
  for (const c of page!.calls) calls.push(await store.getCall(id, c.id));
  const rec = await store.getCapture(id);
  const messages = [];
  for (let i = 0; i < rec!.stats!.sipMessages; i++) messages.push(await store.getMessage(id, i));
  return { rec, page, calls, messages, findings: await store.findings(id), stats: await store.stats(id) };
}

describe('SQLite store: persistence, versioned schema, disk', () => {
  it('gives back every capture, call, message and finding after it is closed and opened again', async () => {
    const file = dbFile();
    const a = openSqliteStore({ file });
    const id = await analysed(a, mixed);
    const failed = await a.createCapture({ name: 'bad.pcap', size: 1, path: '/nowhere' });
    await (await a.openWriter(failed.id)).fail('bad.pcap: not a pcap or pcapng capture at byte offset 0');
    const before = await everything(a, id);
    const list = await a.listCaptures();
    await a.close();
    const b = openSqliteStore({ file });
    expect(await b.listCaptures()).toEqual(list);
    expect(await everything(b, id)).toEqual(before);
    expect(before.page!.total).toBeGreaterThan(5);
    expect(before.findings!.length).toBeGreaterThan(0);
    // Ids are never handed out again, even after a delete.
    await b.deleteCapture(id);
    const next = await b.createCapture({ name: 'y', size: 1, path: '/y' });
    expect(next.id).not.toBe(id);
    expect(Number(next.id.slice(1))).toBeGreaterThan(Number(failed.id.slice(1)));
    await b.close();
  });

  it('a second connection to the same file sees what the first wrote (WAL), while it writes', async () => {
    const file = dbFile();
    const writer = openSqliteStore({ file });
    const reader = openSqliteStore({ file });
    const c = await writer.createCapture({ name: 'many.pcap', size: 1, path: many });
    expect((await reader.getCapture(c.id))?.status).toBe('analyzing');
    let seenWhileWriting = 0;
    await analyzeToStore(many, await writer.openWriter(c.id), {
      batchSize: 500,
      chunkSize: 64 * 1024,
      onProgress: () => {
        void reader.queryCalls(c.id, { limit: 1 }).then((p) => {
          seenWhileWriting = Math.max(seenWhileWriting, p?.total ?? 0);
        });
      },
    });
    // Calls ended early in the file were readable before the analysis ended.
    expect(seenWhileWriting).toBeGreaterThan(0);
    expect(seenWhileWriting).toBeLessThan(1500);
    expect((await reader.getCapture(c.id))?.status).toBe('ready');
    expect((await reader.queryCalls(c.id, {}))?.total).toBe(1500);
    await writer.close();
    await reader.close();
  });

  it('records the schema version and migrates an older database in order, once', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('auto_vacuum', { simple: true })).toBe(2);
    await s.close();
    // A later version adds a migration: only that one runs on an existing database.
    const db = new Database(file);
    const next = [...MIGRATIONS, { name: 'a test column', up: 'ALTER TABLE captures ADD COLUMN note TEXT;' }];
    migrate(db, file, next);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    const cols = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('captures');
    expect(cols).toContain('note');
    migrate(db, file, next);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    // A failing migration changes nothing and names itself.
    const broken = [...next, { name: 'broken', up: 'CREATE TABLE x (a); THIS IS NOT SQL;' }];
    expect(() => migrate(db, file, broken)).toThrow(/schema migration \d+ \(broken\) failed/);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'x'").pluck().get()).toBe(0);
    db.close();
  });

  it('migrates a version 1 database with its rows: the calls are listed and searched as before', async () => {
    const file = dbFile();
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const call = {
      id: 0,
      callIds: ['v1-call@host'],
      from: 'sip:Alice@a',
      to: 'sip:bob@b',
      start: 1,
      end: 2,
      state: 'completed',
      setupMs: 10,
      durationMs: 1000,
      dialogs: [],
      messages: [],
      links: [],
      kind: 'call',
      finalStatus: 200,
      reason: null,
      pddMs: 5,
      hangupBy: 'caller',
      retransmissions: 0,
      transactions: [],
      endpoints: [],
    };
    db.prepare(
      "INSERT INTO captures (name, size, path, status, progress, created_at) VALUES ('v1.pcap', 1, '/v1', 'ready', 1, '2026-01-01T00:00:00.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO calls (cap, id, kind, state, start, from_l, to_l, duration_ms, pdd_ms, setup_ms, msg_count, finding_count, worst, methods, complete, json) VALUES (1, 0, 'call', 'completed', 1, 'sip:alice@a', 'sip:bob@b', 1000, 5, 10, 0, 2, 3, ',invite,', 1, ?)",
    ).run(JSON.stringify(call));
    db.prepare('INSERT INTO call_search (cap, id, lower, texts) VALUES (1, 0, ?, ?)').run(
      'sip:alice@a\nsip:bob@b\nv1-call@host',
      JSON.stringify(['sip:Alice@a', 'sip:bob@b', 'v1-call@host']),
    );
    db.close();
    const s = openSqliteStore({ file });
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const row = { ...call, findingCount: 2, worstSeverity: 'error' };
    expect(await s.queryCalls('c1', {})).toEqual({ total: 1, calls: [row] });
    expect((await s.queryCalls('c1', { q: 'V1-CALL' }))?.total).toBe(1);
    expect((await s.queryCalls('c1', { q: '/^sip:Alice@a$/' }))?.total).toBe(1);
    expect((await s.queryCalls('c1', { method: { include: ['invite'], exclude: [] } }))?.total).toBe(1);
    await s.close();
  });

  it('answers a search the same whether its matches are looked up by id or joined', async () => {
    const file = dbFile();
    const byId = openSqliteStore({ file });
    const id = await analysed(byId, many);
    const joined = openSqliteStore({ file, maxIdList: 0 });
    const queries = [
      { q: 'many-1' },
      { q: 'MANY-14', sort: 'durationMs' as const, order: 'desc' as const, limit: 7, offset: 3 },
      { q: '/^many-1[0-4]\\d@/', kind: listFilter('call') },
      { q: 'sip:', state: listFilter('!completed') },
      { q: 'aliceua', method: listFilter('bye'), sort: 'from' as const, offset: 1000 },
      { q: 'nothing-like-this' },
    ];
    for (const q of queries) {
      const a = await byId.queryCalls(id, q);
      expect(await joined.queryCalls(id, q)).toEqual(a);
    }
    expect((await byId.queryCalls(id, queries[0]))?.total).toBe(1 + 10 + 100 + 500);
    expect((await byId.queryCalls(id, queries[2]))?.total).toBe(50);
    await byId.close();
    await joined.close();
  });

  it('finds by /regex/ the same calls as the in-memory store, LIKE skipping only calls a regex cannot match', async () => {
    // The SQLite store runs a regex only on the calls whose texts hold what
    // every match must contain (regex-literal.ts); the memory store runs it on
    // every call: the answers must be the same, whatever the pattern.
    const s = openSqliteStore({ file: dbFile() });
    const m = createMemoryStore();
    const regexes = [
      '/^many-1[0-4]\\d@/',
      '/MANY-14\\d@/',
      '/y-1?4/',
      '/^sip:/',
      '/<SCRIPT>/',
      '/lostack-\\d+@/',
      '/%_/',
      '/ali+ce/',
      '/nothing-like-this/',
      '/a|b/',
    ];
    let manyId = '';
    for (const file of [mixed, many]) {
      const [a, b] = [await analysed(s, file), await analysed(m, file)];
      manyId = a;
      for (const q of regexes) {
        const ours = await s.queryCalls(a, { q, limit: 1000 });
        const ref = await m.queryCalls(b, { q, limit: 1000 });
        expect(
          ours?.calls.map((c) => c.id),
          q,
        ).toEqual(ref?.calls.map((c) => c.id));
        expect(ours?.total, q).toBe(ref?.total);
      }
    }
    // The comparisons had calls to find: a regex that matches every call of the second capture.
    expect((await s.queryCalls(manyId, { q: '/^many-/', limit: 1 }))?.total).toBe(1500);
    await s.close();
    await m.close();
  });

  it("reads a call's findings by index lookups, never a scan of the capture's findings", async () => {
    // Writing a call reads its finding count and worst severity, and opening a
    // call reads its findings in order: per call, a scan of every finding of
    // the capture made writing quadratic (27 µs of a call's 30 at 200,000
    // calls with 740 findings).
    const s = openSqliteStore({ file: dbFile() });
    const plan = (sql: string): string[] =>
      (
        s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array(sql.split('?').length - 1).fill(1)) as Array<{
          detail: string;
        }>
      )
        .map((r) => r.detail)
        .filter((d) => d.includes('findings') || d.includes('TEMP B-TREE'));
    // The writer's own statement for a call's row (Statement.source: its SQL as prepared).
    const written = plan(prepareWriterStatements(s.db).call.source);
    expect(written).toHaveLength(2);
    for (const d of written) expect(d).toMatch(/COVERING INDEX findings_call \(cap=\? AND call=\?\)/);
    // The store's own query for one call's findings, as it prepares it.
    const c = await s.createCapture({ name: 'x.pcap', size: 0, path: '/nowhere' });
    const prepared: string[] = [];
    const prepare = s.db.prepare.bind(s.db);
    s.db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof s.db.prepare;
    expect(await s.findings(c.id, { call: 3 })).toEqual([]);
    s.db.prepare = prepare as typeof s.db.prepare;
    const query = prepared.find((q) => q.includes('FROM findings'));
    expect(query).toBeDefined();
    expect(plan(query!)).toEqual([expect.stringMatching(/USING INDEX findings_call \(cap=\? AND call=\?\)/)]);
    await s.close();
  });

  it('stamps when an analysis ended ready, and takes a capture of an older database as analysed when added', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const before = Date.now();
    const id = await analysed(s, mixed);
    const c = (await s.getCapture(id))!;
    expect(Date.parse(c.analyzedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(c.analyzedAt!)).toBeLessThanOrEqual(Date.now() + 1000);
    // Analysed again (reanalyze): stamped again when it is ready again.
    await s.updateCapture(id, { status: 'analyzing', progress: 0 });
    expect((await s.getCapture(id))!.analyzedAt).toBe(c.analyzedAt);
    await new Promise((r) => setTimeout(r, 5));
    await s.updateCapture(id, { status: 'ready', progress: 1 });
    expect((await s.getCapture(id))!.analyzedAt! > c.analyzedAt!).toBe(true);
    await s.close();
    // The database as the sipscope before the column left it.
    const db = new Database(file);
    db.exec(
      `${UNDO_SORTED_AHEAD} DROP TRIGGER captures_analyzed; ALTER TABLE captures DROP COLUMN analyzed_at;`,
    );
    db.pragma(`user_version = ${versionBefore('when a capture was last analysed')}`);
    db.close();
    const again = openSqliteStore({ file });
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const old = (await again.getCapture(id))!;
    expect(old.analyzedAt).toBe(old.createdAt);
    await again.close();
  });

  it('opens a database from before RTP streams: its captures answer with none, new ones keep theirs', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const old = await analysed(s, mixed);
    await s.close();
    // The database as the sipscope before streams left it (and before what came after: analyzed_at, sorted lists).
    const db = new Database(file);
    db.exec(
      `${UNDO_SORTED_AHEAD} DROP TABLE streams; DROP TRIGGER captures_analyzed; ALTER TABLE captures DROP COLUMN analyzed_at;`,
    );
    db.pragma(`user_version = ${versionBefore('RTP streams')}`);
    db.close();
    const again = openSqliteStore({ file });
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const d = await again.getCall(old, 0);
    expect(d!.messages.length).toBeGreaterThan(0);
    expect(d!.streams).toEqual([]);
    const id = await analysed(again, rtp);
    const streams = [(await again.getCall(id, 0))!.streams, (await again.getCall(id, 1))!.streams];
    expect(streams.map((l) => l.map((st) => st.id))).toEqual([[0, 1], [2]]);
    // A call's streams are read off the (cap, call) index, already in id order: no scan, no sort.
    const sql = (again as unknown as { st: { streams: Database.Statement } }).st.streams.source;
    const plan = (again.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, 1) as Array<{ detail: string }>).map(
      (r) => r.detail,
    );
    expect(plan).toEqual([expect.stringMatching(/USING INDEX streams_call \(cap=\? AND call=\?\)/)]);
    await again.close();
    // Kept across a reopen; deleting the capture deletes them.
    const third = openSqliteStore({ file });
    expect((await third.getCall(id, 1))!.streams.map((st) => st.ssrc)).toEqual(
      streams[1].map((st) => st.ssrc),
    );
    expect(await third.deleteCapture(id)).toBe(true);
    expect(third.db.prepare('SELECT count(*) FROM streams').pluck().get()).toBe(0);
    await third.close();
  });

  it('opens a database from before call lists were sorted ahead: its captures are listed by SQL with the same pages', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const old = await analysed(s, some);
    const queries: CallQuery[] = [
      { state: listFilter('completed'), sort: 'from', offset: 150, limit: 100 },
      { sort: 'durationMs', order: 'desc', offset: 170, limit: 100 },
      { kind: listFilter('call'), state: listFilter('completed'), sort: 'durationMs', order: 'desc' },
      { method: listFilter('bye'), hasFindings: false, sort: 'pddMs', order: 'desc' },
      { sort: 'start', offset: 290 },
    ];
    const sortedPages = [];
    for (const q of queries) sortedPages.push(await s.queryCalls(old, q));
    expect(s.db.prepare('SELECT count(*) FROM call_orders').pluck().get()).toBe(CALL_SORT_KEYS.length);
    await s.close();
    const db = new Database(file);
    db.exec(UNDO_SORTED_AHEAD);
    db.pragma(`user_version = ${versionBefore('call lists sorted ahead')}`);
    db.close();
    const again = openSqliteStore({ file });
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(again.db.prepare('SELECT count(*) FROM call_orders').pluck().get()).toBe(0);
    for (const [i, q] of queries.entries()) expect(await again.queryCalls(old, q)).toEqual(sortedPages[i]);
    expect(sortedPages[0]!.calls.length).toBe(100);
    // A capture analysed now is sorted ahead.
    const id = await analysed(again, mixed);
    const cap = Number(id.slice(1));
    expect(again.db.prepare('SELECT count(*) FROM call_orders WHERE cap = ?').pluck().get(cap)).toBe(
      CALL_SORT_KEYS.length,
    );
    await again.close();
  });

  it('keeps a call list sorted ahead only while its capture is ready, and deletes it with the capture', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const rows = (cap: number) =>
      s.db
        .prepare(
          'SELECT (SELECT count(*) FROM call_orders WHERE cap = ?) + (SELECT count(*) FROM call_facets WHERE cap = ?)',
        )
        .pluck()
        .get(cap, cap);
    const id = await analysed(s, mixed);
    const cap = Number(id.slice(1));
    const query: CallQuery = { sort: 'durationMs', order: 'desc', offset: 2, limit: 3 };
    const page = await s.queryCalls(id, query);
    expect(rows(cap)).toBe(CALL_SORT_KEYS.length + 1);
    // A live capture resumed, or analysed again: its calls may change.
    await s.updateCapture(id, { status: 'live' });
    expect(rows(cap)).toBe(0);
    await s.updateCapture(id, { status: 'ready' });
    expect(await s.queryCalls(id, query)).toEqual(page);
    const other = await analysed(s, mixed);
    const otherCap = Number(other.slice(1));
    expect(rows(otherCap)).toBe(CALL_SORT_KEYS.length + 1);
    await s.deleteCapture(other);
    expect(rows(otherCap)).toBe(0);
    await s.close();
  });

  it('answers from the list another connection sorted when it analysed the capture again, not from what it kept', async () => {
    const file = dbFile();
    const server = openSqliteStore({ file });
    const id = await analysed(server, mixed);
    // The mixed capture has one REGISTER among its 9 calls; `nine` has 9 calls, all INVITEs.
    const nine = join(dir, 'nine.pcap');
    writeFileSync(nine, manyCallsCaptureBytes(9));
    const query: CallQuery = { kind: listFilter('registration'), sort: 'durationMs' };
    expect(await server.queryCalls(id, { limit: 1000 })).toMatchObject({ total: 9 });
    expect(await server.queryCalls(id, query)).toMatchObject({ total: 1 });
    // The analysis worker's connection analyses the capture again, from the other file.
    const worker = openSqliteStore({ file });
    await worker.updateCapture(id, { status: 'analyzing' });
    await new Promise((r) => setTimeout(r, 5));
    await analyzeToStore(nine, await worker.openWriter(id));
    await worker.close();
    expect(await server.queryCalls(id, query)).toEqual({ total: 0, calls: [] });
    expect((await server.queryCalls(id, { limit: 1000 }))!.calls.map((c) => c.callIds[0])).toEqual(
      Array.from({ length: 9 }, (_, i) => `many-${i}@10.0.0.1`),
    );
    await server.close();
  });

  it('answers by SQL when a stored order or facet is damaged, not with a wrong page or a crash', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const id = await analysed(s, mixed);
    const cap = Number(id.slice(1));
    const queries: CallQuery[] = [
      { sort: 'durationMs', order: 'desc', offset: 1, limit: 5 },
      { sort: 'start', offset: 2, limit: 4 },
      { kind: listFilter('call'), sort: 'pddMs' },
      { hasFindings: true, sort: 'messages', order: 'desc' },
    ];
    const want = [];
    for (const q of queries) want.push(await s.queryCalls(id, q));
    const n = (await s.queryCalls(id, {}))!.total;
    // Positions out of range, an order cut short, codes past their values, a finding flag of 7.
    const set = (sql: string, ...v: unknown[]) => s.db.prepare(sql).run(...v, cap);
    set(
      "UPDATE call_orders SET positions = ? WHERE sort = 'durationMs' AND cap = ?",
      Buffer.from(new Int32Array(n).fill(1e6).buffer),
    );
    set("UPDATE call_orders SET positions = x'00' WHERE sort = 'start' AND cap = ?");
    set('UPDATE call_facets SET kind = ? WHERE cap = ?', Buffer.alloc(n, 200));
    set('UPDATE call_facets SET findings = ? WHERE cap = ?', Buffer.alloc(n, 7));
    await s.close();
    const again = openSqliteStore({ file });
    for (const [i, q] of queries.entries()) expect(await again.queryCalls(id, q)).toEqual(want[i]);
    await again.close();
  });

  it('refuses a database written by a newer sipscope instead of guessing', () => {
    const file = dbFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openSqliteStore({ file })).toThrow(/newer than this sipscope knows/);
  });

  it('gives the disk back when a capture is deleted', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file, deleteChunk: 700 });
    const keep = await analysed(s, mixed);
    const big = await analysed(s, many);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const full = statSync(file).size;
    expect(await s.deleteCapture(big)).toBe(true);
    const after = statSync(file).size;
    expect(after).toBeLessThan(full / 3);
    expect(s.db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(statSync(`${file}-wal`).size).toBe(0);
    // The other capture is untouched.
    expect((await s.queryCalls(keep, {}))?.total).toBeGreaterThan(5);
    const rows = s.db
      .prepare('SELECT count(*) FROM messages WHERE cap = ?')
      .pluck()
      .get(Number(big.slice(1)));
    expect(rows).toBe(0);
    await s.close();
  });

  it('finishes at open a delete that a crash cut short: no rows without their capture', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const id = await analysed(s, mixed);
    await analysed(s, rtp);
    const cap = Number(id.slice(1));
    expect(
      s.db
        .prepare('SELECT count(*) FROM streams WHERE cap = ?')
        .pluck()
        .get(cap + 1),
    ).toBe(3);
    s.db.prepare('DELETE FROM captures WHERE n = ?').run(cap + 1);
    // What a kill between "capture row gone" and "rows gone" leaves behind.
    s.db.prepare('DELETE FROM captures WHERE n = ?').run(cap);
    await s.close();
    const again = openSqliteStore({ file });
    for (const t of ['messages', 'calls', 'call_search', 'transactions', 'dialogs', 'findings', 'streams'])
      for (const k of [cap, cap + 1])
        expect(again.db.prepare(`SELECT count(*) FROM ${t} WHERE cap = ?`).pluck().get(k)).toBe(0);
    await again.close();
  });

  it('reads message bytes kept by place from the capture file, and none when the file is gone', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const copy = join(dir, 'copy.pcap');
    writeFileSync(copy, manyCallsCaptureBytes(2));
    const id = await analysed(s, copy);
    const m = await s.getMessage(id, 0);
    expect(Buffer.from(m!.raw).toString('latin1')).toMatch(/^INVITE sip:/);
    rmSync(copy);
    const gone = await s.getMessage(id, 0);
    expect(gone!.row).toEqual(m!.row);
    expect(gone!.raw.length).toBe(0);
    await s.close();
  });

  it('counts what a capture stored as analysis stats', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const id = await analysed(s, mixed);
    const stats = (await s.getCapture(id))!.stats!;
    expect(await s.rowStats(id)).toEqual({ ...stats, decodeErrors: 0 });
    expect(await s.rowStats('c999')).toBeUndefined();
    await s.close();
  });
});
