/**
 * The Store in an embedded SQLite database (better-sqlite3): what an analysis
 * wrote survives the process, several connections (the server, its analysis
 * worker) share one file in WAL mode, and memory stays flat whatever the
 * captures' sizes. Schema and migrations: sqlite-schema.ts; the call list as
 * SQL: sqlite-call-list.ts; the writer: sqlite-writer.ts.
 *
 * better-sqlite3 is synchronous: each method does its work at once and
 * returns a settled promise, except those that delete a capture's rows,
 * which work in chunks and yield to the event loop between them so that a
 * server keeps answering while a big capture goes.
 */
import Database from 'better-sqlite3';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { CallOrderCache, type CallOrderOptions } from './call-order-cache.js';
import type { CallQuery } from './call-query.js';
import { messageFilePath, readRange } from './file-range.js';
import { type FindingCount, ruleMatches } from './finding-filter.js';
import type { AnalysisStats, DialogRow, Finding, MessageRow, TransactionRow } from './rows.js';
import { callPage, callsOfIds, matchingCallIds, registerSearchFunction } from './sqlite-call-list.js';
import { SqliteCallOrders } from './sqlite-call-orders.js';
import {
  type CaptureDbRow,
  callRow,
  captureNumber,
  captureRecord,
  MESSAGE_ROW_COLUMNS,
  type MessageDbRow,
  messageRow,
  severityOf,
} from './sqlite-rows.js';
import { openSchema } from './sqlite-schema.js';
import { SqliteCounts } from './sqlite-stats.js';
import {
  prepareWriterStatements,
  SqliteWriter,
  type WriterHost,
  type WriterStatements,
} from './sqlite-writer.js';
import type {
  CallDetail,
  CallPage,
  CallsFrames,
  CaptureRecord,
  CaptureStatsView,
  CaptureUpdate,
  CaptureWriter,
  FindingFilter,
  NewCapture,
  Store,
  StoredMessage,
} from './store.js';
import { type MediaSpan, mediaSpan, sortedFrames, TlsConnections } from './store.js';

export interface SqliteStoreOptions {
  /** The database file (created with its directory's permissions), or `:memory:`. */
  file: string;
  /** Rows deleted per transaction when a capture goes (default 20,000). */
  deleteChunk?: number;
  /** SQLite page cache of this connection in KiB (default 32 MiB: a call-list query scans a capture's calls). */
  cacheKiB?: number;
  /** Matches of a call-list search looked up by id; past it they are joined (default MAX_ID_LIST). */
  maxIdList?: number;
  /**
   * Pages of WAL after which a commit of this connection copies them into the
   * database (SQLite's default 1000). A bulk writer raises it: fewer, larger
   * checkpoints, each with its fsync (a 200,000-call analysis: 56 s instead of 89).
   */
  walAutocheckpoint?: number;
  /**
   * The caches of call-list orders and counts of ready captures
   * (call-order-cache.ts; null: none, tests compare against that).
   */
  callOrders?: CallOrderOptions | null;
  /**
   * Answer the call list of ready captures from the orders their analysis
   * stored (sqlite-call-orders.ts; default true). False: by SQL, as for a
   * capture of an older database (tests compare the two). `keptCalls`: what
   * is kept of them in memory, in calls (default KEPT_CALLS).
   */
  sortedAhead?: boolean | { keptCalls: number };
}

/** Ready captures whose statistics view is kept (a few KB each). */
const KEPT_STATS_VIEWS = 64;

/** The tables holding a capture's analysis, each keyed (cap, …), with the rest of their key. */
const ROW_TABLES = {
  messages: 'id',
  transactions: 'id',
  dialogs: 'id',
  calls: 'id',
  call_json: 'id',
  call_search: 'id',
  call_texts: 'id',
  findings: 'seq',
  streams: 'id',
  call_facets: 'cap',
  call_orders: 'sort',
} as const;

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}

export class SqliteStore implements Store, WriterHost {
  readonly db: Database.Database;
  readonly file: string;
  private readonly writers = new Set<SqliteWriter>();
  private readonly deleteChunk: number;
  private readonly maxIdList: number | undefined;
  private readonly wst: WriterStatements;
  private readonly counts: SqliteCounts;
  private readonly st;
  private readonly listCache = new Map<string, Database.Statement>();
  /** Call-list orders of recent deep pages and counts of recent filters, of ready captures (call-order-cache.ts). */
  private readonly orders: CallOrderCache | null;
  /** The call lists sorted ahead at the end of each analysis. */
  private readonly sorted: SqliteCallOrders;
  private readonly sortedAhead: boolean;
  /**
   * The statistics view of recent ready captures: it reads every call of the
   * capture (~400 ms at 200,000 calls), and a ready capture's calls never change.
   */
  private readonly statsViews = new Map<number, CaptureStatsView>();
  private closed = false;

  constructor(opts: SqliteStoreOptions) {
    this.file = opts.file;
    this.deleteChunk = opts.deleteChunk ?? 20_000;
    this.maxIdList = opts.maxIdList;
    this.orders = opts.callOrders === null ? null : new CallOrderCache(opts.callOrders);
    try {
      this.db = new Database(opts.file);
    } catch (e) {
      throw new Error(`${opts.file}: cannot open the database: ${(e as Error).message}`);
    }
    try {
      openSchema(this.db, opts.file);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.db.pragma(`cache_size = ${-Math.max(64, Math.floor(opts.cacheKiB ?? 32 * 1024))}`);
    if (opts.walAutocheckpoint !== undefined)
      this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(opts.walAutocheckpoint))}`);
    registerSearchFunction(this.db);
    const sorted = opts.sortedAhead ?? true;
    this.sorted = new SqliteCallOrders(this.db, typeof sorted === 'object' ? sorted.keptCalls : undefined);
    this.sortedAhead = sorted !== false;
    this.wst = prepareWriterStatements(this.db);
    this.counts = new SqliteCounts(this.db);
    const db = this.db;
    this.st = {
      insertCapture: db.prepare(
        'INSERT INTO captures (name, size, path, files, status, progress, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)',
      ),
      capture: db.prepare('SELECT * FROM captures WHERE n = ?'),
      captures: db.prepare('SELECT * FROM captures ORDER BY n DESC'),
      deleteCapture: db.prepare('DELETE FROM captures WHERE n = ?'),
      call: db.prepare(
        'SELECT j.json, c.finding_count, c.worst FROM calls c JOIN call_json j ON j.cap = c.cap AND j.id = c.id WHERE c.cap = ? AND c.id = ?',
      ),
      pageJson: db.prepare(
        'SELECT id, json FROM call_json WHERE cap = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      callMessages: db.prepare(
        `SELECT ${MESSAGE_ROW_COLUMNS} FROM messages WHERE cap = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      ),
      callFrames: db.prepare(
        'SELECT frame, frames FROM messages WHERE cap = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      message: db.prepare(
        `SELECT ${MESSAGE_ROW_COLUMNS}, raw, raw_off, raw_len FROM messages WHERE cap = ? AND id = ?`,
      ),
      transactions: db.prepare(
        'SELECT json FROM transactions WHERE cap = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
      ),
      dialogs: db.prepare(
        'SELECT json FROM dialogs WHERE cap = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
      ),
      // By the index, as a call's findings are: left to itself, the planner reads every stream of
      // the capture in id order (the primary key) to skip a sort.
      streams: db
        .prepare('SELECT json FROM streams INDEXED BY streams_call WHERE cap = ? AND call = ? ORDER BY id')
        .pluck(),
    };
    this.purgeOrphans();
  }

  // -------------------------------------------------------------------------
  // Captures

  async createCapture(c: NewCapture): Promise<CaptureRecord> {
    const info = this.st.insertCapture.run(
      c.name,
      c.size,
      c.path,
      c.files === undefined ? null : JSON.stringify(c.files),
      c.status ?? 'analyzing',
      new Date().toISOString(),
    );
    return this.record(Number(info.lastInsertRowid))!;
  }

  async updateCapture(id: string, patch: CaptureUpdate): Promise<CaptureRecord | undefined> {
    const n = captureNumber(id);
    if (n === undefined) return undefined;
    const sets: string[] = [];
    const params: Array<string | number | null> = [];
    const set = (col: string, v: string | number | null) => {
      sets.push(`${col} = ?`);
      params.push(v);
    };
    if (patch.status !== undefined) {
      set('status', patch.status);
      // Out of `ready` (a live capture resumed), its calls may change again.
      this.forget(n);
    }
    if (patch.progress !== undefined) set('progress', Math.min(1, Math.max(0, patch.progress)));
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.stats !== undefined) set('stats', patch.stats === null ? null : JSON.stringify(patch.stats));
    if (patch.source !== undefined) set('source', JSON.stringify(patch.source));
    if (patch.size !== undefined) set('size', patch.size);
    if (patch.warnings !== undefined) set('warnings', JSON.stringify(patch.warnings));
    if (patch.files !== undefined) set('files', JSON.stringify(patch.files));
    if (patch.name !== undefined) set('name', patch.name);
    if (sets.length > 0)
      this.db.prepare(`UPDATE captures SET ${sets.join(', ')} WHERE n = ?`).run(...params, n);
    return this.record(n);
  }

  async listCaptures(): Promise<CaptureRecord[]> {
    return (this.st.captures.all() as CaptureDbRow[]).map(captureRecord);
  }

  async getCapture(id: string): Promise<CaptureRecord | undefined> {
    const n = captureNumber(id);
    return n === undefined ? undefined : this.record(n);
  }

  private record(n: number): CaptureRecord | undefined {
    const r = this.st.capture.get(n) as CaptureDbRow | undefined;
    return r === undefined ? undefined : captureRecord(r);
  }

  async deleteCapture(id: string): Promise<boolean> {
    const n = captureNumber(id);
    if (n === undefined) return false;
    for (const w of this.writers) if (w.cap === n) this.writers.delete(w);
    // The capture row first: from then on it is gone for every reader and
    // writer; its rows go after, chunk by chunk.
    const gone = this.st.deleteCapture.run(n).changes > 0;
    this.forget(n);
    if (gone) {
      await this.dropRows(n);
      await this.reclaim();
    }
    return gone;
  }

  /** Deletes every row of capture `cap`'s analysis, a chunk per transaction. */
  async dropRows(cap: number): Promise<void> {
    for (const [table, key] of Object.entries(ROW_TABLES)) {
      const del = this.db.prepare(
        `DELETE FROM ${table} WHERE cap = ? AND ${key} IN (SELECT ${key} FROM ${table} WHERE cap = ? LIMIT ?)`,
      );
      while (!this.closed && del.run(cap, cap, this.deleteChunk).changes > 0) await yieldToLoop();
    }
  }

  /** Gives the pages deleted rows freed back to the file system, and empties the WAL. */
  async reclaim(): Promise<void> {
    if (this.closed) return;
    // SQLite: "The incremental_vacuum pragma causes up to N pages to be removed from the freelist."
    const step = this.db.prepare('PRAGMA incremental_vacuum(2000)');
    const free = this.db.prepare('PRAGMA freelist_count').pluck();
    while (!this.closed && (free.get() as number) > 0) {
      step.run();
      await yieldToLoop();
    }
    if (!this.closed && this.file !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Rows whose capture is gone (a delete cut short by a crash) are deleted at open. */
  private purgeOrphans(): void {
    for (const table of Object.keys(ROW_TABLES))
      this.db.prepare(`DELETE FROM ${table} WHERE cap NOT IN (SELECT n FROM captures)`).run();
  }

  /** Bytes the database takes on disk (the file and its WAL). */
  diskBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }

  // -------------------------------------------------------------------------
  // Writers

  async openWriter(captureId: string): Promise<CaptureWriter> {
    const n = captureNumber(captureId);
    const rec = n === undefined ? undefined : this.record(n);
    if (n === undefined || rec === undefined) throw new Error(`no capture ${captureId}`);
    for (const w of this.writers)
      if (w.cap === n) throw new Error(`capture ${captureId} already has a writer`);
    // An analysis starts from nothing: rows left by one that was cut short go first.
    if (rec.status === 'analyzing') await this.dropRows(n);
    // Its calls may change: its list is no longer sorted ahead.
    this.sorted.drop(n);
    this.forget(n);
    const w = new SqliteWriter(this, this.wst, captureId, n);
    this.writers.add(w);
    return w;
  }

  writerEnded(w: SqliteWriter): boolean {
    return this.closed || !this.writers.has(w);
  }

  endWriter(w: SqliteWriter): void {
    this.writers.delete(w);
  }

  sortCallsAhead(cap: number): boolean {
    return this.sorted.write(cap);
  }

  // -------------------------------------------------------------------------
  // Queries

  private statement(sql: string): Database.Statement {
    let s = this.listCache.get(sql);
    if (s === undefined) {
      if (this.listCache.size >= 64) this.listCache.clear();
      s = this.db.prepare(sql);
      this.listCache.set(sql, s);
    }
    return s;
  }

  /** Calls held in cached call-list orders (call-order-cache.ts), for tests. */
  get cachedOrderCalls(): number {
    return this.orders?.size ?? 0;
  }

  /** Calls held of the call lists sorted ahead (sqlite-call-orders.ts), for tests. */
  get sortedAheadCalls(): number {
    return this.sorted.heldCalls;
  }

  async queryCalls(captureId: string, query: CallQuery): Promise<CallPage | undefined> {
    const n = captureNumber(captureId);
    const rec = n === undefined ? undefined : (this.st.capture.get(n) as CaptureDbRow | undefined);
    if (n === undefined || rec === undefined) return undefined;
    if (rec.status === 'ready' && this.sortedAhead && (query.q ?? '') === '') {
      const page = this.sorted.page(n, rec.analyzed_at, query);
      if (page !== undefined)
        return {
          total: page.total,
          calls: callsOfIds(n, page.ids, (sql) => this.statement(sql), this.st.pageJson),
        };
    }
    // A ready capture's calls never change: its deep pages may come from a cached order.
    const orders = rec.status === 'ready' ? (this.orders ?? undefined) : undefined;
    return callPage(n, query, (sql) => this.statement(sql), this.st.pageJson, this.maxIdList, orders);
  }

  async getCall(captureId: string, callId: number): Promise<CallDetail | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || !Number.isSafeInteger(callId)) return undefined;
    const r = this.st.call.get(n, callId) as
      | { json: string; finding_count: number; worst: number }
      | undefined;
    if (r === undefined) return undefined;
    const call = callRow(r.json, r.finding_count, r.worst);
    const messages = (this.st.callMessages.all(n, JSON.stringify(call.messages)) as MessageDbRow[]).map(
      messageRow,
    );
    const txIds = new Set<number>(call.transactions);
    const dialogIds = new Set<number>(call.dialogs);
    for (const m of messages) {
      if (m.transaction !== null) txIds.add(m.transaction);
      if (m.dialog !== null) dialogIds.add(m.dialog);
    }
    const json = <T>(st: Database.Statement, ids: Set<number>): T[] =>
      (st.pluck().all(n, JSON.stringify([...ids])) as string[]).map((s) => JSON.parse(s) as T);
    return {
      call,
      messages,
      transactions: json<TransactionRow>(this.st.transactions, txIds),
      dialogs: json<DialogRow>(this.st.dialogs, dialogIds),
      findings: (await this.findings(captureId, { call: callId })) ?? [],
      streams: (this.st.streams.all(n, callId) as string[]).map((s) => JSON.parse(s) as RtpStreamRecord),
    };
  }

  async getMessage(captureId: string, messageId: number): Promise<StoredMessage | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || !Number.isSafeInteger(messageId)) return undefined;
    const d = this.st.message.get(n, messageId) as
      | (MessageDbRow & { raw: Uint8Array | null; raw_off: number | null; raw_len: number })
      | undefined;
    if (d === undefined) return undefined;
    const row: MessageRow = messageRow(d);
    if (d.raw !== null) return { row, raw: new Uint8Array(d.raw.buffer, d.raw.byteOffset, d.raw.byteLength) };
    const c = this.st.capture.get(n) as CaptureDbRow | undefined;
    const path = c === undefined ? undefined : messageFilePath(captureRecord(c), d.file);
    const raw =
      path === undefined || d.raw_off === null
        ? new Uint8Array(0)
        : await readRange(path, { offset: d.raw_off, length: d.raw_len });
    return { row, raw };
  }

  async findings(captureId: string, filter: FindingFilter = {}): Promise<Finding[] | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || this.st.capture.get(n) === undefined) return undefined;
    const conds = ['cap = ?'];
    const params: Array<string | number> = [n];
    if (filter.call !== undefined) {
      conds.push('call = ?');
      params.push(filter.call);
    }
    if (filter.message !== undefined) {
      conds.push('instr(messages, ?) > 0');
      params.push(`,${filter.message},`);
    }
    const rule = filter.rule;
    if (rule !== undefined) {
      if (rule.endsWith('.')) {
        conds.push('(rule = ? OR substr(rule, 1, ?) = ?)');
        params.push(rule, rule.length, rule);
      } else {
        conds.push('rule = ?');
        params.push(rule);
      }
    }
    if (filter.perRule !== undefined && filter.call === undefined && filter.message === undefined)
      return this.firstOfEachRule(n, filter.perRule, rule);
    // A call's findings by the index, in seq order: left to itself, the planner reads every
    // finding of the capture in seq order instead (no sort), a scan per call opened.
    const from = filter.call !== undefined ? 'findings INDEXED BY findings_call' : 'findings';
    let sql = `SELECT json FROM ${from} WHERE ${conds.join(' AND ')} ORDER BY seq`;
    if (filter.perRule !== undefined) {
      // The first of each rule among a call's or a message's: numbered within their rule in seq order.
      sql = `SELECT json FROM (SELECT json, seq, row_number() OVER (PARTITION BY rule ORDER BY seq) AS k FROM ${from} WHERE ${conds.join(' AND ')}) WHERE k <= ? ORDER BY seq`;
      params.push(filter.perRule);
    }
    return (
      this.statement(sql)
        .pluck()
        .all(...params) as string[]
    ).map((s) => JSON.parse(s) as Finding);
  }

  /**
   * The first `perRule` findings of each rule of capture `n` (of the rules
   * `rule` names, a prefix ending in `.`), in seq order: the rules found by
   * hopping along the findings_rule index, then a short read of it per rule.
   */
  private firstOfEachRule(n: number, perRule: number, rule: string | undefined): Finding[] {
    const rules = (
      this.statement(
        `WITH RECURSIVE r(rule) AS (
           SELECT min(rule) FROM findings WHERE cap = ?
           UNION ALL SELECT (SELECT min(rule) FROM findings WHERE cap = ? AND rule > r.rule) FROM r WHERE r.rule IS NOT NULL)
         SELECT rule FROM r WHERE rule IS NOT NULL`,
      )
        .pluck()
        .all(n, n) as string[]
    ).filter((r) => ruleMatches(r, rule));
    const first = this.statement(
      'SELECT seq, json FROM findings WHERE cap = ? AND rule = ? ORDER BY seq LIMIT ?',
    );
    const rows: Array<{ seq: number; json: string }> = [];
    for (const r of rules) rows.push(...(first.all(n, r, perRule) as Array<{ seq: number; json: string }>));
    return rows.sort((a, b) => a.seq - b.seq).map((r) => JSON.parse(r.json) as Finding);
  }

  async findingCounts(captureId: string): Promise<FindingCount[] | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || this.st.capture.get(n) === undefined) return undefined;
    const rows = this.statement(
      'SELECT rule, count(*) AS count, max(severity) AS worst, min(seq) AS first FROM findings WHERE cap = ? GROUP BY rule ORDER BY first',
    ).all(n) as Array<{ rule: string; count: number; worst: number }>;
    return rows.map((r) => ({ rule: r.rule, severity: severityOf(r.worst) ?? 'info', count: r.count }));
  }

  async stats(captureId: string): Promise<CaptureStatsView | undefined> {
    const n = captureNumber(captureId);
    const rec = n === undefined ? undefined : this.record(n);
    if (n === undefined || rec === undefined) return undefined;
    if (rec.status !== 'ready') return this.counts.view(n, rec);
    let v = this.statsViews.get(n);
    if (v === undefined) {
      v = this.counts.view(n, rec);
      if (this.statsViews.size >= KEPT_STATS_VIEWS)
        this.statsViews.delete(this.statsViews.keys().next().value!);
      this.statsViews.set(n, v);
    }
    return structuredClone(v);
  }

  /** Forgets what is kept of capture `n`'s answers: it is leaving `ready`, or gone. */
  private forget(n: number): void {
    this.orders?.forget(n);
    this.sorted.forget(n);
    this.statsViews.delete(n);
  }

  /** The counts of what capture `captureId` stored, as an analysis's stats (an interrupted live capture's). */
  async rowStats(captureId: string): Promise<AnalysisStats | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || this.st.capture.get(n) === undefined) return undefined;
    return this.counts.rows(n);
  }

  async callFrames(captureId: string, callId: number): Promise<number[] | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || !Number.isSafeInteger(callId)) return undefined;
    const r = this.st.call.get(n, callId) as { json: string } | undefined;
    if (r === undefined) return undefined;
    const ids = (JSON.parse(r.json) as { messages: number[] }).messages;
    const frames = new Set<number>();
    for (const m of this.st.callFrames.all(n, JSON.stringify(ids)) as FramesRow[]) addStoredFrames(frames, m);
    return sortedFrames(frames);
  }

  async callsFrames(captureId: string, query: CallQuery): Promise<CallsFrames | undefined> {
    const n = captureNumber(captureId);
    if (n === undefined || this.st.capture.get(n) === undefined) return undefined;
    const ids = matchingCallIds(n, query, (sql) => this.statement(sql), this.maxIdList);
    const frames = new Set<number>();
    const tls = new TlsConnections();
    // A message's row names its call as the analysis left it (merged legs included): one pass over
    // them, row by row (all 1.2 million rows of a 200,000-call capture at once would be ~250 MB).
    if (ids.length > 0)
      for (const m of this.statement(
        'SELECT frame, frames, transport, src, dst FROM messages WHERE cap = ? AND call IN (SELECT value FROM json_each(?))',
      ).iterate(n, JSON.stringify(ids)) as IterableIterator<
        FramesRow & { transport: string; src: string; dst: string }
      >)
        tls.add(m, addStoredFrames(frames, m));
    const streams: MediaSpan[] = [];
    if (ids.length > 0)
      for (const json of this.statement(
        'SELECT json FROM streams WHERE cap = ? AND call IN (SELECT value FROM json_each(?))',
      )
        .pluck()
        .iterate(n, JSON.stringify(ids)) as IterableIterator<string>)
        streams.push(mediaSpan(JSON.parse(json) as MediaSpan));
    return { calls: ids.length, frames: sortedFrames(frames), streams, connections: tls.list() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.writers.clear();
    this.listCache.clear();
    this.db.close();
  }
}

interface FramesRow {
  frame: number;
  /** A reassembled message's frames, comma-separated; null for one frame. */
  frames: string | null;
}

/** Adds the row's frames to `set`; returns the last of them. */
function addStoredFrames(set: Set<number>, m: FramesRow): number {
  let last = m.frame;
  if (m.frames === null) set.add(m.frame);
  else if (m.frames !== '')
    for (const text of m.frames.split(',')) {
      const f = Number(text);
      set.add(f);
      if (f > last) last = f;
    }
  return last;
}
