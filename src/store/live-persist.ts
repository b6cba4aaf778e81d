/**
 * A live capture's rolling window (window.ts) written through to the SQLite
 * store, so that a restart — clean or a kill -9 — does not lose it (issue 7):
 *
 * - every call that has ended — it shows an outcome (window.ts), or the
 *   live pipeline handed it out as over — is written with its messages
 *   (bytes included), transactions, dialogs and findings, as the window
 *   holds them; written again, whole, when something comes for it later (a
 *   retransmission, its final records 32 s on, a late finding);
 * - every call the window evicts is deleted from disk too, so the disk copy
 *   stays the size of the window however long the capture runs;
 * - calls still in progress are not written: a kill loses them (a clean
 *   stop hands every call out as over first, so it loses none);
 * - each batch stamps the time (`live_seen`): after a kill, when the
 *   capture was interrupted, to within `heartbeatMs`.
 *
 * Off the hot path: the window only tells which calls changed (a set of
 * ids); every `flushMs` one batch is built from what the window holds then
 * and handed to the sink (a writer thread, live-persist-thread.ts, or the
 * store's own connection), one batch at a time. Bounded (DESIGN.md
 * convention 15): at most `maxQueue` calls wait to be written; a call that
 * ends while the queue is full is not written (counted in `droppedCalls`,
 * /metrics `sipscope_live_persist_dropped_total`) and stays in the window
 * only. The window stays the read path while the capture is live.
 */
import type Database from 'better-sqlite3';
import type { PersistCounters } from './live-info.js';
import { LiveRowsWriter, type PersistCall, type PersistOp } from './live-persist-sql.js';
import { type MessageParams, messageParams } from './sqlite-rows.js';
import type { RollingWindow } from './window.js';

export type { PersistCounters };

/** Where batches go; `write` resolves once the batch is on disk. */
export interface PersistSink {
  write(op: PersistOp): Promise<void>;
  close(): Promise<void>;
}

export interface LivePersistOptions {
  /** Milliseconds between batches (default 500). */
  flushMs?: number;
  /** Calls (to write or to delete) waiting at most; past it a call that ends is not written (default 20,000). */
  maxQueue?: number;
  /** Calls per batch at most (default 500). */
  maxBatch?: number;
  /** Milliseconds between time stamps when there is nothing to write (default 5,000). */
  heartbeatMs?: number;
}

const DEFAULTS = { flushMs: 500, maxQueue: 20_000, maxBatch: 500, heartbeatMs: 5_000 };

export class LivePersister {
  private readonly o: Required<LivePersistOptions>;
  /** Ended calls to (re)write. */
  private readonly pending = new Set<number>();
  /** Calls on disk the window evicted: to delete. */
  private readonly drops = new Set<number>();
  private readonly onDisk = new Set<number>();
  private busy: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null;
  private lastMs = 0;
  private closed = false;
  private readonly c: Omit<PersistCounters, 'queued' | 'onDisk'> = {
    writtenCalls: 0,
    deletedCalls: 0,
    droppedCalls: 0,
    droppedDeletes: 0,
    batches: 0,
    lastWrite: null,
    error: null,
  };

  constructor(
    private readonly window: RollingWindow,
    private readonly sink: PersistSink,
    opts: LivePersistOptions = {},
  ) {
    this.o = { ...DEFAULTS, ...opts };
    window.observer = { ended: (id) => this.ended(id), evicted: (id) => this.evicted(id) };
    this.timer = setInterval(() => void this.flush(), this.o.flushMs);
    this.timer.unref();
  }

  counters(): PersistCounters {
    return { ...this.c, queued: this.pending.size + this.drops.size, onDisk: this.onDisk.size };
  }

  private stopped(): boolean {
    return this.closed || this.c.error !== null;
  }

  private ended(id: number): void {
    if (this.stopped() || this.pending.has(id)) return;
    if (this.pending.size + this.drops.size >= this.o.maxQueue) {
      this.c.droppedCalls++;
      return;
    }
    this.pending.add(id);
  }

  private evicted(id: number): void {
    this.pending.delete(id);
    if (this.stopped() || !this.onDisk.delete(id)) return;
    if (this.pending.size + this.drops.size >= this.o.maxQueue) this.c.droppedDeletes++;
    else this.drops.add(id);
  }

  /** Writes what is queued, a batch at a time; resolves when the queue is empty (or writing failed). */
  flush(): Promise<void> {
    this.busy ??= this.drain().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async drain(): Promise<void> {
    const heartbeat = Date.now() - this.lastMs >= this.o.heartbeatMs;
    if (this.c.error !== null || (this.pending.size === 0 && this.drops.size === 0 && !heartbeat)) return;
    do {
      const op = this.take();
      try {
        await this.sink.write(op);
      } catch (e) {
        this.c.error =
          (e as Error).name === 'CaptureGoneError'
            ? (e as Error).message
            : `writing the live capture to disk failed: ${(e as Error).message}`;
        this.pending.clear();
        this.drops.clear();
        return;
      }
      this.lastMs = Date.now();
      this.c.batches++;
      this.c.lastWrite = op.seen;
      this.c.writtenCalls += op.puts.length;
      this.c.deletedCalls += op.drops.length;
    } while (this.pending.size > 0 || this.drops.size > 0);
  }

  /** The next batch: every delete queued, and up to maxBatch calls as the window holds them now. */
  private take(): PersistOp {
    const drops = [...this.drops];
    this.drops.clear();
    const puts: PersistCall[] = [];
    for (const id of this.pending) {
      if (puts.length >= this.o.maxBatch) break;
      this.pending.delete(id);
      const call = this.snapshot(id);
      if (call === undefined) continue;
      puts.push(call);
      this.onDisk.add(id);
    }
    return { puts, drops, seen: new Date().toISOString() };
  }

  /** A held call with everything in it, ready to post; undefined when the window no longer has it. */
  private snapshot(id: number): PersistCall | undefined {
    const d = this.window.getCall(id);
    if (d === undefined) return undefined;
    const { findingCount: _n, worstSeverity: _w, ...call } = d.call;
    const messages: MessageParams[] = [];
    for (const r of d.messages) {
      const m = this.window.heldMessage(r.id);
      if (m !== undefined) messages.push(messageParams(0, m));
    }
    return {
      id,
      json: JSON.stringify(call),
      messages,
      transactions: d.transactions.map((t) => [t.id, JSON.stringify(t)]),
      dialogs: d.dialogs.map((x) => [x.id, JSON.stringify(x)]),
      findings: d.findings,
      streams: d.streams,
    };
  }

  /**
   * Stops writing through. `flush` (a clean stop): what is queued is
   * written first, with a last time stamp; otherwise (the capture was
   * deleted) it is dropped. Then the sink is closed.
   */
  async close(flush: boolean): Promise<void> {
    if (this.closed) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.window.observer !== null) this.window.observer = null;
    if (flush) {
      await this.busy;
      this.lastMs = 0;
      await this.flush();
    } else {
      this.pending.clear();
      this.drops.clear();
      await this.busy;
    }
    this.closed = true;
    await this.sink.close();
  }
}

/** Writes batches on a connection of this thread (the store's own: `:memory:` databases, tests). */
export function sqliteSink(db: Database.Database, cap: number): PersistSink {
  const w = new LiveRowsWriter(db, cap);
  return {
    write: async (op) => w.write(op),
    close: async () => {},
  };
}
