/**
 * `sipscope serve FILE...`: captures named on the command line, analysed in
 * the background once the server listens and listed with the uploads, as
 * `sngrep -I FILE` opens a file in its UI. They are read where they are (not
 * copied into the data directory, never deleted or pruned by sipscope), and
 * a file the data directory already holds by that path and size is not
 * analysed again.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CaptureService } from '../../server/capture-service.js';

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

/** Adds each file (or finds it, by path and size, among the captures already kept); their capture ids, in order. */
export async function addServedFiles(
  service: CaptureService,
  files: readonly ServedFile[],
): Promise<string[]> {
  const known = new Map<string, string>();
  for (const c of await service.store.listCaptures()) known.set(`${c.size} ${c.path}`, c.id);
  const ids: string[] = [];
  for (const f of files) {
    const id = known.get(`${f.size} ${f.path}`);
    ids.push(id ?? (await service.add({ path: f.path, name: basename(f.path), size: f.size })).id);
  }
  return ids;
}
