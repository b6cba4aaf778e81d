/**
 * The server's app factory (DESIGN.md "The server's contract"): an express 5
 * app with the routes of server/API.md, and `attach(httpServer)` for
 * socket.io. No `listen` in here: start.ts (or a test) owns the HTTP server.
 */
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Server as SocketServer } from 'socket.io';
import { sqliteSink } from '../src/store/live-persist.js';
import { openPersistThread } from '../src/store/live-persist-thread.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import type { RetentionPolicy } from '../src/store/retention.js';
import { captureNumber } from '../src/store/sqlite-rows.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createWindowStore, storeBehind, type WindowStore } from '../src/store/window-store.js';
import type { TlsKeyFiles } from './analysis-protocol.js';
import { CaptureService } from './capture-service.js';
import { HttpError } from './http-error.js';
import { LiveMonitor, type LiveServerOptions } from './live-monitor.js';
import { keptRing } from './live-pcap.js';
import { Metrics } from './metrics.js';
import { packageRoot } from './package-root.js';
import { callsRouter } from './routes/calls.js';
import { capturesRouter } from './routes/captures.js';
import { findingsRouter, rulesRouter } from './routes/findings.js';
import { messagesRouter } from './routes/messages.js';
import { streamsRouter } from './routes/streams.js';
import { allowSocket, guard, SECURITY_HEADERS, securityHeaders } from './security.js';
import { staticWeb } from './static-web.js';

export interface ServerOptions {
  /** Default: a new in-memory store. */
  store?: Store;
  /** Uploaded files go to `<dataDir>/captures` (the layout the SQLite store uses too). */
  dataDir: string;
  /** The built web UI (default `<package root>/dist/web`). */
  webRoot?: string;
  /** Largest upload in bytes (default 1 GiB). */
  uploadLimit?: number;
  /** Analyses run at once (default 2). */
  concurrency?: number;
  /** Prune the oldest captures by age or total size (default: keep everything). */
  retention?: RetentionPolicy;
  /** TLS key material for every analysis (`serve --tls-keylog/--tls-key`). */
  tls?: TlsKeyFiles;
  /** When the analysis code was built, ms since the epoch (default: its files' newest time): older analyses are `stale`. */
  codeTime?: number;
  /** Live monitoring (`serve --live/--hep`): a capture with status `live` held in a rolling window (live-monitor.ts). */
  live?: LiveServerOptions;
}

export const DEFAULT_UPLOAD_LIMIT = 1024 ** 3;

export interface SipscopeServer {
  app: Express;
  /** socket.io on `httpServer`, broadcasting the capture events of server/API.md. */
  attach(httpServer: HttpServer): SocketServer;
  service: CaptureService;
  /** The live capture when `live` was given. */
  live: LiveMonitor | null;
  /** Stops the analyses and socket.io (which closes the HTTP server it was attached to); the store is closed when this created it. */
  close(): Promise<void>;
}

export async function createServer(opts: ServerOptions): Promise<SipscopeServer> {
  const ownStore = opts.store === undefined;
  const base = opts.store ?? createMemoryStore();
  // Live captures are rolling windows in memory in front of the store; the others go to it.
  // With the SQLite store, the window is written through to it as well (on a thread of its own).
  const sqlite = storeBehind(base);
  const persist =
    sqlite instanceof SqliteStore
      ? (id: string) => {
          const cap = captureNumber(id)!;
          return sqlite.file === ':memory:'
            ? Promise.resolve(sqliteSink(sqlite.db, cap))
            : openPersistThread(sqlite.file, cap);
        }
      : undefined;
  const windows: WindowStore | null = opts.live
    ? createWindowStore(base, { limits: opts.live.window, persist, persistOptions: opts.live.persist })
    : null;
  const store = windows ?? base;
  const service = new CaptureService({
    store,
    dataDir: opts.dataDir,
    concurrency: opts.concurrency,
    retention: opts.retention,
    tls: opts.tls,
    codeTime: opts.codeTime,
  });
  await service.init();
  // Live captures of earlier runs whose frames the ring kept (`--live-pcap DIR`, the same directory):
  // their calls' pcap and RTP read back from those files again.
  const ringDir = opts.live?.pcap?.dir;
  if (ringDir !== undefined)
    for (const c of await store.listCaptures()) {
      if (c.path !== '' || c.status === 'live') continue;
      const reader = await keptRing(ringDir, c.id, opts.live?.pcap?.prefix);
      if (reader !== null) service.keepFrames(c.id, reader);
    }
  let live: LiveMonitor | null = null;
  if (opts.live && windows) {
    try {
      live = await LiveMonitor.start(service, windows, { ...opts.live, tls: opts.tls });
    } catch (e) {
      await service.close();
      if (ownStore) await store.close();
      throw e;
    }
  }
  const webRoot = opts.webRoot ?? join(packageRoot(), 'dist', 'web');
  const uploadLimit = opts.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  const metrics = new Metrics(store, service, live && windows ? { monitor: live, windows } : undefined);

  const app = express();
  app.disable('x-powered-by');
  // JSON with <, > and & as \u escapes: capture text never reads as markup, whatever sniffs it.
  app.set('json escape', true);
  app.set('etag', false);
  app.use(securityHeaders);
  app.use(guard);
  app.use('/api/captures/:id/calls', callsRouter(service));
  app.use('/api/captures/:id/calls', streamsRouter(service));
  app.use('/api/captures/:id/messages', messagesRouter(service));
  app.use('/api/captures/:id/findings', findingsRouter(service));
  app.use('/api/captures', capturesRouter(service, uploadLimit));
  app.use('/api/rules', rulesRouter());
  app.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.text());
  });
  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, `no route ${req.method} ${req.baseUrl}${req.path}`)),
  );
  app.use(staticWeb(webRoot));
  app.use((req: Request, _res: Response, next: NextFunction) =>
    next(new HttpError(404, `no such page: ${req.path}`)),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      err instanceof HttpError
        ? err.status
        : typeof (err as { status?: unknown })?.status === 'number'
          ? (err as { status: number }).status
          : 500;
    const message =
      err instanceof HttpError || status < 500
        ? (err as Error).message
        : 'internal server error (see the server log)';
    if (status >= 500) console.error('sipscope server:', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: message });
  });

  const sockets: SocketServer[] = [];
  let unsubscribe: Array<() => void> = [];

  return {
    app,
    service,
    live,
    attach(httpServer) {
      const io = new SocketServer(httpServer, { serveClient: false, allowRequest: allowSocket });
      io.engine.on('initial_headers', (headers: Record<string, string>) =>
        Object.assign(headers, SECURITY_HEADERS),
      );
      io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, SECURITY_HEADERS));
      unsubscribe.push(service.subscribe((event, payload) => io.emit(event, payload)));
      sockets.push(io);
      return io;
    },
    async close() {
      for (const u of unsubscribe) u();
      unsubscribe = [];
      await live?.stop();
      await service.close();
      await Promise.all(sockets.map((io) => new Promise<void>((r) => io.close(() => r()))));
      if (ownStore) await store.close();
    },
  };
}
