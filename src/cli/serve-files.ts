/**
 * `sipscope serve FILE...`: captures named on the command line, analysed in
 * the background once the server listens and listed with the uploads, as
 * `sngrep -I FILE` opens a file in its UI. They are read where they are (not
 * copied into the data directory, never deleted or pruned by sipscope), and
 * a file the data directory already holds by that path and size is not
 * analysed again. With `--merge`, the files are one capture merged by time
 * (capture/merge-captures.ts), found again by all their paths and sizes.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CaptureService } from '../../server/capture-service.js';
import { mergedCaptureError, mergedName } from '../../server/merge-upload.js';
import type { CaptureRecord } from '../store/store.js';

export interface ServedFile {
  path: string;
  size: number;
}

/** The files, resolved and checked (a regular file each); or the line saying which one is not. */
export function servedFiles(args: readonly string[]): ServedFile[] | { error: string } {
  const out: ServedFile[] = [];
  for (const a of args) {
    const path = resolve(a);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      return { error: `${a}: no such file` };
    }
    if (!st.isFile()) return { error: `${a}: not a file` };
    out.push({ path, size: st.size });
  }
  return out;
}

/** What finds a capture of the same files again: each file's size and path. */
function filesKey(files: readonly { path: string; size: number }[]): string {
  return files.map((f) => `${f.size} ${f.path}`).join('\n');
}

const recordKey = (c: CaptureRecord): string => filesKey(c.files ?? [c]);

/** Adds each file (or finds it, by path and size, among the captures already kept); their capture ids, in order. */
export async function addServedFiles(
  service: CaptureService,
  files: readonly ServedFile[],
): Promise<string[]> {
  const known = new Map<string, string>();
  for (const c of await service.store.listCaptures()) known.set(recordKey(c), c.id);
  const ids: string[] = [];
  for (const f of files) {
    const id = known.get(filesKey([f]));
    ids.push(id ?? (await service.add({ path: f.path, name: basename(f.path), size: f.size })).id);
  }
  return ids;
}

/** `serve --merge`: the line naming the file and byte offset when one of them is not a capture. */
export function mergedFilesError(files: readonly ServedFile[]): Promise<string | undefined> {
  return mergedCaptureError(files.map((f) => ({ path: f.path, name: basename(f.path) })));
}

/**
 * `serve --merge A B …`: the files (checked by `mergedFilesError`) as one
 * capture merged by time, or the capture of the same files already kept.
 */
export async function addMergedFiles(service: CaptureService, files: readonly ServedFile[]): Promise<string> {
  for (const c of await service.store.listCaptures()) if (recordKey(c) === filesKey(files)) return c.id;
  const refs = files.map((f) => ({ path: f.path, name: basename(f.path), size: f.size }));
  const size = files.reduce((n, f) => n + f.size, 0);
  return (await service.add({ path: refs[0].path, name: mergedName(refs), size, files: refs })).id;
}
