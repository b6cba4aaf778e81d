/**
 * Starts the server: the app of app.ts on an HTTP server with socket.io,
 * listening on 127.0.0.1:8060 unless told otherwise (port 0: any free port),
 * with the given sample captures analysed before it resolves.
 */

import { stat } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename } from 'node:path';
import { createServer, type ServerOptions, type SipscopeServer } from './app.js';
import { staleSample } from './sample-freshness.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8060;

export interface StartOptions extends ServerOptions {
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Default env SIPSCOPE_PORT, else 8060; 0 picks a free port. */
  port?: number;
  /** Capture files analysed and listed at start (read in place, never deleted). */
  samples?: string[];
}

export interface StartedServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  port: number;
  host: string;
  server: SipscopeServer;
  http: Server;
  close(): Promise<void>;
}

export function defaultPort(env: NodeJS.ProcessEnv = process.env): number {
  const p = env.SIPSCOPE_PORT;
  if (p !== undefined && /^\d{1,5}$/.test(p) && Number(p) <= 65535) return Number(p);
  return DEFAULT_PORT;
}

export async function startServer(opts: StartOptions): Promise<StartedServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const server = await createServer(opts);
  const http = createHttpServer(server.app);
  const open = new Set<Socket>();
  http.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  server.attach(http);
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? defaultPort(), host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const done = new Promise<void>((r) => http.close(() => r()));
      await server.close();
      for (const s of open) s.destroy();
      await done;
    })();
    return closing;
  };
  try {
    const ids: string[] = [];
    // A persistent store has them from an earlier start: each sample is added once, and
    // again when that analysis is older than the code or the file (sample-freshness.ts).
    const known = new Map((await server.service.store.listCaptures()).map((c) => [c.path, c]));
    const samples = opts.samples ?? [];
    const sizes = new Map<string, number>();
    let redo = false;
    const code = server.service.codeTime;
    for (const file of samples) {
      const st = await stat(file);
      sizes.set(file, st.size);
      const old = known.get(file);
      if (old !== undefined && staleSample(old, st.mtimeMs, code)) redo = true;
    }
    // One stale, all again: they keep their order in the list.
    if (redo)
      for (const file of samples) if (known.has(file)) await server.service.delete(known.get(file)!.id);
    // Added last to first: the list shows the newest first, so the samples read in their order
    // (alphabetical: basic-call.pcap at the top, not tcp-call.pcap).
    for (const file of [...samples].reverse()) {
      if (known.has(file) && !redo) continue;
      ids.push(
        (await server.service.add({ path: file, name: basename(file), size: sizes.get(file) ?? 0 })).id,
      );
    }
    await Promise.all(ids.map((id) => server.service.settled(id)));
  } catch (e) {
    await close();
    throw e;
  }
  return { url, port, host, server, http, close };
}
