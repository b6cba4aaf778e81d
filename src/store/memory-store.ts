/**
 * The Store kept in process memory: for tests, the CLI and captures that fit
 * in RAM. Rows are kept as the writer gives them; the call list's indexes
 * (search text, methods, finding counts, sorted orders) are built on the
 * first query after a write and reused until the next write.
 */

import { type Severity, worse } from '../analyze/finding.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { MessageCounts } from '../sip/message-counts.js';
import { assembleCallDetail } from './call-detail.js';
import {
  type CallFacts,
  type CallQuery,
  type CallSortKey,
  callMatcher,
  compareCalls,
  pageOf,
  searchText,
} from './call-query.js';
import { CallTally } from './call-tally.js';
import { applyCaptureUpdate } from './capture-update.js';
import { messageFilePath, readRange } from './file-range.js';
import { countFindings, type FindingCount, firstPerRule, ruleMatches } from './finding-filter.js';
import {
  type AnalysisStats,
  type CallJson,
  callRowOf,
  type DialogRow,
  type Finding,
  type TransactionRow,
} from './rows.js';
import type {
  CallDetail,
  CallPage,
  CallsFrames,
  CaptureRecord,
  CaptureSource,
  CaptureStatsView,
  CaptureUpdate,
  CaptureWriter,
  FindingFilter,
  MessageInput,
  MessageUpdate,
  NewCapture,
  Store,
  StoredMessage,
} from './store.js';
import {
  addFrames,
  addMessageFrames,
  type MediaSpan,
  mediaSpan,
  sortedFrames,
  TlsConnections,
} from './store.js';

interface Data {
  messages: MessageInput[];
  transactions: Map<number, TransactionRow>;
  dialogs: Map<number, DialogRow>;
  calls: Map<number, CallJson>;
  findings: Finding[];
  /** RTP streams by id. */
  streams: Map<number, RtpStreamRecord>;
  /** Derived; undefined after a write. */
  index?: Index;
}

interface Index {
  /** Call list facts in call-id order. */
  facts: CallFacts[];
  byId: Map<number, CallFacts>;
  findingsByCall: Map<number, Finding[]>;
  /** Streams whose call is known, by call. */
  streamsByCall: Map<number, RtpStreamRecord[]>;
  /** Orders made so far, by `sort:order`. */
  sorted: Map<string, CallFacts[]>;
  /**
   * The matches of the last few queries (filters and order), by query key,
   * least recently used first: scrolling a list asks for page after page of
   * one query, and each would otherwise test every call again (~80 ms at
   * 100,000 calls).
   */
  matches: Map<string, CallFacts[]>;
}

/** Queries whose matches an index keeps (each at most one reference per call). */
const KEPT_MATCHES = 4;

export interface MemoryStoreOptions {
  /** First capture id number (default 1: ids are c1, c2, …). */
  firstId?: number;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  return new MemoryStore(opts);
}

class MemoryStore implements Store {
  private seq: number;
  private readonly captures = new Map<string, CaptureRecord>();
  private readonly data = new Map<string, Data>();
  private readonly writers = new Set<string>();

  constructor(opts: MemoryStoreOptions) {
    this.seq = (opts.firstId ?? 1) - 1;
  }

  async createCapture(c: NewCapture): Promise<CaptureRecord> {
    const id = `c${++this.seq}`;
    const rec: CaptureRecord = {
      id,
      name: c.name,
      size: c.size,
      path: c.path,
      ...(c.files !== undefined && { files: c.files.map((f) => ({ ...f })) }),
      status: c.status ?? 'analyzing',
      progress: 0,
      createdAt: new Date().toISOString(),
      stats: null,
    };
    this.captures.set(id, rec);
    this.data.set(id, emptyData());
    return { ...rec };
  }

  async updateCapture(id: string, patch: CaptureUpdate): Promise<CaptureRecord | undefined> {
    const rec = this.captures.get(id);
    if (rec === undefined) return undefined;
    applyCaptureUpdate(rec, patch);
    return { ...rec };
  }

  async listCaptures(): Promise<CaptureRecord[]> {
    // Newest first: ids grow, createdAt may tie within a millisecond.
    return [...this.captures.values()].reverse().map((c) => ({ ...c }));
  }

  async getCapture(id: string): Promise<CaptureRecord | undefined> {
    const rec = this.captures.get(id);
    return rec === undefined ? undefined : { ...rec };
  }

  async deleteCapture(id: string): Promise<boolean> {
    this.data.delete(id);
    this.writers.delete(id);
    return this.captures.delete(id);
  }

  async openWriter(captureId: string): Promise<CaptureWriter> {
    if (!this.captures.has(captureId)) throw new Error(`no capture ${captureId}`);
    if (this.writers.has(captureId)) throw new Error(`capture ${captureId} already has a writer`);
    // An analysis starts from nothing (as the SQLite store's): what an earlier one wrote goes first.
    if (this.captures.get(captureId)?.status === 'analyzing') this.data.set(captureId, emptyData());
    this.writers.add(captureId);
    return new MemoryWriter(this, captureId);
  }

  /** The data a writer may change; throws once the capture is gone or the writer ended. */
  dataFor(w: MemoryWriter): Data {
    const d = this.data.get(w.captureId);
    if (d === undefined || !this.writers.has(w.captureId) || w.ended)
      throw new Error(`capture ${w.captureId} is deleted or its writer has ended`);
    d.index = undefined;
    return d;
  }

  endWriter(w: MemoryWriter, patch: CaptureUpdate, drop: boolean): void {
    this.dataFor(w);
    this.writers.delete(w.captureId);
    if (drop) this.data.set(w.captureId, emptyData());
    applyCaptureUpdate(this.captures.get(w.captureId)!, patch);
  }

  async queryCalls(captureId: string, query: CallQuery): Promise<CallPage | undefined> {
    const index = this.indexOf(captureId);
    if (index === undefined) return undefined;
    const sort: CallSortKey = query.sort ?? 'start';
    const order = query.order ?? 'asc';
    const key = `${sort}:${order}`;
    const { offset: _offset, limit: _limit, ...filters } = query;
    const matchKey = JSON.stringify({ ...filters, sort, order });
    let matches = index.matches.get(matchKey);
    if (matches !== undefined) index.matches.delete(matchKey);
    else {
      let sorted = index.sorted.get(key);
      if (sorted === undefined) {
        const cmp = compareCalls(sort, order);
        sorted = index.facts.slice().sort((a, b) => cmp(a.row, b.row));
        index.sorted.set(key, sorted);
      }
      const match = callMatcher(query);
      matches = sorted.filter(match);
      if (matches.length === sorted.length) matches = sorted;
      if (index.matches.size >= KEPT_MATCHES) index.matches.delete(index.matches.keys().next().value!);
    }
    index.matches.set(matchKey, matches);
    const page = pageOf(query);
    return {
      total: matches.length,
      calls: matches.slice(page.offset, page.offset + page.limit).map((f) => f.row),
    };
  }

  async getCall(captureId: string, callId: number): Promise<CallDetail | undefined> {
    const index = this.indexOf(captureId);
    const d = this.data.get(captureId);
    const facts = index?.byId.get(callId);
    if (d === undefined || index === undefined || facts === undefined) return undefined;
    return assembleCallDetail(
      facts.row,
      (m) => d.messages[m]?.row,
      d.transactions,
      d.dialogs,
      index.findingsByCall.get(callId) ?? [],
      index.streamsByCall.get(callId) ?? [],
    );
  }

  async getMessage(captureId: string, messageId: number): Promise<StoredMessage | undefined> {
    const m = this.data.get(captureId)?.messages[messageId];
    if (m === undefined) return undefined;
    if (m.raw.length === 0 && m.fileRange !== undefined) {
      // Given by place only: read from the capture file (empty when it is gone or changed).
      const c = this.captures.get(captureId);
      const path = c === undefined ? undefined : messageFilePath(c, m.row.file);
      return { row: m.row, raw: path === undefined ? new Uint8Array(0) : await readRange(path, m.fileRange) };
    }
    return { row: m.row, raw: m.raw };
  }

  async findings(captureId: string, filter: FindingFilter = {}): Promise<Finding[] | undefined> {
    const d = this.data.get(captureId);
    if (d === undefined) return undefined;
    const rule = filter.rule;
    const found = d.findings.filter(
      (f) =>
        (filter.call === undefined || f.call === filter.call) &&
        (filter.message === undefined || f.messages.includes(filter.message)) &&
        ruleMatches(f.rule, rule),
    );
    return filter.perRule === undefined ? found : firstPerRule(found, filter.perRule);
  }

  async findingCounts(captureId: string): Promise<FindingCount[] | undefined> {
    const d = this.data.get(captureId);
    return d === undefined ? undefined : countFindings(d.findings);
  }

  async stats(captureId: string): Promise<CaptureStatsView | undefined> {
    const d = this.data.get(captureId);
    const index = this.indexOf(captureId);
    if (d === undefined || index === undefined) return undefined;
    const calls = new CallTally();
    const counts = new MessageCounts();
    for (const m of d.messages) {
      if (m === undefined) continue;
      if (m.row.method !== undefined) counts.request(m.row.method);
      else if (m.row.status !== undefined) counts.response(m.row.status);
    }
    for (const { row } of index.facts) calls.add(row);
    return { requests: counts.requests(), responses: counts.responses(), ...calls.view() };
  }

  async callFrames(captureId: string, callId: number): Promise<number[] | undefined> {
    const d = this.data.get(captureId);
    const call = d?.calls.get(callId);
    if (d === undefined || call === undefined) return undefined;
    const frames = new Set<number>();
    for (const m of call.messages) {
      const row = d.messages[m]?.row;
      if (row !== undefined) addFrames(frames, row);
    }
    return sortedFrames(frames);
  }

  async callsFrames(captureId: string, query: CallQuery): Promise<CallsFrames | undefined> {
    const d = this.data.get(captureId);
    const index = this.indexOf(captureId);
    if (d === undefined || index === undefined) return undefined;
    const match = callMatcher(query);
    const frames = new Set<number>();
    const streams: MediaSpan[] = [];
    const tls = new TlsConnections();
    let calls = 0;
    for (const f of index.facts) {
      if (!match(f)) continue;
      calls++;
      for (const m of f.row.messages) {
        const row = d.messages[m]?.row;
        if (row !== undefined) addMessageFrames(frames, tls, row);
      }
      for (const st of index.streamsByCall.get(f.row.id) ?? []) streams.push(mediaSpan(st));
    }
    return { calls, frames: sortedFrames(frames), streams, connections: tls.list() };
  }

  async close(): Promise<void> {
    this.captures.clear();
    this.data.clear();
    this.writers.clear();
  }

  private indexOf(captureId: string): Index | undefined {
    const d = this.data.get(captureId);
    if (d === undefined) return undefined;
    d.index ??= buildIndex(d);
    return d.index;
  }
}

function emptyData(): Data {
  return {
    messages: [],
    transactions: new Map(),
    dialogs: new Map(),
    calls: new Map(),
    findings: [],
    streams: new Map(),
  };
}

function buildIndex(d: Data): Index {
  const findingsByCall = new Map<number, Finding[]>();
  for (const f of d.findings) {
    if (f.call === null) continue;
    let list = findingsByCall.get(f.call);
    if (list === undefined) findingsByCall.set(f.call, (list = []));
    list.push(f);
  }
  const streamsByCall = new Map<number, RtpStreamRecord[]>();
  for (const st of d.streams.values()) {
    if (st.call === null) continue;
    let list = streamsByCall.get(st.call);
    if (list === undefined) streamsByCall.set(st.call, (list = []));
    list.push(st);
  }
  const facts: CallFacts[] = [];
  const byId = new Map<number, CallFacts>();
  const ids = [...d.calls.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const c = d.calls.get(id)!;
    const fs = findingsByCall.get(id) ?? [];
    let worst: Severity | null = null;
    for (const f of fs) worst = worse(worst, f.severity);
    const row = callRowOf(c, fs.length, worst);
    const methods = new Set<string>();
    const agents = new Set<string>();
    for (const m of c.messages) {
      const msg = d.messages[m];
      if (msg === undefined) continue;
      if (msg.row.method !== undefined) methods.add(msg.row.method);
      if (msg.agent !== null) agents.add(msg.agent);
    }
    const f: CallFacts = { row, methods: [...methods], text: searchText(row, agents) };
    facts.push(f);
    byId.set(id, f);
  }
  return { facts, byId, findingsByCall, streamsByCall, sorted: new Map(), matches: new Map() };
}

class MemoryWriter implements CaptureWriter {
  ended = false;

  constructor(
    private readonly store: MemoryStore,
    readonly captureId: string,
  ) {}

  async addMessages(batch: readonly MessageInput[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const m of batch) d.messages[m.row.id] = m;
  }

  async updateMessages(batch: readonly MessageUpdate[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const u of batch) {
      const m = d.messages[u.id];
      if (m !== undefined) d.messages[u.id] = { ...m, row: { ...m.row, call: u.call, dialog: u.dialog } };
    }
  }

  async addTransactions(batch: readonly TransactionRow[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const t of batch) d.transactions.set(t.id, t);
  }

  async addDialogs(batch: readonly DialogRow[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const x of batch) d.dialogs.set(x.id, x);
  }

  async addCalls(batch: readonly CallJson[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const c of batch) d.calls.set(c.id, c);
  }

  async addFindings(batch: readonly Finding[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const f of batch) d.findings.push(f);
  }

  async addStreams(batch: readonly RtpStreamRecord[]): Promise<void> {
    const d = this.store.dataFor(this);
    for (const st of batch) d.streams.set(st.id, st);
  }

  async finish(stats: AnalysisStats, source?: CaptureSource, warnings?: string[]): Promise<void> {
    this.store.endWriter(this, { status: 'ready', progress: 1, error: null, stats, source, warnings }, false);
    this.ended = true;
  }

  async fail(error: string): Promise<void> {
    this.store.endWriter(this, { status: 'failed', error, stats: null }, true);
    this.ended = true;
  }
}
