/**
 * A Store (store.ts) whose live captures are rolling windows in memory
 * (window.ts) while every other capture goes to the store it wraps (memory
 * or SQLite). A live capture is the recent traffic of a link, bounded by the
 * window's limits. With `persist` (the SQLite store), the capture is also a
 * row of the base store (its id is the base store's, its status and counts
 * are mirrored there) and its window is written through to it
 * (live-persist.ts): a restart finds the calls that had ended. Without it,
 * the window is memory only and a restart starts without it. The window is
 * the read path while the capture is held here.
 *
 * A live capture's record carries, besides the CaptureInfo fields, `live`:
 * what the owner (the server's live monitor) says about the traffic
 * (`setLive`: sources, packets, drops) and the window's counters (calls,
 * messages and bytes held, evictions), so `GET /api/captures/:id` and
 * `/metrics` show them.
 */

import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { CallQuery } from './call-query.js';
import { applyCaptureUpdate } from './capture-update.js';
import { countFindings, type FindingCount } from './finding-filter.js';
import type { LiveInfo, LiveTraffic, WindowCounters } from './live-info.js';
import {
  LivePersister,
  type LivePersistOptions,
  type PersistCounters,
  type PersistSink,
} from './live-persist.js';
import type { AnalysisStats, CallJson, DialogRow, Finding, TransactionRow } from './rows.js';
import type {
  CallDetail,
  CallPage,
  CallsFrames,
  CaptureInfo,
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
import { RollingWindow, type WindowLimits } from './window.js';

export type { LiveInfo, LiveTraffic };

/** A live capture as the API shows it: CaptureInfo plus `live` (server/API.md). */
export interface LiveCaptureInfo extends CaptureInfo {
  live: LiveInfo;
}

export interface WindowStoreOptions {
  /** Limits of each live capture's window (window.ts defaults). */
  limits?: Partial<WindowLimits>;
  /** Which new captures are held in a window (default: those created with status `live`). */
  windowed?: (c: NewCapture) => boolean;
  /**
   * Write each live capture's window through to the base store: the sink
   * for the base store's capture `captureId` (live-persist-thread.ts, or
   * live-persist.ts `sqliteSink`). The base store must be the SQLite store.
   */
  persist?: (captureId: string) => Promise<PersistSink>;
  persistOptions?: LivePersistOptions;
}

/** Evictions of every window since the store opened (a counter: deleted windows still count). */
export interface WindowTotals
  extends Pick<
    WindowCounters,
    'evictedCalls' | 'evictedActiveCalls' | 'evictedMessages' | 'evictedBytes' | 'evictedFindings' | 'dropped'
  > {
  windows: number;
}

export interface WindowStore extends Store {
  /** The store the captures that are not live go to. */
  readonly base: Store;
  /** The window of a live capture (undefined for the others). */
  window(id: string): RollingWindow | undefined;
  /** Records what the owner knows of a live capture's traffic; false when it is not one (or gone). */
  setLive(id: string, traffic: LiveTraffic): boolean;
  totals(): WindowTotals;
  /** Writes what is queued for disk and stops writing through (a clean stop); a no-op without persistence. */
  closePersist(id: string): Promise<void>;
  /** The write-through's counters (undefined without persistence). */
  persistCounters(id: string): PersistCounters | undefined;
}

interface Held {
  rec: CaptureRecord;
  window: RollingWindow;
  traffic: LiveTraffic;
  writer: boolean;
  /** The write-through, when the capture is also in the base store. */
  persister: LivePersister | null;
}

const TOTAL_KEYS = [
  'evictedCalls',
  'evictedActiveCalls',
  'evictedMessages',
  'evictedBytes',
  'evictedFindings',
  'dropped',
] as const;

export function createWindowStore(base: Store, opts: WindowStoreOptions = {}): WindowStore {
  return new Windows(base, opts);
}

/** The store behind a window store (itself for any other): where the non-live captures are, for code that needs to know its kind. */
export function storeBehind(s: Store): Store {
  return s instanceof Windows ? storeBehind(s.base) : s;
}

class Windows implements WindowStore {
  private seq = 0;
  private readonly held = new Map<string, Held>();
  /** What deleted windows had evicted, so the totals never fall. */
  private readonly gone: Omit<WindowTotals, 'windows'> = {
    evictedCalls: 0,
    evictedActiveCalls: 0,
    evictedMessages: 0,
    evictedBytes: 0,
    evictedFindings: 0,
    dropped: 0,
  };
  private readonly windowed: (c: NewCapture) => boolean;

  constructor(
    readonly base: Store,
    private readonly opts: WindowStoreOptions,
  ) {
    this.windowed = opts.windowed ?? ((c) => c.status === 'live');
  }

  window(id: string): RollingWindow | undefined {
    return this.held.get(id)?.window;
  }

  setLive(id: string, traffic: LiveTraffic): boolean {
    const h = this.held.get(id);
    if (h === undefined) return false;
    h.traffic = { ...traffic, sources: traffic.sources.slice() };
    return true;
  }

  totals(): WindowTotals {
    const t: WindowTotals = { windows: this.held.size, ...this.gone };
    for (const h of this.held.values()) {
      const c = h.window.counters();
      for (const k of TOTAL_KEYS) t[k] += c[k];
    }
    return t;
  }

  async createCapture(c: NewCapture): Promise<CaptureRecord> {
    if (!this.windowed(c)) return this.base.createCapture(c);
    const persist = this.opts.persist;
    const stored = persist === undefined ? undefined : await this.base.createCapture(c);
    const rec: CaptureRecord = {
      id: stored?.id ?? `live${++this.seq}`,
      name: c.name,
      size: c.size,
      path: c.path,
      status: c.status ?? 'analyzing',
      progress: 0,
      createdAt: stored?.createdAt ?? new Date().toISOString(),
      stats: null,
    };
    const traffic: LiveTraffic = {
      sources: [],
      running: false,
      packets: 0,
      bytes: 0,
      droppedPackets: 0,
      uptime: 0,
    };
    const window = new RollingWindow(this.opts.limits);
    let persister: LivePersister | null = null;
    if (persist !== undefined && stored !== undefined) {
      try {
        persister = new LivePersister(window, await persist(stored.id), this.opts.persistOptions);
      } catch (e) {
        await this.base.deleteCapture(stored.id);
        throw e;
      }
    }
    this.held.set(rec.id, { rec, window, traffic, writer: false, persister });
    return this.record(this.held.get(rec.id)!);
  }

  async updateCapture(id: string, patch: CaptureUpdate): Promise<CaptureRecord | undefined> {
    const h = this.held.get(id);
    if (h === undefined) return this.base.updateCapture(id, patch);
    applyCaptureUpdate(h.rec, patch);
    // The base store's row says what a restart finds: mirrored when the status, error or warnings
    // change (with the counts as of then), not at every counter update (four a second).
    if (h.persister !== null && [patch.status, patch.error, patch.warnings].some((x) => x !== undefined))
      await this.base.updateCapture(id, {
        ...patch,
        stats: h.rec.stats,
        size: h.rec.size,
        progress: h.rec.progress,
      });
    return this.record(h);
  }

  async listCaptures(): Promise<CaptureRecord[]> {
    // The captures still live first (they are the ones changing), then all the others newest first.
    const mine: CaptureRecord[] = [...this.held.values()].reverse().map((h) => this.record(h));
    const live = mine.filter((c) => c.status === 'live');
    const others = (await this.base.listCaptures()).filter((c) => !this.held.has(c.id));
    const rest = mine.filter((c) => c.status !== 'live').concat(others);
    const sorted = rest
      .map((c, i) => ({ c, i }))
      .sort((a, b) => (a.c.createdAt === b.c.createdAt ? a.i - b.i : a.c.createdAt < b.c.createdAt ? 1 : -1))
      .map((x) => x.c);
    return live.concat(sorted);
  }

  async getCapture(id: string): Promise<CaptureRecord | undefined> {
    const h = this.held.get(id);
    return h === undefined ? this.base.getCapture(id) : this.record(h);
  }

  async deleteCapture(id: string): Promise<boolean> {
    const h = this.held.get(id);
    if (h === undefined) return this.base.deleteCapture(id);
    const c = h.window.counters();
    for (const k of TOTAL_KEYS) this.gone[k] += c[k];
    this.held.delete(id);
    if (h.persister !== null) {
      await h.persister.close(false);
      await this.base.deleteCapture(id);
    }
    return true;
  }

  async openWriter(captureId: string): Promise<CaptureWriter> {
    const h = this.held.get(captureId);
    if (h === undefined) return this.base.openWriter(captureId);
    if (h.writer) throw new Error(`capture ${captureId} already has a writer`);
    h.writer = true;
    return new WindowWriter(this, captureId);
  }

  /** The held capture a writer may change; throws once it is deleted or the writer ended. */
  heldFor(w: WindowWriter): Held {
    const h = this.held.get(w.captureId);
    if (h === undefined || !h.writer || w.ended)
      throw new Error(`capture ${w.captureId} is deleted or its writer has ended`);
    return h;
  }

  endWriter(w: WindowWriter, patch: CaptureUpdate, drop: boolean): void {
    const h = this.heldFor(w);
    h.writer = false;
    if (drop) h.window.clear();
    else h.window.endAll();
    applyCaptureUpdate(h.rec, patch);
  }

  async queryCalls(captureId: string, query: CallQuery): Promise<CallPage | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.queryCalls(captureId, query) : w.queryCalls(query);
  }

  async getCall(captureId: string, callId: number): Promise<CallDetail | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.getCall(captureId, callId) : w.getCall(callId);
  }

  async getMessage(captureId: string, messageId: number): Promise<StoredMessage | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.getMessage(captureId, messageId) : w.getMessage(messageId);
  }

  async findings(captureId: string, filter?: FindingFilter): Promise<Finding[] | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.findings(captureId, filter) : w.findings(filter);
  }

  async findingCounts(captureId: string): Promise<FindingCount[] | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.findingCounts(captureId) : countFindings(w.findings({}));
  }

  async stats(captureId: string): Promise<CaptureStatsView | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.stats(captureId) : w.stats();
  }

  async callFrames(captureId: string, callId: number): Promise<number[] | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.callFrames(captureId, callId) : w.callFrames(callId);
  }

  async callsFrames(captureId: string, query: CallQuery): Promise<CallsFrames | undefined> {
    const w = this.window(captureId);
    return w === undefined ? this.base.callsFrames(captureId, query) : w.callsFrames(query);
  }

  persistCounters(id: string): PersistCounters | undefined {
    return this.held.get(id)?.persister?.counters();
  }

  async closePersist(id: string): Promise<void> {
    await this.held.get(id)?.persister?.close(true);
  }

  async close(): Promise<void> {
    for (const h of this.held.values()) await h.persister?.close(true);
    this.held.clear();
    await this.base.close();
  }

  private record(h: Held): CaptureRecord & { live: LiveInfo } {
    return {
      ...h.rec,
      live: {
        ...h.traffic,
        sources: h.traffic.sources.slice(),
        window: h.window.counters(),
        ...(h.persister === null ? {} : { persist: h.persister.counters() }),
      },
    };
  }
}

/** Writes an analysis into a window (the shared store suite runs through it; the live feed writes the window directly). */
class WindowWriter implements CaptureWriter {
  ended = false;

  constructor(
    private readonly store: Windows,
    readonly captureId: string,
  ) {}

  private get window(): RollingWindow {
    return this.store.heldFor(this).window;
  }

  async addMessages(batch: readonly MessageInput[]): Promise<void> {
    const w = this.window;
    for (const m of batch) w.addMessage(m);
  }

  async updateMessages(batch: readonly MessageUpdate[]): Promise<void> {
    this.window.updateMessages(batch);
  }

  async addTransactions(batch: readonly TransactionRow[]): Promise<void> {
    this.window.putTransactions(batch);
  }

  async addDialogs(batch: readonly DialogRow[]): Promise<void> {
    this.window.putDialogs(batch);
  }

  async addCalls(batch: readonly CallJson[]): Promise<void> {
    const w = this.window;
    for (const c of batch) w.putCall(c, false);
  }

  async addFindings(batch: readonly Finding[]): Promise<void> {
    const w = this.window;
    for (const f of batch) w.addFinding(f);
  }

  /** Held with their calls (the live feed adds a live capture's as they finish, window-feed.ts). */
  async addStreams(batch: readonly RtpStreamRecord[]): Promise<void> {
    this.window.addStreams(batch);
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
