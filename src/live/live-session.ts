/**
 * One live session: the sources (a capture on one or more interfaces, a HEP
 * collector, or both) feeding one live pipeline, a wall-clock tick so the
 * pipeline's timers run on a quiet link, and the counters of all of them.
 * What `sipscope live` runs and what the server can run for `serve --live`;
 * it prints nothing and serves nothing: consumers listen to
 * `session.pipeline` (messages, findings, finished calls) and to the
 * session's own `error` and `end`.
 *
 * Frames and HEP payloads are numbered together, 1, 2, 3 … in the order they
 * reach the pipeline, so a message's `frame` is unique in the session.
 */
import { createHepCollector, type HepCollector, type HepCollectorStats } from '../capture/hep-collector.js';
import { createLiveCapture, type LiveCapture, type LiveCaptureStats } from '../capture/live-capture.js';
import type { CaptureTool } from '../capture/live-stderr.js';
import { Emitter } from './emitter.js';
import {
  createLivePipeline,
  type LivePipeline,
  type LivePipelineOptions,
  type LiveStats,
} from './live-pipeline.js';

export interface LiveSessionOptions {
  /** Interfaces to capture on (none: HEP only). */
  interfaces?: readonly string[];
  /** Capture filter (BPF). */
  filter?: string;
  tool?: 'auto' | CaptureTool;
  snaplen?: number;
  /**
   * Kernel capture buffer per interface, MiB (default 32, the tools' own is
   * 2): room for a few seconds of a busy link while the pipeline is held up
   * (a busy machine, a slow reader of our output) before the kernel drops.
   */
  bufferMiB?: number;
  /** HEP collector on UDP and TCP. */
  hep?: { port: number; host?: string; authKey?: string };
  pipeline?: LivePipelineOptions;
  /** Wall-clock tick, ms (default 250). */
  tickMs?: number;
}

export interface LiveSessionStats {
  pipeline: LiveStats;
  capture: LiveCaptureStats | null;
  hep: HepCollectorStats | null;
  /** Packets taken: captured frames plus HEP packets. */
  packets: number;
  /** Packets lost before they reached us: kernel/tool drops, HEP packets that did not decode or failed auth. */
  dropped: number;
  /** Seconds since the session started. */
  uptime: number;
}

export interface LiveSessionEvents {
  /** A source failed after start (a capture tool died, a listener broke); the session goes on with what is left. */
  error: [Error];
  /** Every source stopped and the pipeline flushed (after `stop()`, or when the capture tool ended by itself). */
  end: [LiveSessionStats];
}

export class LiveSession extends Emitter<LiveSessionEvents> {
  readonly pipeline: LivePipeline;
  readonly capture: LiveCapture | null;
  readonly hep: HepCollector | null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private frameNo = 0;
  private startedAt = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: LiveSessionOptions) {
    super();
    const ifaces = opts.interfaces ?? [];
    if (ifaces.length === 0 && opts.hep === undefined)
      throw new Error('a live session needs an interface to capture on or a HEP port');
    this.pipeline = createLivePipeline(opts.pipeline);
    this.capture =
      ifaces.length === 0
        ? null
        : createLiveCapture({
            interfaces: ifaces,
            filter: opts.filter,
            tool: opts.tool,
            snaplen: opts.snaplen,
            bufferMiB: opts.bufferMiB ?? 32,
          });
    this.hep = opts.hep === undefined ? null : createHepCollector(opts.hep);
    const live = this.pipeline;
    this.capture?.on('frame', (f) => {
      f.no = ++this.frameNo;
      live.pushFrame(f);
    });
    this.capture?.on('error', (e) => this.emit('error', e));
    this.hep?.on('payload', (p) => {
      p.frame = ++this.frameNo;
      p.frames = [p.frame];
      live.pushPayload(p);
    });
    this.hep?.on('error', (e) => this.emit('error', e));
  }

  /** Starts the sources; rejects with one clear line (and starts nothing) when one cannot start. */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    try {
      if (this.hep !== null) await this.hep.start();
      if (this.capture !== null) {
        await this.capture.start();
        // A capture that ends by itself (the tool exited) ends the session unless a HEP collector goes on.
        this.capture.on('end', () => {
          if (this.hep === null) void this.stop();
        });
      }
    } catch (e) {
      await this.hep?.stop();
      throw e;
    }
    this.ticker = setInterval(() => this.pipeline.tick(), this.opts.tickMs ?? 250);
    this.ticker.unref?.();
  }

  /** Stops the sources, flushes the pipeline (every call is handed out), then emits `end`. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.ticker !== null) clearInterval(this.ticker);
      this.ticker = null;
      await Promise.all([this.capture?.stop(), this.hep?.stop()]);
      this.pipeline.end();
      this.emit('end', this.stats());
    })();
    return this.stopping;
  }

  stats(): LiveSessionStats {
    const c = this.capture?.stats ?? null;
    const h = this.hep?.stats ?? null;
    return {
      pipeline: this.pipeline.stats(),
      capture: c === null ? null : { ...c, perInterface: { ...c.perInterface } },
      hep: h === null ? null : { ...h, reasons: { ...h.reasons } },
      packets: (c?.frames ?? 0) + (h?.packets ?? 0),
      dropped: (c?.kernelDropped ?? 0) + (h === null ? 0 : h.bad + h.authFailed),
      uptime: this.startedAt === 0 ? 0 : (Date.now() - this.startedAt) / 1000,
    };
  }
}

export function createLiveSession(opts: LiveSessionOptions): LiveSession {
  return new LiveSession(opts);
}
