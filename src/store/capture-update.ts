/**
 * A capture record patched in memory (the memory and window stores; SQLite
 * writes the same in SQL, sqlite-store.ts and sqlite-writer.ts). A capture
 * that becomes `ready` is stamped `analyzedAt` (SQLite: a trigger,
 * sqlite-schema.ts), so the server can tell an analysis older than the
 * running code (capture-service.ts `publicInfo`).
 */
import type { CaptureRecord, CaptureUpdate } from './store.js';

export function applyCaptureUpdate(rec: CaptureRecord, patch: CaptureUpdate): void {
  if (patch.status === 'ready' && rec.status !== 'ready') rec.analyzedAt = new Date().toISOString();
  if (patch.status !== undefined) rec.status = patch.status;
  if (patch.progress !== undefined) rec.progress = Math.min(1, Math.max(0, patch.progress));
  if (patch.error === null) delete rec.error;
  else if (patch.error !== undefined) rec.error = patch.error;
  if (patch.stats !== undefined) rec.stats = patch.stats;
  if (patch.source !== undefined) rec.source = patch.source;
  if (patch.size !== undefined) rec.size = patch.size;
  if (patch.warnings !== undefined) rec.warnings = patch.warnings;
  if (patch.files !== undefined) rec.files = patch.files;
  if (patch.name !== undefined) rec.name = patch.name;
}
