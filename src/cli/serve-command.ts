/**
 * `sipscope serve [FILE...] [--host H] [--port P] [--data DIR] [--upload-limit BYTES] [--no-samples]
 *  [--keep AGE] [--max-size SIZE] [--memory] [--live IFACE … --filter BPF] [--hep PORT [--hep-key KEY] [--hep-host ADDR]]
 *  [--window-calls N] [--window-messages N] [--window-bytes SIZE] [--live-pcap DIR] [--heap-growth PERCENT] [--heap-compact yes|no]`:
 * the web UI and its API (server/), with the bundled samples analysed and
 * listed, or the captures named (serve-files.ts). Analyses are kept in the
 * data directory's SQLite database (src/store/data-dir.ts) and survive a restart; `--memory` keeps them in
 * memory only. `--live`/`--hep` add a live capture (server/live-options.ts),
 * whose window's ended calls are kept in the database too (src/store/live-persist.ts).
 * `--heap-growth` sets how far the heap grows between full collections, `--heap-compact` whether
 * each compacts it (server/heap-growth.ts).
 * Runs until SIGINT or SIGTERM, then closes cleanly.
 */
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_UPLOAD_LIMIT } from '../../server/app.js';
import { setHeapCompaction, setHeapGrowth } from '../../server/heap-growth.js';
import { LiveStartError } from '../../server/live-monitor.js';
import { LIVE_SERVE_OPTIONS, liveServeOptions } from '../../server/live-options.js';
import { packageRoot } from '../../server/package-root.js';
import { DEFAULT_HOST, defaultPort, startServer } from '../../server/start.js';
import { ensureDataDir, resolveDataDir } from '../store/data-dir.js';
import { createMemoryStore } from '../store/memory-store.js';
import { parseAge, type RetentionPolicy } from '../store/retention.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { DEFAULT_WINDOW_LIMITS } from '../store/window.js';
import { readTlsKeyOptions } from '../tls/key-options.js';
import { parseCliArgs } from './parse-args.js';
import { addMergedFiles, addServedFiles, mergedFilesError, servedFiles } from './serve-files.js';
import { termText, writeErr } from './term-safe.js';

/** `--data`, else `$SIPSCOPE_DATA`, else the XDG data home's `sipscope` (`~/.local/share/sipscope`). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveDataDir({ env }).root;
}

/** The captures in the package's samples/ directory. */
export function bundledSamples(): string[] {
  const dir = join(packageRoot(), 'samples');
  try {
    return readdirSync(dir)
      .filter((f) => /\.(pcap|pcapng|cap)$/i.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** `1073741824`, `512k`, `100M`, `1G` (powers of 1024) → bytes; undefined when unreadable. */
export function parseSize(s: string): number | undefined {
  const m = /^(\d+)\s*([kmg]i?b?)?$/i.exec(s.trim());
  if (m === null) return undefined;
  const unit = (m[2] ?? '').charAt(0).toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export async function runServe(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(args));
  } catch (e) {
    writeErr(`sipscope serve: ${(e as Error).message} (see sipscope --help)\n`);
    return 2;
  }
  const files = servedFiles(positionals);
  if ('error' in files) {
    writeErr(`sipscope serve: ${files.error}\n`);
    return 2;
  }
  if (values.merge && files.length < 2) {
    writeErr('sipscope serve: --merge takes two or more capture files\n');
    return 2;
  }
  // As analyze A B: every file's header read first, one that is not a capture named before anything starts.
  const notCapture = values.merge ? await mergedFilesError(files) : undefined;
  if (notCapture !== undefined) {
    writeErr(`sipscope serve: ${notCapture}\n`);
    return 1;
  }
  const port = values.port === undefined ? defaultPort() : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535) {
    writeErr(`sipscope serve: --port must be a number from 0 to 65535, got '${values.port}'\n`);
    return 2;
  }
  const uploadLimit =
    values['upload-limit'] === undefined ? DEFAULT_UPLOAD_LIMIT : parseSize(values['upload-limit']);
  if (uploadLimit === undefined) {
    writeErr(
      `sipscope serve: --upload-limit must be a size in bytes (or with k, M, G), got '${values['upload-limit']}'\n`,
    );
    return 2;
  }
  const retention: RetentionPolicy = {};
  if (values.keep !== undefined) {
    retention.maxAgeMs = parseAge(values.keep);
    if (retention.maxAgeMs === undefined) {
      writeErr(`sipscope serve: --keep must be an age like 30d, 12h or 90m, got '${values.keep}'\n`);
      return 2;
    }
  }
  if (values['max-size'] !== undefined) {
    retention.maxBytes = parseSize(values['max-size']);
    if (retention.maxBytes === undefined) {
      writeErr(
        `sipscope serve: --max-size must be a size in bytes (or with k, M, G), got '${values['max-size']}'\n`,
      );
      return 2;
    }
  }
  // Checked now (a wrong path is one line at start); each analysis reads them again (a key log grows).
  const keys = readTlsKeyOptions(values['tls-keylog'], values['tls-key']);
  if (typeof keys === 'string') {
    writeErr(`sipscope serve: ${keys}\n`);
    return 2;
  }
  const tls =
    values['tls-keylog'] === undefined && values['tls-key'] === undefined
      ? undefined
      : {
          keyLog: values['tls-keylog'] === undefined ? undefined : resolve(values['tls-keylog']),
          rsaKeys: values['tls-key']?.map((f) => resolve(f)),
        };
  const liveOpts = liveServeOptions(values, parseSize);
  if ('error' in liveOpts) {
    writeErr(`sipscope serve: ${liveOpts.error}\n`);
    return 2;
  }
  const live = liveOpts.live;
  // A server that runs for days holds a steady amount (a live window, an upload's calls in
  // progress): its heap need not grow to 4× that between collections.
  setHeapGrowth(liveOpts.heapGrowth);
  setHeapCompaction(liveOpts.heapCompact);
  const host = values.host ?? DEFAULT_HOST;
  const data = resolveDataDir({ flag: values.data });
  const dataDir = data.root;
  // Captures named on the command line take the samples' place.
  const samples = values['no-samples'] || files.length > 0 ? [] : bundledSamples();
  let store: Store;
  try {
    store = values.memory ? createMemoryStore() : openSqliteStore({ file: ensureDataDir(data).db });
  } catch (e) {
    writeErr(`sipscope serve: ${(e as Error).message}\n`);
    return 2;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ host, port, dataDir, uploadLimit, samples, store, retention, live, tls });
  } catch (e) {
    await store.close();
    if (e instanceof LiveStartError) {
      writeErr(`sipscope serve: live capture: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the address is in use' : err.message;
    writeErr(`sipscope serve: cannot serve on ${host}:${port}: ${why}\n`);
    return 2;
  }
  const kept = values.memory ? 'analyses in memory only' : 'analyses kept in sipscope.db';
  const listed = values.merge
    ? `${files.length} files merged into one capture`
    : files.length > 0
      ? `${files.length} capture${files.length === 1 ? '' : 's'} named`
      : `${samples.length} sample captures`;
  // Paths and interface names are the user's (a file's name is anyone's text): escaped as on stderr.
  const say = (line: string): boolean => process.stdout.write(termText(line));
  say(`sipscope: serving ${server.url}/ (data in ${dataDir}, ${kept}, ${listed}; Ctrl-C stops)\n`);
  if (values.merge) {
    const id = await addMergedFiles(server.server.service, files);
    say(
      `sipscope: ${files.map((f) => basename(f.path)).join(', ')} merged by time: ${server.url}/#/captures/${id}\n`,
    );
  } else
    for (const [i, id] of (await addServedFiles(server.server.service, files)).entries())
      say(`sipscope: ${basename(files[i].path)}: ${server.url}/#/captures/${id}\n`);
  const monitor = server.server.live;
  if (monitor !== null && live !== undefined)
    say(
      `sipscope: live capture ${monitor.captureId}: ${monitor.sources.join(', ')} (window: ${windowText(live.window)})\n`,
    );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await store.close();
  process.stdout.write('sipscope: stopped\n');
  return 0;
}

function windowText(w: { maxCalls?: number; maxMessages?: number; maxBytes?: number } = {}): string {
  const l = { ...DEFAULT_WINDOW_LIMITS, ...w };
  return `${l.maxCalls} calls, ${l.maxMessages} messages, ${Math.round(l.maxBytes / 1024 / 1024)} MiB`;
}

/** The options of `serve` (each documented in help.ts: test/cli/help.test.ts). */
export const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  'upload-limit': { type: 'string' },
  'no-samples': { type: 'boolean' },
  keep: { type: 'string' },
  'max-size': { type: 'string' },
  memory: { type: 'boolean' },
  merge: { type: 'boolean' },
  'tls-keylog': { type: 'string' },
  'tls-key': { type: 'string', multiple: true },
  ...LIVE_SERVE_OPTIONS,
} as const;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: true, options: SERVE_OPTIONS });
}
