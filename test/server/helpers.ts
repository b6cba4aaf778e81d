/**
 * Test helpers for the server: a real server on a free port with a fresh
 * data directory, uploads through HTTP, and waiting for an analysis to end by
 * asking the API (no timing assumptions: it polls until the status changes).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { type StartedServer, type StartOptions, startServer } from '../../server/start.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureInfo } from '../../src/store/store.js';

export interface TestServer extends StartedServer {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function testServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sipscope-server-'));
  const s = await startServer({ port: 0, webRoot: join(dataDir, 'no-web'), ...opts, dataDir });
  return {
    ...s,
    dataDir,
    async dispose() {
      await s.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SqliteTestServer extends TestServer {
  store: SqliteStore;
  /** The database file, `<dataDir>/sipscope.db` (as `sipscope serve` keeps it). */
  db: string;
}

/** A test server on a SQLite store in its own data directory, as `sipscope serve` runs; `dispose` closes the store too. */
export async function sqliteTestServer(opts: Partial<StartOptions> = {}): Promise<SqliteTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-sqlite-'));
  const db = join(dataDir, 'sipscope.db');
  const store = openSqliteStore({ file: db });
  const s = await testServer({ dataDir, store, ...opts });
  return {
    ...s,
    store,
    db,
    async dispose() {
      await s.dispose();
      await store.close();
    },
  };
}

/**
 * A server on a SQLite store that a test stops and starts again on the same
 * data directory and database file, as `sipscope serve` restarts: `s` is the
 * one running; `dispose` stops it and removes the directory.
 */
export async function restartableServer(): Promise<{
  s: StartedServer;
  dataDir: string;
  restart(): Promise<StartedServer>;
  dispose(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-restart-'));
  const db = join(dataDir, 'sipscope.db');
  let store = openSqliteStore({ file: db });
  const out = {
    s: await startServer({ port: 0, webRoot: join(dataDir, 'no-web'), dataDir, store }),
    dataDir,
    async restart() {
      await out.s.close();
      await store.close();
      store = openSqliteStore({ file: db });
      out.s = await startServer({ port: 0, webRoot: join(dataDir, 'no-web'), dataDir, store });
      return out.s;
    },
    async dispose() {
      await out.s.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return out;
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, res };
}

/** Uploads `file` as the raw body; returns the capture id. */
export async function uploadRaw(s: StartedServer, file: string, name = basename(file)): Promise<string> {
  const res = await fetch(`${s.url}/api/captures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(name) },
    body: readFileSync(file),
  });
  if (res.status !== 202) throw new Error(`upload of ${file}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Uploads `file` as the field `file` of a multipart form; returns the capture id. */
export async function uploadMultipart(
  s: StartedServer,
  file: string,
  name = basename(file),
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), name);
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`upload of ${file}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Polls the capture until it is no longer analysing. */
export async function settled(s: StartedServer, id: string): Promise<CaptureInfo> {
  for (;;) {
    const { status, body } = await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`);
    if (status !== 200) throw new Error(`capture ${id}: ${status}`);
    if (body.status !== 'analyzing') return body;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Several files uploaded as one merged capture (one `file` part each), once its analysis has ended. */
export async function uploadMergedSettled(s: StartedServer, paths: readonly string[]): Promise<CaptureInfo> {
  const form = new FormData();
  for (const p of paths) form.append('file', new Blob([readFileSync(p)]), basename(p));
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`upload: ${res.status}`);
  return settled(s, ((await res.json()) as { id: string }).id);
}

/** `POST /api/captures/:id/time-shift {"align":true}`, once the analysis again has ended. */
export async function alignSettled(s: StartedServer, id: string): Promise<CaptureInfo> {
  const res = await fetch(`${s.url}/api/captures/${id}/time-shift`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ align: true }),
  });
  if (res.status !== 202) throw new Error(`align: ${res.status}`);
  return settled(s, id);
}

export async function uploadReady(s: StartedServer, file: string): Promise<CaptureInfo> {
  const info = await settled(s, await uploadRaw(s, file));
  if (info.status !== 'ready') throw new Error(`${file}: ${info.status} ${info.error}`);
  return info;
}

/** A capture event as socket.io brings it: `[event, payload]`. */
export type CaptureEvent = [
  string,
  { id?: string; capture?: CaptureInfo; progress?: number; stats?: { sipMessages: number } },
];

/**
 * Listens on socket.io, runs `act` (which returns the capture's id), and
 * gives the events of that capture up to its `capture:ready`, in order.
 */
export async function eventsUntilReady(
  s: StartedServer,
  act: () => Promise<string>,
): Promise<CaptureEvent[]> {
  const socket: Socket = io(s.url, { transports: ['websocket'], forceNew: true });
  const events: CaptureEvent[] = [];
  socket.onAny((event: string, payload) => events.push([event, payload]));
  try {
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const id = await act();
    await new Promise<void>((resolve) => {
      const check = () =>
        events.some(([e, p]) => e === 'capture:ready' && p.id === id) ? resolve() : undefined;
      socket.on('capture:ready', check);
      check();
    });
    return events.filter(([, p]) => p.id === id || p.capture?.id === id);
  } finally {
    socket.close();
  }
}
