/**
 * The SQL of a live capture's write-through (live-persist.ts): a call the
 * live pipeline handed out as over is written to the SQLite store with its
 * messages (their bytes as a blob: there is no capture file to read them
 * back from), transactions, dialogs and findings, in the tables an analysis
 * fills (sqlite-schema.ts), so the capture reads like any other once it is
 * no longer live; a call the rolling window evicts is deleted again, so the
 * disk copy stays the size of the window. Each batch is one transaction.
 *
 * A call is always written whole: what an earlier write of it left is
 * deleted first (a late retransmission makes the window hand it out again),
 * so writing twice never doubles a row.
 */
import type Database from 'better-sqlite3';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { CallJson, Finding } from './rows.js';
import {
  callParams,
  MESSAGE_COLUMNS,
  type MessageParams,
  methodsColumn,
  SEVERITY_RANK,
  searchColumns,
} from './sqlite-rows.js';

/** One ended call as posted to the writer (cheap to copy to a thread: text, numbers, bytes). */
export interface PersistCall {
  id: number;
  /** The call as the JSON contract writes it (CallJson: without findingCount/worstSeverity). */
  json: string;
  /** sqlite-rows.ts `messageParams` of each message, raw bytes included; `cap` is set by the writer. */
  messages: MessageParams[];
  transactions: Array<[number, string]>;
  dialogs: Array<[number, string]>;
  findings: Finding[];
  /** Its RTP streams (media/media-tracker.ts). */
  streams: RtpStreamRecord[];
}

/** One batch: calls to write, calls to delete, and the time it was made (ISO 8601). */
export interface PersistOp {
  puts: PersistCall[];
  drops: number[];
  seen: string;
}

/** The capture is gone (deleted by the user): nothing more is written for it. */
export class CaptureGoneError extends Error {
  override name = 'CaptureGoneError';
}

const METHOD = MESSAGE_COLUMNS.indexOf('method');
const AGENT = MESSAGE_COLUMNS.indexOf('agent');

/** Writes one live capture's ended calls on a connection (the writer thread's, or the store's own). */
export class LiveRowsWriter {
  private readonly st;
  private seq: number;

  constructor(
    private readonly db: Database.Database,
    readonly cap: number,
  ) {
    const cols = MESSAGE_COLUMNS.join(', ');
    const ids = 'IN (SELECT value FROM json_each(?))';
    this.st = {
      exists: db.prepare('SELECT 1 FROM captures WHERE n = ?').pluck(),
      seen: db.prepare('UPDATE captures SET live_seen = ? WHERE n = ?'),
      oldJson: db.prepare('SELECT json FROM call_json WHERE cap = ? AND id = ?').pluck(),
      oldRefs: db.prepare(`SELECT tx, dialog FROM messages WHERE cap = ? AND id ${ids}`),
      delMessages: db.prepare(`DELETE FROM messages WHERE cap = ? AND id ${ids}`),
      delTransactions: db.prepare(`DELETE FROM transactions WHERE cap = ? AND id ${ids}`),
      delDialogs: db.prepare(`DELETE FROM dialogs WHERE cap = ? AND id ${ids}`),
      delFindings: db.prepare('DELETE FROM findings WHERE cap = ? AND call = ?'),
      delStreams: db.prepare('DELETE FROM streams WHERE cap = ? AND call = ?'),
      stream: db.prepare('INSERT OR REPLACE INTO streams (cap, id, call, json) VALUES (?, ?, ?, ?)'),
      delCall: ['calls', 'call_json', 'call_search', 'call_texts'].map((t) =>
        db.prepare(`DELETE FROM ${t} WHERE cap = ? AND id = ?`),
      ),
      message: db.prepare(
        `INSERT OR REPLACE INTO messages (${cols}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})`,
      ),
      transaction: db.prepare('INSERT OR REPLACE INTO transactions (cap, id, json) VALUES (?, ?, ?)'),
      dialog: db.prepare('INSERT OR REPLACE INTO dialogs (cap, id, json) VALUES (?, ?, ?)'),
      call: db.prepare(
        `INSERT OR REPLACE INTO calls (cap, id, kind, state, start, from_l, to_l, duration_ms, pdd_ms, setup_ms,
           msg_count, methods, complete, finding_count, worst) VALUES (${Array(15).fill('?').join(', ')})`,
      ),
      callJson: db.prepare('INSERT OR REPLACE INTO call_json (cap, id, json) VALUES (?, ?, ?)'),
      search: db.prepare('INSERT OR REPLACE INTO call_search (cap, id, lower) VALUES (?, ?, ?)'),
      texts: db.prepare('INSERT OR REPLACE INTO call_texts (cap, id, texts) VALUES (?, ?, ?)'),
      finding: db.prepare(
        'INSERT INTO findings (cap, seq, call, rule, severity, messages, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      nextSeq: db.prepare('SELECT coalesce(max(seq) + 1, 0) FROM findings WHERE cap = ?').pluck(),
    };
    this.seq = this.st.nextSeq.get(cap) as number;
  }

  /** Writes one batch in one transaction; throws CaptureGoneError once the capture is deleted. */
  write(op: PersistOp): void {
    this.db
      .transaction(() => {
        if (this.st.exists.get(this.cap) === undefined)
          throw new CaptureGoneError(`capture c${this.cap} is deleted`);
        for (const id of op.drops) this.drop(id);
        for (const c of op.puts) this.put(c);
        this.st.seen.run(op.seen, this.cap);
      })
      .immediate();
  }

  /** Deletes every row a call left (its messages, transactions, dialogs, findings, call rows). */
  private drop(id: number): void {
    const old = this.st.oldJson.get(this.cap, id) as string | undefined;
    if (old !== undefined) {
      const c = JSON.parse(old) as Pick<CallJson, 'messages' | 'transactions' | 'dialogs'>;
      const msgIds = JSON.stringify(c.messages);
      const txs = new Set<number>(c.transactions);
      const dialogs = new Set<number>(c.dialogs);
      for (const r of this.st.oldRefs.all(this.cap, msgIds) as Array<{
        tx: number | null;
        dialog: number | null;
      }>) {
        if (r.tx !== null) txs.add(r.tx);
        if (r.dialog !== null) dialogs.add(r.dialog);
      }
      this.st.delMessages.run(this.cap, msgIds);
      this.st.delTransactions.run(this.cap, JSON.stringify([...txs]));
      this.st.delDialogs.run(this.cap, JSON.stringify([...dialogs]));
    }
    this.st.delFindings.run(this.cap, id);
    this.st.delStreams.run(this.cap, id);
    for (const d of this.st.delCall) d.run(this.cap, id);
  }

  private put(c: PersistCall): void {
    this.drop(c.id);
    const row = JSON.parse(c.json) as CallJson;
    const methods = new Set<string>();
    const agents = new Set<string>();
    for (const p of c.messages) {
      p[0] = this.cap;
      this.st.message.run(p);
      if (typeof p[METHOD] === 'string') methods.add(p[METHOD]);
      if (typeof p[AGENT] === 'string') agents.add(p[AGENT]);
    }
    for (const [id, json] of c.transactions) this.st.transaction.run(this.cap, id, json);
    for (const [id, json] of c.dialogs) this.st.dialog.run(this.cap, id, json);
    let worst = 0;
    for (const f of c.findings) {
      const rank = SEVERITY_RANK[f.severity] ?? 0;
      worst = Math.max(worst, rank);
      this.st.finding.run(
        this.cap,
        this.seq++,
        c.id,
        f.rule,
        rank,
        `,${f.messages.join(',')},`,
        JSON.stringify(f),
      );
    }
    for (const st of c.streams) this.st.stream.run(this.cap, st.id, c.id, JSON.stringify(st));
    const complete = c.messages.length === row.messages.length;
    this.st.call.run(
      ...callParams(this.cap, row, methodsColumn(methods), complete),
      c.findings.length,
      worst,
    );
    this.st.callJson.run(this.cap, c.id, c.json);
    const { lower, texts } = searchColumns(row, agents);
    this.st.search.run(this.cap, c.id, lower);
    this.st.texts.run(this.cap, c.id, texts);
  }
}

/** When live capture `cap` last wrote through (ISO 8601), undefined when it never did. */
export function liveSeenAt(db: Database.Database, cap: number): string | undefined {
  const v = db.prepare('SELECT live_seen FROM captures WHERE n = ?').pluck().get(cap) as
    | string
    | null
    | undefined;
  return v ?? undefined;
}
