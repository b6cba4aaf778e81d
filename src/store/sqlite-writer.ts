/**
 * The CaptureWriter of the SQLite store: each batch is one transaction of
 * prepared inserts. A batch first checks that its capture still exists (a
 * delete from this or another connection ends the writer: the next batch
 * throws, and no row lands after the delete).
 *
 * The call list needs per call what its messages say (the methods of its
 * requests, the User-Agents for the search): the writer sums that up per call
 * as messages arrive (bounded), and reads it back from the stored messages
 * when a call comes before its messages were summed; a call written before
 * all of its messages is marked incomplete and redone by `finish`.
 */
import type Database from 'better-sqlite3';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { parsedRow, rowJson } from './row-json.js';
import type { AnalysisStats, CallJson, DialogRow, Finding, TransactionRow } from './rows.js';
import {
  callParams,
  MESSAGE_COLUMNS,
  type MessageParams,
  messageParams,
  methodsColumn,
  SEVERITY_RANK,
  searchColumns,
} from './sqlite-rows.js';
import type { CaptureSource, CaptureWriter, MessageInput, MessageUpdate, RecordKind } from './store.js';

/** Positions in `messageParams` (sqlite-rows.ts MESSAGE_COLUMNS). */
const METHOD = MESSAGE_COLUMNS.indexOf('method');
const CALL = MESSAGE_COLUMNS.indexOf('call');
const AGENT = MESSAGE_COLUMNS.indexOf('agent');

/** Calls whose message summaries the writer holds at most; past it, summaries are read back from the database. */
export const MAX_SUMMARIES = 100_000;

interface CallSummary {
  messages: number;
  /** Distinct, in order of first sight (lists: a call has a few; a Set costs several times the memory). */
  methods: string[];
  agents: string[];
}

const newSummary = (): CallSummary => ({ messages: 0, methods: [], agents: [] });

/** One more message of the call: its method and user agent counted once each. */
function addToSummary(s: CallSummary, method: string | null, agent: string | null): void {
  s.messages++;
  if (method !== null && !s.methods.includes(method)) s.methods.push(method);
  if (agent !== null && !s.agents.includes(agent)) s.agents.push(agent);
}

/** What the store lends its writers. */
export interface WriterHost {
  readonly db: Database.Database;
  /** The writer ended (finished, failed, or its capture was deleted here). */
  writerEnded(w: SqliteWriter): boolean;
  endWriter(w: SqliteWriter): void;
  /** Deletes every row of the capture's analysis, in chunks (yields between them). */
  dropRows(cap: number): Promise<void>;
  /** Sorts the capture's call list ahead for its queries (sqlite-call-orders.ts); false when it is not. */
  sortCallsAhead(cap: number): boolean;
}

export function prepareWriterStatements(db: Database.Database) {
  const cols = MESSAGE_COLUMNS.join(', ');
  return {
    exists: db.prepare('SELECT 1 FROM captures WHERE n = ?').pluck(),
    message: db.prepare(
      `INSERT OR REPLACE INTO messages (${cols}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})`,
    ),
    updateMessage: db.prepare('UPDATE messages SET call = ?, dialog = ? WHERE cap = ? AND id = ?'),
    transaction: db.prepare('INSERT OR REPLACE INTO transactions (cap, id, json) VALUES (?, ?, ?)'),
    dialog: db.prepare('INSERT OR REPLACE INTO dialogs (cap, id, json) VALUES (?, ?, ?)'),
    // A call given again replaces its row but keeps the finding counts the findings made.
    call: db.prepare(
      `INSERT INTO calls (cap, id, kind, state, start, from_l, to_l, duration_ms, pdd_ms, setup_ms, msg_count, methods, complete, finding_count, worst)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         (SELECT count(*) FROM findings WHERE cap = ? AND call = ?),
         (SELECT coalesce(max(severity), 0) FROM findings WHERE cap = ? AND call = ?))
       ON CONFLICT (cap, id) DO UPDATE SET kind = excluded.kind, state = excluded.state, start = excluded.start,
         from_l = excluded.from_l, to_l = excluded.to_l, duration_ms = excluded.duration_ms,
         pdd_ms = excluded.pdd_ms, setup_ms = excluded.setup_ms, msg_count = excluded.msg_count,
         methods = excluded.methods, complete = excluded.complete`,
    ),
    callJson: db.prepare('INSERT OR REPLACE INTO call_json (cap, id, json) VALUES (?, ?, ?)'),
    search: db.prepare('INSERT OR REPLACE INTO call_search (cap, id, lower) VALUES (?, ?, ?)'),
    texts: db.prepare('INSERT OR REPLACE INTO call_texts (cap, id, texts) VALUES (?, ?, ?)'),
    summary: db.prepare(
      'SELECT method, agent FROM messages WHERE cap = ? AND id IN (SELECT value FROM json_each(?))',
    ),
    incomplete: db
      .prepare(
        'SELECT j.json FROM calls c JOIN call_json j ON j.cap = c.cap AND j.id = c.id WHERE c.cap = ? AND c.complete = 0',
      )
      .pluck(),
    finding: db.prepare(
      'INSERT INTO findings (cap, seq, call, rule, severity, messages, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    findingCall: db.prepare(
      'UPDATE calls SET finding_count = finding_count + 1, worst = max(worst, ?) WHERE cap = ? AND id = ?',
    ),
    stream: db.prepare('INSERT OR REPLACE INTO streams (cap, id, call, json) VALUES (?, ?, ?, ?)'),
    nextSeq: db.prepare('SELECT coalesce(max(seq) + 1, 0) FROM findings WHERE cap = ?').pluck(),
    end: db.prepare(
      'UPDATE captures SET status = ?, progress = ?, error = ?, stats = ?, source = coalesce(?, source), warnings = coalesce(?, warnings) WHERE n = ?',
    ),
  };
}

export type WriterStatements = ReturnType<typeof prepareWriterStatements>;

export class SqliteWriter implements CaptureWriter {
  private readonly summaries = new Map<number, CallSummary>();
  private seq: number;

  constructor(
    private readonly host: WriterHost,
    private readonly st: WriterStatements,
    readonly captureId: string,
    readonly cap: number,
  ) {
    this.seq = st.nextSeq.get(cap) as number;
  }

  /** Runs `fn` in one write transaction after checking that the writer may still write. */
  private batch(fn: () => void): void {
    if (this.host.writerEnded(this))
      throw new Error(`capture ${this.captureId} is deleted or its writer has ended`);
    this.host.db
      .transaction(() => {
        if (this.st.exists.get(this.cap) === undefined) {
          this.host.endWriter(this);
          throw new Error(`capture ${this.captureId} is deleted`);
        }
        fn();
      })
      .immediate();
  }

  async addMessages(batch: readonly MessageInput[]): Promise<void> {
    this.addMessageParams(batch.map((m) => messageParams(this.cap, m)));
  }

  /** Messages as `messageParams` made them (the writer thread gets these: cheap to post). */
  addMessageParams(batch: readonly MessageParams[]): void {
    this.batch(() => {
      for (const p of batch) {
        p[0] = this.cap;
        this.st.message.run(p);
        this.summarise(p[CALL] as number | null, p[METHOD] as string | null, p[AGENT] as string | null);
      }
    });
  }

  private summarise(call: number | null, method: string | null, agent: string | null): void {
    if (call === null) return;
    let s = this.summaries.get(call);
    if (s === undefined) {
      if (this.summaries.size >= MAX_SUMMARIES) this.summaries.clear();
      s = newSummary();
      this.summaries.set(call, s);
    }
    addToSummary(s, method, agent);
  }

  async updateMessages(batch: readonly MessageUpdate[]): Promise<void> {
    this.batch(() => {
      for (const u of batch) this.st.updateMessage.run(u.call, u.dialog, this.cap, u.id);
    });
  }

  async addTransactions(batch: readonly TransactionRow[]): Promise<void> {
    this.addJson(
      'transactions',
      batch.map((t) => [t.id, rowJson(t)]),
    );
  }

  async addDialogs(batch: readonly DialogRow[]): Promise<void> {
    this.addJson(
      'dialogs',
      batch.map((d) => [d.id, rowJson(d)]),
    );
  }

  /** Transactions or dialogs as [id, JSON text]. */
  addJson(kind: 'transactions' | 'dialogs', batch: ReadonlyArray<readonly [number, string]>): void {
    const st = kind === 'transactions' ? this.st.transaction : this.st.dialog;
    this.batch(() => {
      for (const [id, json] of batch) st.run(this.cap, id, json);
    });
  }

  async addCalls(batch: readonly CallJson[]): Promise<void> {
    this.batch(() => {
      for (const c of batch) this.writeCall(c);
    });
  }

  async addRecordsJson(kind: RecordKind, batch: ReadonlyArray<readonly [number, string]>): Promise<void> {
    if (kind === 'calls') this.addCallsJson(batch.map(([, json]) => json));
    else this.addJson(kind, batch);
  }

  /** Calls as their JSON text. */
  addCallsJson(batch: readonly string[]): void {
    this.batch(() => {
      for (const json of batch) this.writeCall(parsedRow<CallJson>(json));
    });
  }

  private writeCall(c: CallJson): void {
    let s = this.summaries.get(c.id);
    if (s !== undefined) this.summaries.delete(c.id);
    if (s === undefined || s.messages !== c.messages.length) s = this.readSummary(c);
    const complete = s.messages === c.messages.length;
    this.st.call.run(
      callParams(this.cap, c, methodsColumn(s.methods), complete),
      this.cap,
      c.id,
      this.cap,
      c.id,
    );
    this.st.callJson.run(this.cap, c.id, rowJson(c));
    const { lower, texts } = searchColumns(c, s.agents);
    this.st.search.run(this.cap, c.id, lower);
    this.st.texts.run(this.cap, c.id, texts);
  }

  /** The summary of a call's messages from the stored messages. */
  private readSummary(c: CallJson): CallSummary {
    const s = newSummary();
    const rows = this.st.summary.all(this.cap, JSON.stringify(c.messages)) as Array<{
      method: string | null;
      agent: string | null;
    }>;
    for (const r of rows) addToSummary(s, r.method, r.agent);
    return s;
  }

  async addFindings(batch: readonly Finding[]): Promise<void> {
    this.batch(() => {
      for (const f of batch) {
        const rank = SEVERITY_RANK[f.severity] ?? 0;
        this.st.finding.run(
          this.cap,
          this.seq++,
          f.call,
          f.rule,
          rank,
          `,${f.messages.join(',')},`,
          JSON.stringify(f),
        );
        if (f.call !== null) this.st.findingCall.run(rank, this.cap, f.call);
      }
    });
  }

  async addStreams(batch: readonly RtpStreamRecord[]): Promise<void> {
    this.addStreamsJson(batch.map((st) => [st.id, st.call, JSON.stringify(st)]));
  }

  /** Streams as [id, call, JSON text] (what the writer thread posts). */
  addStreamsJson(batch: ReadonlyArray<readonly [number, number | null, string]>): void {
    this.batch(() => {
      for (const [id, call, json] of batch) this.st.stream.run(this.cap, id, call, json);
    });
  }

  async finish(stats: AnalysisStats, source?: CaptureSource, warnings?: string[]): Promise<void> {
    this.batch(() => {
      // Calls written before some of their messages: their summaries again, now that all are in.
      for (const json of this.st.incomplete.all(this.cap) as string[]) {
        this.summaries.clear();
        this.writeCall(parsedRow<CallJson>(json));
      }
      this.summaries.clear();
      // In the same transaction: a reader sees the capture ready with its list sorted, never without.
      this.host.sortCallsAhead(this.cap);
      this.st.end.run(
        'ready',
        1,
        null,
        JSON.stringify(stats),
        source ? JSON.stringify(source) : null,
        warnings ? JSON.stringify(warnings) : null,
        this.cap,
      );
      this.host.endWriter(this);
    });
    this.summaries.clear();
  }

  async fail(error: string): Promise<void> {
    this.batch(() => {
      this.st.end.run('failed', 0, error, null, null, null, this.cap);
      this.host.endWriter(this);
    });
    this.summaries.clear();
    await this.host.dropRows(this.cap);
  }
}
