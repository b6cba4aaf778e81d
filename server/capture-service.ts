/**
 * The server's captures: files in the data directory (uploads) or given by
 * path (the bundled samples), each analysed once in a worker and kept in the
 * store. Routes call this; it owns the analysis queue, the events and the
 * counters /metrics shows.
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { type FrameReader, type FrameSource, filesSource } from '../src/capture/frame-source.js';
import { DEFAULT_BATCH_SIZE } from '../src/store/analysis-batches.js';
import { dataDirAt } from '../src/store/data-dir.js';
import { capturePaths } from '../src/store/file-range.js';
import { dataDirUsage, recoverCaptures } from '../src/store/lifecycle.js';
import { liveSeenAt } from '../src/store/live-persist-sql.js';
import { applyRetention, type RetentionPolicy } from '../src/store/retention.js';
import { captureNumber } from '../src/store/sqlite-rows.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { CaptureFileRef, CaptureInfo, CaptureRecord, Store } from '../src/store/store.js';
import { storeBehind } from '../src/store/window-store.js';
import { TlsKeyLog } from '../src/tls/keylog.js';
import { type AnalysisJob, startAnalysisJob } from './analysis-job.js';
import type { TlsKeyFiles } from './analysis-protocol.js';
import {
  type KeyTexts,
  keyFilesOf,
  keysSummary,
  removeKeys,
  removeOrphanKeys,
  saveKeys,
} from './capture-keys.js';
import { EventBatcher, type EventSink } from './event-batcher.js';
import { analysedBefore, newestCodeTime } from './sample-freshness.js';
import { keptShift, shiftsOfBody } from './time-shifts.js';

export interface CaptureServiceOptions {
  store: Store;
  dataDir: string;
  /** Analyses run at once (default 2); the others wait in order. */
  concurrency?: number;
  /** Items per batch written to the store (default DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /** Oldest captures pruned after each analysis and at start (src/store/retention.ts); default none. */
  retention?: RetentionPolicy;
  /** TLS key material every analysis decrypts SIP over TLS with (`serve --tls-keylog/--tls-key`). */
  tls?: TlsKeyFiles;
  /**
   * When the running analysis code was built (ms since the epoch; default:
   * the newest of its files, sample-freshness.ts): an analysis that ended
   * before it is `stale`.
   */
  codeTime?: number;
}

/** Running totals for /metrics. */
export interface ServiceCounters {
  uploads: number;
  uploadBytes: number;
  uploadsRejected: number;
  analysesDone: number;
  analysesFailed: number;
}

/**
 * A capture as the API shows it: the record without its path on disk, and
 * `stale` when it was analysed from a file (not live) before `codeTime` (ms
 * since the epoch; 0: never stale): the code running now may find more;
 * `readInPlace` when `owns` says the server does not own its file.
 */
export function publicInfo(c: CaptureRecord, codeTime = 0, owns?: (path: string) => boolean): CaptureInfo {
  const { path, files, ...info } = c;
  if (c.status === 'ready' && path !== '' && analysedBefore(c, codeTime)) info.stale = true;
  const keys = path === '' ? undefined : keysSummary(path);
  if (keys !== undefined) info.tlsKeys = keys;
  if (path !== '' && owns !== undefined && !owns(path)) info.readInPlace = true;
  return info;
}

/** What `reanalyze` did: the capture queued again, or why not (undefined: no such capture). */
export type Reanalysis = CaptureInfo | 'busy' | 'live' | 'no-file' | undefined;

export class CaptureService {
  readonly store: Store;
  readonly dataDir: string;
  readonly uploadDir: string;
  readonly counters: ServiceCounters = {
    uploads: 0,
    uploadBytes: 0,
    uploadsRejected: 0,
    analysesDone: 0,
    analysesFailed: 0,
  };
  readonly events: EventBatcher;
  private readonly sinks = new Set<EventSink>();
  private readonly queue: Array<{ id: string; name: string }> = [];
  private readonly jobs = new Map<string, AnalysisJob>();
  private readonly waiters = new Map<string, Array<() => void>>();
  /** Captures a `reanalyze` request is settling. */
  private readonly restarting = new Set<string>();
  private readonly concurrency: number;
  private readonly batchSize: number;
  private closed = false;
  private readonly retention: RetentionPolicy | undefined;
  private readonly tls: TlsKeyFiles | undefined;
  /** The store's database file when it is SQLite on disk: the analysis worker writes it directly. */
  private readonly sqliteDb: string | undefined;
  /** When the analysis code was built (`CaptureServiceOptions.codeTime`); 0 until `init` reads it. */
  codeTime = 0;
  /** Live captures whose frames this process keeps (server/live-pcap.ts), by capture id. */
  private readonly keptFrames = new Map<string, FrameReader>();
  private readonly givenCodeTime: number | undefined;

  constructor(opts: CaptureServiceOptions) {
    this.store = opts.store;
    this.dataDir = resolve(opts.dataDir);
    this.uploadDir = join(this.dataDir, 'captures');
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    this.retention = opts.retention;
    this.tls = opts.tls;
    this.givenCodeTime = opts.codeTime;
    const st = storeBehind(opts.store);
    this.sqliteDb = st instanceof SqliteStore && st.file !== ':memory:' ? st.file : undefined;
    this.events = new EventBatcher((event, payload) => {
      for (const s of this.sinks) s(event, payload);
    });
  }

  /**
   * Creates the upload directory, then settles what a previous process left
   * (src/store/lifecycle.ts): captures it was analysing are analysed again
   * (or failed when their file is gone), and applies the retention.
   */
  async init(): Promise<void> {
    await mkdir(this.uploadDir, { recursive: true });
    this.codeTime = this.givenCodeTime ?? (await newestCodeTime());
    const st = storeBehind(this.store);
    const sqlite = st instanceof SqliteStore ? st : undefined;
    const r = await recoverCaptures(this.store, {
      rowStats: sqlite && ((id) => sqlite.rowStats(id)),
      liveSeen: sqlite && (async (id) => liveSeenAt(sqlite.db, captureNumber(id) ?? 0)),
    });
    // Keys whose capture is gone (a stop between the two removals, an in-memory store's captures of an earlier run).
    await removeOrphanKeys(this.uploadDir, new Set((await this.store.listCaptures()).map((c) => c.path)));
    for (const c of r.reanalyse) this.queue.push({ id: c.id, name: c.name });
    this.pump();
    await this.prune();
  }

  /** Applies the retention policy once (a no-op without one). */
  async prune(): Promise<void> {
    const policy = this.retention;
    if (policy === undefined || this.closed) return;
    await applyRetention(policy, {
      list: () => this.store.listCaptures(),
      usage: () => dataDirUsage(dataDirAt(this.dataDir)),
      remove: async (id) => {
        await this.delete(id);
      },
      // Files read in place (the bundled samples) are not ours to prune.
      protect: (c) => c.path !== '' && !this.ownsFile(c.path),
    });
  }

  /** Says where a live capture's frames are kept (`null`: no longer). */
  keepFrames(id: string, reader: FrameReader | null): void {
    if (reader === null) this.keptFrames.delete(id);
    else this.keptFrames.set(id, reader);
  }

  /** Where the capture's frames are read again: its file (files, merged), the frames kept of a live capture, or null. */
  frameSource(c: CaptureRecord): FrameSource | null {
    if (c.path === '') return this.keptFrames.get(c.id) ?? null;
    // Read back with the shifts it was analysed with: the merged order, so the frame numbers, depend on them.
    return filesSource(
      capturePaths(c),
      (c.files ?? []).map((f) => keptShift(f.timeShift)),
    );
  }

  /** Receives every event (socket.io broadcasts them); returns the unsubscribe. */
  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get running(): number {
    return this.jobs.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Registers a capture file (an upload already on disk, or a sample) and
   * queues its analysis; `keys` (an upload's TLS key fields) are kept with it
   * first, so that its first analysis uses them (capture-keys.ts). With
   * `files` (two or more), the capture is those files merged by time
   * (capture/merge-captures.ts): `path` is the first's, `size` all of theirs.
   */
  async add(file: {
    path: string;
    name: string;
    size: number;
    keys?: KeyTexts;
    files?: CaptureFileRef[];
  }): Promise<CaptureInfo> {
    if (file.keys !== undefined) {
      try {
        await saveKeys(file.path, file.keys);
      } catch (e) {
        await removeKeys(file.path);
        for (const p of capturePaths(file)) if (this.ownsFile(p)) await rm(p, { force: true });
        throw e;
      }
    }
    const rec = await this.store.createCapture({
      name: file.name,
      size: file.size,
      path: file.path,
      ...(file.files !== undefined && { files: file.files }),
    });
    const info = publicInfo(rec, 0, this.owns);
    this.events.now(rec.id, 'capture:new', { capture: info });
    this.queue.push({ id: rec.id, name: rec.name });
    this.pump();
    return info;
  }

  /**
   * Analyses a capture's file again, under the same id: after an upgrade
   * brought new rules, or to retry a failed analysis. Its rows are dropped
   * when the new analysis starts; until it ends the capture is `analyzing`.
   * `busy`: it is being analysed (or waits to be); `live`: a live capture
   * has no file; `no-file`: its file is gone. `prepare` runs once the
   * capture may be analysed again, before anything changes (its throw is the
   * caller's, the capture left as it was).
   */
  async reanalyze(id: string, prepare?: (c: CaptureRecord) => Promise<void>): Promise<Reanalysis> {
    // Two requests at once: the second is told it is busy (checked before any await).
    if (this.restarting.has(id) || this.queue.some((x) => x.id === id)) return 'busy';
    this.restarting.add(id);
    try {
      let c = await this.store.getCapture(id);
      // An analysis whose worker wrote its end itself is still being settled here: let it finish.
      if (c !== undefined && c.status !== 'analyzing' && this.jobs.has(id)) {
        await new Promise<void>((r) => this.waitFor(id, r));
        c = await this.store.getCapture(id);
      }
      if (c === undefined) return undefined;
      if (c.status === 'analyzing' || this.isPending(id)) return 'busy';
      if (c.status === 'live') return 'live';
      if (c.path === '' || !capturePaths(c).every((p) => existsSync(p))) return 'no-file';
      await prepare?.(c);
      const again = await this.store.updateCapture(id, {
        status: 'analyzing',
        progress: 0,
        error: null,
        stats: null,
        warnings: [],
      });
      if (again === undefined) return undefined;
      const info = publicInfo(again, 0, this.owns);
      this.events.now(id, 'capture:reanalyze', { capture: info });
      this.queue.push({ id, name: again.name });
      this.pump();
      return info;
    } finally {
      this.restarting.delete(id);
    }
  }

  /**
   * `POST /api/captures/:id/keys`: keeps TLS key material with an uploaded
   * capture and analyses it again with it. Refused (nothing kept) as
   * `reanalyze` refuses, and for a file read in place (a bundled sample):
   * its keys would have no place in the data directory.
   */
  async addKeys(id: string, keys: KeyTexts): Promise<Reanalysis | 'read-in-place'> {
    const c = await this.store.getCapture(id);
    if (c === undefined) return undefined;
    if (c.status === 'live' || c.path === '') return 'live';
    if (!this.ownsFile(c.path)) return 'read-in-place';
    return this.reanalyze(id, (again) => saveKeys(again.path, keys));
  }

  /**
   * `POST /api/captures/:id/time-shift`: a merged capture's files given the
   * time shifts the body asks for (server/time-shifts.ts), kept with it, and
   * the capture analysed again with them. Refused as `reanalyze` refuses,
   * for a capture of one file, and for a body that says no shifts.
   */
  async timeShift(id: string, body: unknown): Promise<Reanalysis | 'one-file' | { invalid: string }> {
    const c = await this.store.getCapture(id);
    if (c === undefined) return undefined;
    if (c.files === undefined) return 'one-file';
    const shifts = shiftsOfBody(body, c);
    if (typeof shifts === 'string') return { invalid: shifts };
    return this.reanalyze(id, async (again) => {
      const files = (again.files ?? []).map(({ timeShift: _, ...f }, k) => {
        const s = shifts[k];
        return s === null || s === undefined ? f : { ...f, timeShift: s };
      });
      await this.store.updateCapture(id, { files });
    });
  }

  /** Resolves once the capture is ready or failed (or gone). */
  async settled(id: string): Promise<CaptureInfo | undefined> {
    const c = await this.store.getCapture(id);
    if (c === undefined || (c.status !== 'analyzing' && !this.isPending(id)))
      return c && publicInfo(c, 0, this.owns);
    await new Promise<void>((r) => this.waitFor(id, r));
    const after = await this.store.getCapture(id);
    return after && publicInfo(after, 0, this.owns);
  }

  /** Forgets the capture, stops its analysis and removes its file when it is an upload. */
  async delete(id: string): Promise<boolean> {
    const c = await this.store.getCapture(id);
    if (c === undefined) return false;
    const q = this.queue.findIndex((x) => x.id === id);
    if (q >= 0) this.queue.splice(q, 1);
    const job = this.jobs.get(id);
    this.jobs.delete(id);
    await job?.cancel();
    await this.store.deleteCapture(id);
    // A stopped live capture's ring (its frame numbers per file) is let go with it.
    this.keptFrames.delete(id);
    if (this.ownsFile(c.path)) {
      // The keys first: stopped in between, the next start removes keys whose capture is gone.
      await removeKeys(c.path);
      // A merged capture's files all: they are one capture's, uploaded together.
      for (const p of capturePaths(c)) if (this.ownsFile(p)) await rm(p, { force: true });
    }
    this.wakeWaiters(id);
    this.events.now(id, 'capture:deleted', { id });
    this.pump();
    return true;
  }

  /**
   * The TLS key log a capture is analysed with (`serve --tls-keylog` and the
   * keys uploaded with it), read again now: what reads a DTLS-SRTP stream's
   * packets back exports its keys from (server/stream-keys.ts). A file that
   * cannot be read any more adds nothing.
   */
  async tlsKeyLog(c: CaptureRecord): Promise<TlsKeyLog> {
    return new TlsKeyLog(await this.tlsKeyLogText(c));
  }

  /** That key log's text ('' for none): what a pcapng of the capture's calls over TLS carries. */
  async tlsKeyLogText(c: CaptureRecord): Promise<string> {
    const files = [this.tls?.keyLog, this.ownsFile(c.path) ? keyFilesOf(c.path)?.keyLog : undefined];
    const texts = await Promise.all(
      files.map((f) => (f === undefined ? '' : readFile(f, 'latin1').catch(() => ''))),
    );
    return texts.filter((t) => t !== '').join('\n');
  }

  /**
   * The servers' RSA private keys (PEM texts) the capture is analysed with: a pcapng of its calls
   * over TLS carries the master secret each opens (src/tls/export-keys.ts), never the key.
   */
  async tlsRsaKeyTexts(c: CaptureRecord): Promise<string[]> {
    const files = [
      ...(this.tls?.rsaKeys ?? []),
      ...(this.ownsFile(c.path) ? (keyFilesOf(c.path)?.rsaKeys ?? []) : []),
    ];
    const texts = await Promise.all(files.map((f) => readFile(f, 'latin1').catch(() => '')));
    return texts.filter((t) => t !== '');
  }

  /** True for files inside the upload directory (the samples are only read). */
  /** `ownsFile`, bound: for publicInfo. */
  readonly owns = (path: string): boolean => this.ownsFile(path);

  ownsFile(path: string): boolean {
    const r = relative(this.uploadDir, resolve(path));
    return r !== '' && !r.startsWith('..') && !r.startsWith('/');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    await Promise.all(jobs.map((j) => j.cancel()));
    this.events.close();
    for (const id of [...this.waiters.keys()]) this.wakeWaiters(id);
  }

  private isPending(id: string): boolean {
    return this.jobs.has(id) || this.queue.some((x) => x.id === id);
  }

  private waitFor(id: string, wake: () => void): void {
    const list = this.waiters.get(id) ?? [];
    list.push(wake);
    this.waiters.set(id, list);
  }

  private wakeWaiters(id: string): void {
    const list = this.waiters.get(id);
    this.waiters.delete(id);
    for (const w of list ?? []) w();
  }

  private pump(): void {
    while (!this.closed && this.jobs.size < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      void this.run(next.id, next.name);
    }
  }

  private async run(id: string, name: string): Promise<void> {
    const rec = await this.store.getCapture(id);
    if (rec === undefined || this.closed) return this.pump();
    let job: AnalysisJob;
    try {
      const db = this.sqliteDb;
      const writer = db === undefined ? await this.store.openWriter(id) : undefined;
      const sqlite = db === undefined ? undefined : { db, captureId: id };
      const own = this.ownsFile(rec.path);
      const input = {
        file: rec.path,
        name,
        ...(rec.files !== undefined && {
          files: rec.files.map((f) => f.path),
          names: rec.files.map((f) => f.name),
          timeShifts: rec.files.map((f) => f.timeShift ?? null),
          alignClocks: `align clocks on its row in the web UI, or POST /api/captures/${id}/time-shift {"align":true}`,
        }),
        batchSize: this.batchSize,
        sqlite,
        tls: this.tls,
        captureTls: own ? keyFilesOf(rec.path) : undefined,
        giveKeys: own
          ? `add TLS keys… on its row in the web UI, or POST /api/captures/${id}/keys`
          : undefined,
      };
      job = startAnalysisJob(input, writer, {
        onProgress: (p) => {
          void this.store.updateCapture(id, { progress: p });
          this.events.progress(id, p);
        },
      });
    } catch (e) {
      await this.finishFailed(id, `cannot start the analysis of ${name}: ${(e as Error).message}`);
      return;
    }
    this.jobs.set(id, job);
    const outcome = await job.done;
    if (this.jobs.get(id) === job) this.jobs.delete(id);
    if ('cancelled' in outcome) {
      this.pump();
      return;
    }
    if (outcome.ok) {
      this.counters.analysesDone++;
      const c = await this.store.updateCapture(id, { warnings: outcome.warnings });
      if (c !== undefined) this.events.now(id, 'capture:ready', { id, stats: c.stats });
    } else {
      this.counters.analysesFailed++;
      if (this.sqliteDb !== undefined) await this.ensureFailed(id, outcome.error);
      this.events.now(id, 'capture:failed', { id, error: outcome.error });
    }
    this.wakeWaiters(id);
    this.pump();
    if (outcome.ok) await this.prune();
  }

  /** A worker that wrote the database itself and died without failing the capture: fail it here. */
  private async ensureFailed(id: string, error: string): Promise<void> {
    const c = await this.store.getCapture(id);
    if (c?.status !== 'analyzing') return;
    try {
      await (await this.store.openWriter(id)).fail(error);
    } catch {
      await this.store.updateCapture(id, { status: 'failed', error, stats: null });
    }
  }

  private async finishFailed(id: string, error: string): Promise<void> {
    this.counters.analysesFailed++;
    await this.store.updateCapture(id, { status: 'failed', error });
    this.events.now(id, 'capture:failed', { id, error });
    this.wakeWaiters(id);
    this.pump();
  }
}
