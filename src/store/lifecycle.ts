/**
 * What happens to stored captures across restarts of sipscope.
 *
 * At start (`recoverCaptures`), a capture whose status is still `analyzing`
 * was being analysed when the process died (kill -9, a crash, a power cut):
 * its rows are partial. It is never shown as ready: it is analysed again from
 * its file when the file is still there (the caller queues it; the store's
 * writer drops the partial rows when it opens), else marked failed with the
 * reason. A capture still `live` had its live session die with the process:
 * the calls it stored are complete ones (a live capture writes a call
 * through when it ends, live-persist.ts), so it is closed as ready with the
 * counts of what was stored and a warning saying when it was interrupted
 * (its last write to disk) and that the calls in progress then are lost,
 * when the store can count (SQLite); otherwise failed.
 *
 * `dataDirUsage` measures what retention.ts limits: the database files plus
 * the capture files sipscope keeps.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataDir } from './data-dir.js';
import { capturePaths } from './file-range.js';
import type { AnalysisStats } from './rows.js';
import type { CaptureRecord, Store } from './store.js';

export interface RecoveryOptions {
  /** Analyse again a capture found analysing whose file is still there (default true); else it is failed. */
  reanalyse?: boolean;
  /** Default `fs.existsSync`. */
  fileExists?: (path: string) => boolean;
  /** Counts of what a capture stored (SqliteStore.rowStats): closes an interrupted live capture as ready. */
  rowStats?: (id: string) => Promise<AnalysisStats | undefined>;
  /** When a live capture last wrote to disk (ISO 8601; live-persist-sql.ts `liveSeenAt`). */
  liveSeen?: (id: string) => Promise<string | undefined>;
}

export interface Recovery {
  /** Captures to analyse again (left `analyzing`, progress 0), oldest first. */
  reanalyse: CaptureRecord[];
  /** Captures marked failed, with the reason in `error`. */
  failed: CaptureRecord[];
  /** Live captures closed as ready with what they stored. */
  closedLive: CaptureRecord[];
}

export const INTERRUPTED = 'the analysis was interrupted (sipscope stopped before it ended)';

/** Finds the captures a dead process left half-done and settles each one. */
export async function recoverCaptures(store: Store, opts: RecoveryOptions = {}): Promise<Recovery> {
  const exists = opts.fileExists ?? existsSync;
  const reanalyse = opts.reanalyse ?? true;
  const out: Recovery = { reanalyse: [], failed: [], closedLive: [] };
  const all = (await store.listCaptures()).reverse();
  for (const c of all) {
    if (c.status === 'analyzing') {
      // A merged capture's files all (capture-service.ts removes them together).
      const present = capturePaths(c).every((p) => exists(p));
      if (reanalyse && present) {
        const again = await store.updateCapture(c.id, { progress: 0, error: null, stats: null });
        if (again !== undefined) out.reanalyse.push(again);
        continue;
      }
      const why = present ? 'upload it again' : 'and its file is gone';
      out.failed.push(await fail(store, c, `${c.name}: ${INTERRUPTED}; ${why}`));
    } else if (c.status === 'live') {
      const stats = opts.rowStats === undefined ? undefined : await opts.rowStats(c.id);
      if (stats === undefined) {
        out.failed.push(
          await fail(store, c, `${c.name}: the live capture was interrupted (sipscope stopped)`),
        );
        continue;
      }
      const seen = await opts.liveSeen?.(c.id);
      const at = seen === undefined ? '' : ` at ${seen}`;
      const closed = await store.updateCapture(c.id, {
        status: 'ready',
        progress: 1,
        stats,
        warnings: [
          ...(c.warnings ?? []),
          `${c.name}: the live capture was interrupted${at} (sipscope stopped without closing it): the ${stats.calls} calls that had ended and were still in its window are kept; calls in progress then are lost`,
        ],
      });
      if (closed !== undefined) out.closedLive.push(closed);
    }
  }
  return out;
}

/** Marks a capture failed and drops its partial rows (through a writer, as an analysis would). */
async function fail(store: Store, c: CaptureRecord, error: string): Promise<CaptureRecord> {
  try {
    const w = await store.openWriter(c.id);
    await w.fail(error);
  } catch {
    // Another writer holds it (cannot happen at start) or it is gone: mark it anyway.
    await store.updateCapture(c.id, { status: 'failed', error, stats: null });
  }
  return (await store.getCapture(c.id)) ?? { ...c, status: 'failed', error };
}

async function fileSize(p: string): Promise<number> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : 0;
  } catch {
    return 0;
  }
}

async function dirSize(dir: string): Promise<number> {
  let entries: Array<{ name: string; isFile(): boolean; isDirectory(): boolean }>;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isFile()) total += await fileSize(p);
    else if (e.isDirectory()) total += await dirSize(p);
  }
  return total;
}

/** Bytes the data directory takes: the database (with its WAL) and the files under captures/ and live/. */
export async function dataDirUsage(d: DataDir): Promise<number> {
  const db = (await fileSize(d.db)) + (await fileSize(`${d.db}-wal`)) + (await fileSize(`${d.db}-shm`));
  return db + (await dirSize(d.captures)) + (await dirSize(d.live));
}
