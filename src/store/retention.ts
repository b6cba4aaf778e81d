/**
 * Retention: how long analysed captures are kept and how much disk they may
 * take. The oldest go first; a capture still analysing or live is never
 * pruned (it is in use), and neither is one the caller protects (the bundled
 * samples).
 *
 * Two limits, either or both:
 * - `maxAgeMs`: a capture created longer ago than this goes;
 * - `maxBytes`: while the data directory takes more than this (the capture
 *   files sipscope owns plus the database), the oldest capture goes, then the
 *   usage is measured again (deleting rows shrinks the database).
 *
 * `planByAge` is the pure part; `applyRetention` runs the policy against a
 * store with the caller's way to measure the disk and to delete a capture
 * (the server's delete also removes the uploaded file).
 */
import type { CaptureRecord } from './store.js';

export interface RetentionPolicy {
  /** Keep captures at most this long (ms since they were created); undefined: no age limit. */
  maxAgeMs?: number;
  /** Keep the data directory at most this big (bytes); undefined: no size limit. */
  maxBytes?: number;
}

export interface RetentionHost {
  /** Every capture (any order). */
  list(): Promise<CaptureRecord[]>;
  /** Bytes the data directory takes now. */
  usage(): Promise<number>;
  /** Deletes the capture, its rows and its file when sipscope owns it. */
  remove(id: string): Promise<void>;
  /** Captures never pruned (e.g. the bundled samples, read in place). */
  protect?(c: CaptureRecord): boolean;
}

export interface RetentionResult {
  /** Ids deleted, oldest first, with why. */
  removed: Array<{ id: string; name: string; reason: 'age' | 'size' }>;
  /** Usage after pruning (only measured with a size limit). */
  usage?: number;
}

const DAY_MS = 86_400_000;

/** `30d`, `12h`, `90m`, or a bare number of days → milliseconds; undefined when unreadable. */
export function parseAge(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([dhm]?)$/i.exec(s.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const ms = n * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : DAY_MS);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

function prunable(c: CaptureRecord, host: Pick<RetentionHost, 'protect'>): boolean {
  return (c.status === 'ready' || c.status === 'failed') && !(host.protect?.(c) ?? false);
}

/** Oldest first: by creation time, then by id number (ids grow). */
function byAge(a: CaptureRecord, b: CaptureRecord): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta - tb;
  return Number(a.id.replace(/\D/g, '')) - Number(b.id.replace(/\D/g, ''));
}

/** The prunable captures older than `maxAgeMs` at `now`, oldest first. */
export function planByAge(
  captures: readonly CaptureRecord[],
  maxAgeMs: number,
  now: number,
  protect?: (c: CaptureRecord) => boolean,
): CaptureRecord[] {
  return captures
    .filter((c) => prunable(c, { protect }) && now - Date.parse(c.createdAt) > maxAgeMs)
    .sort(byAge);
}

/** Applies the policy once. */
export async function applyRetention(
  policy: RetentionPolicy,
  host: RetentionHost,
  now = Date.now(),
): Promise<RetentionResult> {
  const out: RetentionResult = { removed: [] };
  if (policy.maxAgeMs === undefined && policy.maxBytes === undefined) return out;
  if (policy.maxAgeMs !== undefined) {
    for (const c of planByAge(await host.list(), policy.maxAgeMs, now, host.protect)) {
      await host.remove(c.id);
      out.removed.push({ id: c.id, name: c.name, reason: 'age' });
    }
  }
  if (policy.maxBytes !== undefined) {
    let usage = await host.usage();
    if (usage > policy.maxBytes) {
      const oldest = (await host.list()).filter((c) => prunable(c, host)).sort(byAge);
      for (const c of oldest) {
        if (usage <= policy.maxBytes) break;
        await host.remove(c.id);
        out.removed.push({ id: c.id, name: c.name, reason: 'size' });
        usage = await host.usage();
      }
    }
    out.usage = usage;
  }
  return out;
}
