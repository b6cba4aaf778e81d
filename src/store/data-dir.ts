/**
 * Where sipscope keeps what outlives a process: the SQLite database of
 * analyses and the uploaded capture files it reads raw messages back from.
 *
 * The directory is chosen, first match wins, by
 *   1. `--data DIR` on the command line (`flag`),
 *   2. the environment variable `SIPSCOPE_DATA`,
 *   3. `$XDG_DATA_HOME/sipscope` when XDG_DATA_HOME is set (the XDG Base
 *      Directory spec: "$XDG_DATA_HOME defines the base directory relative to
 *      which user-specific data files should be stored"),
 *   4. `~/.local/share/sipscope` (that spec's default for XDG_DATA_HOME).
 *
 * Layout inside it:
 *   sipscope.db (+ -wal, -shm)   the store (src/store/sqlite-store.ts)
 *   captures/                    uploaded files, one per capture, deleted with it
 *   live/                        what live capture keeps of its traffic
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

export const DATA_ENV = 'SIPSCOPE_DATA';
export const DB_FILE = 'sipscope.db';
export const CAPTURES_DIR = 'captures';
export const LIVE_DIR = 'live';

export interface DataDirSource {
  /** The `--data` value, if given. */
  flag?: string;
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default `os.homedir()`. */
  home?: string;
}

export interface DataDir {
  /** Absolute path of the directory. */
  root: string;
  /** What chose it: for the log line at start. */
  from: 'flag' | 'env' | 'xdg' | 'default';
  db: string;
  captures: string;
  live: string;
}

/** Resolves the data directory (nothing is created: see `ensureDataDir`). */
export function resolveDataDir(src: DataDirSource = {}): DataDir {
  const env = src.env ?? process.env;
  const flag = src.flag?.trim();
  const fromEnv = env[DATA_ENV]?.trim();
  const xdg = env.XDG_DATA_HOME?.trim();
  let root: string;
  let from: DataDir['from'];
  if (flag) {
    root = resolve(flag);
    from = 'flag';
  } else if (fromEnv) {
    root = resolve(fromEnv);
    from = 'env';
  } else if (xdg && isAbsolute(xdg)) {
    // The spec: "If an implementation encounters a relative path in any of these variables it should consider the path invalid and ignore it."
    root = join(xdg, 'sipscope');
    from = 'xdg';
  } else {
    root = join(src.home ?? homedir(), '.local', 'share', 'sipscope');
    from = 'default';
  }
  return dataDirAt(root, from);
}

export function dataDirAt(root: string, from: DataDir['from'] = 'flag'): DataDir {
  const r = resolve(root);
  return { root: r, from, db: join(r, DB_FILE), captures: join(r, CAPTURES_DIR), live: join(r, LIVE_DIR) };
}

/**
 * Creates the directory and its sub-directories (owner-only: captures hold
 * other people's calls). Throws an Error naming the path when it cannot.
 */
export function ensureDataDir(d: DataDir): DataDir {
  for (const p of [d.root, d.captures, d.live]) {
    try {
      mkdirSync(p, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new Error(`data directory ${p}: ${(e as Error).message}`);
    }
  }
  return d;
}

/** True when `path` lies inside `dir` (so sipscope owns it and may delete it). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
