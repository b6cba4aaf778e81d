/**
 * A CaptureWriter whose SQLite work runs on a thread of its own
 * (sqlite-writer-worker.ts, on its own connection to the database file), so
 * that an analysis and its inserts run side by side on two cores instead of
 * one after the other.
 *
 * What crosses to the thread is cheap to copy: messages as flat parameter
 * arrays (sqlite-rows.ts `messageParams`; packed by hand into transferred
 * buffers they cost the analysis thread more, see the README's "Big
 * captures"), transactions, dialogs and calls as their JSON bytes
 * (json-records.ts: the texts are made on the thread), RTP streams as their
 * JSON text. At most `maxInFlight` batches (default 16) are unacknowledged:
 * a slow disk holds the analysis back instead of queueing the capture in
 * memory. An error on the thread (the capture was
 * deleted, the disk is full) makes the next call reject with it.
 */
import type { Worker } from 'node:worker_threads';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { startModuleWorker } from '../worker-start.js';
import type { JsonRecords, PackedJson } from './json-records.js';
import { rowJson } from './row-json.js';
import type { AnalysisStats, CallJson, DialogRow, Finding, TransactionRow } from './rows.js';
import { messageParams } from './sqlite-rows.js';
import type { CaptureSource, CaptureWriter, MessageInput, MessageUpdate, RecordKind } from './store.js';

export interface WriterThreadOptions {
  /** The database file (not `:memory:`: the thread opens its own connection). */
  db: string;
  captureId: string;
  /**
   * Batches posted and not yet written (default 16). One flush of
   * analyze-to-store.ts posts up to seven (messages, updates, transactions,
   * dialogs, calls, findings, streams): with 4, each flush waited for the thread to
   * finish the previous one (8 s of 54 at 200,000 calls); 16 lets the thread
   * absorb bursts, still bounding what is queued to ~3 flushes.
   */
  maxInFlight?: number;
}

export const DEFAULT_IN_FLIGHT = 16;

/** What the main side posts. */
export type WriterOp =
  | { op: 'messages'; items: unknown[][] }
  | { op: 'updates'; items: number[] }
  | { op: 'transactions' | 'dialogs'; items: ReadonlyArray<readonly [number, string]> }
  /** Transactions, dialogs or calls as JSON bytes (json-records.ts), made texts on the thread. */
  | { op: 'json'; kind: RecordKind; packed: PackedJson }
  | { op: 'calls'; items: string[] }
  | { op: 'findings'; items: Finding[] }
  /** [id, call, JSON text]. */
  | { op: 'streams'; items: Array<[number, number | null, string]> }
  | { op: 'finish'; stats: AnalysisStats; source?: CaptureSource; warnings?: string[] }
  | { op: 'fail'; error: string };

/** What the thread answers: `ready` once, then one `ack` or `error` per op. */
export type WriterReply = { type: 'ready' } | { type: 'ack' } | { type: 'error'; message: string };

/** The thread's heap is bounded: it holds a few batches and the summaries of the calls in progress. */
const LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

function startWorker(data: { db: string; captureId: string }): Worker {
  return startModuleWorker(import.meta.url, 'sqlite-writer-worker', {
    workerData: data,
    resourceLimits: LIMITS,
  });
}

/** Opens a writer for the capture on a new thread; rejects when the thread cannot open it. */
export async function openSqliteWriterThread(opts: WriterThreadOptions): Promise<CaptureWriter> {
  const w = new ThreadWriter(startWorker({ db: opts.db, captureId: opts.captureId }), opts);
  await w.ready;
  return w;
}

class ThreadWriter implements CaptureWriter {
  readonly captureId: string;
  readonly ready: Promise<void>;
  private inFlight = 0;
  private error: Error | undefined;
  private ended = false;
  private exited = false;
  private waiters: Array<() => void> = [];
  private readonly max: number;

  constructor(
    private readonly worker: Worker,
    opts: WriterThreadOptions,
  ) {
    this.captureId = opts.captureId;
    this.max = Math.max(1, opts.maxInFlight ?? DEFAULT_IN_FLIGHT);
    let opened!: () => void;
    let refused!: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      opened = res;
      refused = rej;
    });
    let isReady = false;
    worker.on('message', (m: WriterReply) => {
      if (m.type === 'ready') {
        isReady = true;
        opened();
        return;
      }
      if (m.type === 'error') {
        this.error ??= new Error(m.message);
        if (!isReady) {
          refused(this.error);
          return;
        }
      }
      this.inFlight--;
      this.wake();
    });
    worker.on('error', (e) => {
      this.error ??= e;
      if (!isReady) refused(e);
      this.wake();
    });
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.ended) this.error ??= new Error(`the SQLite writer thread exited (code ${code})`);
      if (!isReady) refused(this.error ?? new Error('the SQLite writer thread exited'));
      this.inFlight = 0;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private check(): void {
    if (this.error !== undefined) throw this.error;
    if (this.ended) throw new Error(`capture ${this.captureId}: the writer has ended`);
  }

  /** Posts one op (its buffers in `transfer` are moved, not copied); waits while too many are unacknowledged. */
  private async post(op: WriterOp, transfer?: ArrayBuffer[]): Promise<void> {
    this.check();
    this.inFlight++;
    this.worker.postMessage(op, transfer);
    while (this.inFlight >= this.max && this.error === undefined && !this.exited)
      await new Promise<void>((r) => this.waiters.push(r));
    this.check();
  }

  /** Waits for every op to be written. */
  private async drain(): Promise<void> {
    while (this.inFlight > 0 && !this.exited) await new Promise<void>((r) => this.waiters.push(r));
  }

  private async end(last: WriterOp): Promise<void> {
    this.check();
    this.inFlight++;
    this.worker.postMessage(last);
    await this.drain();
    this.ended = true;
    await this.worker.terminate();
    if (this.error !== undefined) throw this.error;
  }

  addMessages(batch: readonly MessageInput[]): Promise<void> {
    return this.post({ op: 'messages', items: batch.map((m) => messageParams(0, m)) });
  }

  updateMessages(batch: readonly MessageUpdate[]): Promise<void> {
    const items: number[] = [];
    for (const u of batch) items.push(u.id, u.call ?? -1, u.dialog ?? -1);
    return this.post({ op: 'updates', items });
  }

  addTransactions(batch: readonly TransactionRow[]): Promise<void> {
    return this.post({ op: 'transactions', items: batch.map((t) => [t.id, rowJson(t)]) });
  }

  addDialogs(batch: readonly DialogRow[]): Promise<void> {
    return this.post({ op: 'dialogs', items: batch.map((d) => [d.id, rowJson(d)]) });
  }

  addCalls(batch: readonly CallJson[]): Promise<void> {
    return this.post({ op: 'calls', items: batch.map((c) => rowJson(c)) });
  }

  addRecordsJson(kind: RecordKind, batch: ReadonlyArray<readonly [number, string]>): Promise<void> {
    if (kind === 'calls') return this.post({ op: 'calls', items: batch.map(([, json]) => json) });
    // Posted as they are: the clone is the copy (a copy made here was 800,000 arrays at 200,000 calls).
    return this.post({ op: kind, items: batch });
  }

  async addJsonRecords(kind: RecordKind, batch: JsonRecords): Promise<void> {
    const { packed, transfer } = batch.take();
    return this.post({ op: 'json', kind, packed }, transfer);
  }

  addFindings(batch: readonly Finding[]): Promise<void> {
    return this.post({ op: 'findings', items: [...batch] });
  }

  addStreams(batch: readonly RtpStreamRecord[]): Promise<void> {
    return this.post({ op: 'streams', items: batch.map((st) => [st.id, st.call, JSON.stringify(st)]) });
  }

  finish(stats: AnalysisStats, source?: CaptureSource, warnings?: string[]): Promise<void> {
    return this.end({ op: 'finish', stats, source, warnings });
  }

  async fail(error: string): Promise<void> {
    if (this.ended) throw new Error(`capture ${this.captureId}: the writer has ended`);
    // The capture is failing anyway: an earlier error on the thread does not stop the failing.
    this.error = undefined;
    if (this.exited) throw new Error(`capture ${this.captureId}: the SQLite writer thread is gone`);
    await this.end({ op: 'fail', error });
  }
}
