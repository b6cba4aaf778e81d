/**
 * Live monitoring inside the server (`sipscope serve --live IFACE --hep
 * PORT`, issue 6): a live session (src/live/live-session.ts: capture on
 * interfaces and/or a HEP collector, through the live pipeline) whose
 * output is a capture like the others, with status `live` (server/API.md):
 *
 * - its rows are a rolling window (src/store/window.ts) in the window store,
 *   written as the traffic comes (src/store/window-feed.ts);
 * - every `updateMs` the calls in progress that changed are written and the
 *   capture's `stats` (the whole session) and `live` counters (packets,
 *   drops, the window's evictions) are updated;
 * - each message written and each call row go to the browser as
 *   `message:new` and `call:update`, batched by the event batcher;
 * - optionally the raw frames go to a ring of pcapng files (live-pcap.ts);
 * - with the SQLite store, the window store writes the window through to
 *   disk (src/store/live-persist.ts), so a restart finds the ended calls.
 *
 * Stopping (server close, the capture deleted, the capture tool gone with no
 * HEP listener left) flushes the pipeline, so every call is written as
 * ended (and to disk), and the capture becomes `ready` with what its window holds.
 */

import type { CaptureTool } from '../src/capture/live-stderr.js';
import { termSafe } from '../src/cli/term-safe.js';
import { createLiveSession, type LiveSession } from '../src/live/live-session.js';
import type { LiveTlsOptions } from '../src/live/live-tls.js';
import type { LivePersistOptions } from '../src/store/live-persist.js';
import type { WindowLimits } from '../src/store/window.js';
import { WindowFeed } from '../src/store/window-feed.js';
import type { LiveTraffic, WindowStore } from '../src/store/window-store.js';
import { readTlsKeyOptions } from '../src/tls/key-options.js';
import { tlsWarning } from '../src/tls/tls-warning.js';
import type { TlsKeyFiles } from './analysis-protocol.js';
import { type CaptureService, publicInfo } from './capture-service.js';
import { type LivePcapOptions, LivePcapRing, type LivePcapStats } from './live-pcap.js';

export interface LiveServerOptions {
  /** Interfaces to capture on (none: HEP only). */
  interfaces?: string[];
  /** Capture filter (BPF), for every interface. */
  filter?: string;
  /** Capture tool (default auto: dumpcap, else tcpdump). */
  tool?: 'auto' | CaptureTool;
  /** HEP collector on UDP and TCP `port` (0: free ports, see `hepAddresses()`). */
  hep?: { port: number; host?: string; authKey?: string };
  /** Limits of the rolling window (src/store/window.ts defaults). */
  window?: Partial<WindowLimits>;
  /** Also write the raw frames to a ring of pcapng files. */
  pcap?: LivePcapOptions;
  /** Milliseconds between writes of the calls in progress and of the counters (default 250). */
  updateMs?: number;
  /** The write-through of the window to the SQLite store, when the server has one (src/store/live-persist.ts defaults). */
  persist?: LivePersistOptions;
  /**
   * `serve --tls-keylog/--tls-key`: SIP over TLS decrypted, the key log followed as it grows
   * and a connection held until its key is logged (src/live/live-tls.ts).
   */
  tls?: TlsKeyFiles;
  /** `serve --tls-port`: the ports of SIP over TLS whose connections wait for their key (default [5061]; key-wait.ts). */
  tlsPorts?: number[];
}

/** The live session's TLS options from the server's key files (an RSA key that cannot be read: the error line). */
function liveTlsOptions(files: TlsKeyFiles | undefined, sipPorts?: number[]): LiveTlsOptions | undefined {
  if (files === undefined) return undefined;
  const keys = readTlsKeyOptions(undefined, files.rsaKeys);
  if (typeof keys === 'string') throw new Error(keys);
  return { keyLogFile: files.keyLog, rsaKeys: keys.tlsRsaKeys, wait: { sipPorts } };
}

/** A live source could not start (no such interface, no permission, the HEP port taken): one clear line. */
export class LiveStartError extends Error {
  override name = 'LiveStartError';
}

/** Warnings kept on the capture (the latest). */
const MAX_WARNINGS = 20;

/** What is watched, for the capture's name and `live.sources`. */
export function liveSources(o: LiveServerOptions): string[] {
  const out: string[] = [];
  const f = o.filter ? ` (${o.filter})` : '';
  for (const i of o.interfaces ?? []) out.push(`${i}${f}`);
  if (o.hep !== undefined) out.push(`HEP on ${o.hep.host ?? '*'}:${o.hep.port} (UDP, TCP)`);
  return out;
}

export class LiveMonitor {
  readonly session: LiveSession;
  readonly captureId: string;
  private readonly feed: WindowFeed;
  private readonly ring: LivePcapRing | null;
  private readonly warnings: string[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopping: Promise<void> | null = null;
  private deleted = false;
  private persistFailed = false;
  /** The warning of SIP over TLS not decrypted, as last written (it is replaced as its count grows). */
  private tlsWarning: string | null = null;

  /** Starts the sources and registers the capture; rejects with one clear line (and leaves nothing) when a source cannot start. */
  static async start(
    service: CaptureService,
    store: WindowStore,
    opts: LiveServerOptions,
  ): Promise<LiveMonitor> {
    let session: LiveSession;
    const ring = opts.pcap === undefined ? null : new LivePcapRing(opts.pcap);
    try {
      session = createLiveSession({
        interfaces: opts.interfaces,
        filter: opts.filter,
        tool: opts.tool,
        hep: opts.hep,
        pipeline: { tls: liveTlsOptions(opts.tls, opts.tlsPorts) },
      });
      await ring?.open();
      await session.start();
    } catch (e) {
      throw new LiveStartError((e as Error).message);
    }
    const sources = liveSources(opts);
    if (opts.hep !== undefined && opts.hep.port === 0) {
      const a = session.hep?.addresses();
      sources[sources.length - 1] = `HEP on UDP ${a?.udp ?? '-'}, TCP ${a?.tcp ?? '-'}`;
    }
    const rec = await store.createCapture({
      name: `live: ${sources.join(', ')}`,
      size: 0,
      path: '',
      status: 'live',
    });
    const window = store.window(rec.id);
    if (window === undefined) {
      await session.stop();
      throw new Error('the store did not give the live capture a window');
    }
    const id = rec.id;
    const feed = new WindowFeed(session.pipeline, window, {
      message: (row) => service.events.messageNew(id, row),
      call: (row) => service.events.callUpdate(id, row),
    });
    return new LiveMonitor(service, store, session, id, feed, ring, { ...opts, sources });
  }

  private constructor(
    private readonly service: CaptureService,
    private readonly store: WindowStore,
    session: LiveSession,
    captureId: string,
    feed: WindowFeed,
    ring: LivePcapRing | null,
    private readonly opts: LiveServerOptions & { sources: string[] },
  ) {
    this.session = session;
    this.captureId = captureId;
    this.ring = ring;
    this.feed = feed;
    if (ring !== null) {
      // Its files named for the capture: a later server finds them (live-pcap.ts `keptRing`).
      ring.nameFor(captureId);
      session.capture?.on('frame', (f) => ring.write(f));
      // The ring's files are what is left of the frames: a call's pcap and RTP are read back from them.
      service.keepFrames(captureId, (first) => ring.frames(first));
    }
    session.on('error', (e) => this.warn(e.message));
    session.on('end', () => void this.stop());
    this.unsubscribe = service.subscribe((event, payload) => {
      if (event === 'capture:deleted' && (payload as { id: string }).id === captureId) {
        this.deleted = true;
        service.keepFrames(captureId, null);
        void this.stop();
      }
    });
    void this.update();
    void store.getCapture(captureId).then((c) => {
      if (c !== undefined) service.events.now(captureId, 'capture:new', { capture: publicInfo(c) });
    });
    this.timer = setInterval(() => void this.update(), opts.updateMs ?? 250);
    this.timer.unref();
  }

  /** What is watched (HEP with the ports actually bound). */
  get sources(): string[] {
    return this.opts.sources.slice();
  }

  get running(): boolean {
    return this.stopping === null;
  }

  /** Ports the HEP collector bound (null without one). */
  hepAddresses(): { udp: number | null; tcp: number | null } | null {
    return this.session.hep?.addresses() ?? null;
  }

  pcapStats(): LivePcapStats | null {
    return this.ring?.stats() ?? null;
  }

  /** What /metrics shows of this capture. */
  traffic(): LiveTraffic & {
    kernelDropped: number;
    hepBad: number;
    hepAuthFailed: number;
    sipMessages: number;
  } {
    const s = this.session.stats();
    // Given keys: the counters from the start (zeros), so the API and /metrics show them before any TLS.
    const tls = this.session.pipeline.tlsStats(this.opts.tls !== undefined);
    return {
      sources: this.opts.sources,
      running: this.running,
      packets: s.packets,
      bytes: (s.capture?.bytes ?? 0) + (s.hep?.bytes ?? 0),
      droppedPackets: s.dropped,
      uptime: s.uptime,
      framesKept: this.ring !== null,
      kernelDropped: s.capture?.kernelDropped ?? 0,
      hepBad: s.hep?.bad ?? 0,
      hepAuthFailed: s.hep?.authFailed ?? 0,
      sipMessages: s.pipeline.messages,
      ...(tls === null ? {} : { tls }),
    };
  }

  /** Stops the sources, writes every call as ended, and leaves the capture `ready` (unless it was deleted). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer !== null) clearInterval(this.timer);
      this.timer = null;
      this.unsubscribe?.();
      this.unsubscribe = null;
      // Deleted: nothing more goes to its window or to the browser.
      if (this.deleted) this.feed.close();
      await this.session.stop();
      this.feed.flush();
      this.feed.close();
      await this.ring?.close();
      if (this.deleted) return;
      this.feed.window.endAll();
      const stats = this.feed.stats();
      await this.update();
      // Every call is handed out as ended by now: all of them go to disk before the capture says ready.
      await this.store.closePersist(this.captureId);
      await this.store.updateCapture(this.captureId, { status: 'ready', progress: 1, stats });
      this.service.events.now(this.captureId, 'capture:ready', { id: this.captureId, stats });
    })();
    return this.stopping;
  }

  private async update(): Promise<void> {
    if (this.deleted) return;
    this.feed.flush();
    const t = this.traffic();
    const { kernelDropped: _k, hepBad: _b, hepAuthFailed: _a, sipMessages: _m, ...traffic } = t;
    this.store.setLive(this.captureId, traffic);
    this.warnTls();
    const failed = this.store.persistCounters(this.captureId)?.error ?? null;
    if (failed !== null && !this.persistFailed) {
      this.persistFailed = true;
      this.warn(`the window is no longer written to disk (a restart will not find it): ${failed}`);
    }
    await this.store.updateCapture(this.captureId, { stats: this.feed.stats(), size: t.bytes, progress: 1 });
  }

  /** Connections on port 5061 not decrypted (RFC 3261 §26.2): the capture says so, with their count as of now. */
  private warnTls(): void {
    const t = this.session.pipeline.tlsStats();
    if (t === null) return;
    const w = tlsWarning(
      'live',
      { tlsSipPortNotDecrypted: t.sipPortNotDecrypted },
      'sipscope serve --tls-keylog FILE, the file the TLS library writes with SSLKEYLOGFILE',
    );
    if (w === null || w === this.tlsWarning) return;
    const at = this.tlsWarning === null ? -1 : this.warnings.indexOf(this.tlsWarning);
    if (at >= 0) this.warnings.splice(at, 1);
    this.tlsWarning = w;
    this.warn(w);
  }

  private warn(line: string): void {
    this.warnings.push(line);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
    // A warning quotes what the network sent (a TLS server name, a port): escaped for the terminal.
    process.stderr.write(`sipscope live: ${termSafe(line)}\n`);
    void this.store.updateCapture(this.captureId, { warnings: this.warnings.slice() });
  }
}
