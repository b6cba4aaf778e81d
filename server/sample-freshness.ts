/**
 * The bundled samples are analysed once and kept in a persistent store; an
 * analysis older than the code that would make it now (a `git pull` and a
 * build bring new rules, RTP streams…) or than the sample file is stale:
 * `serve` analyses that sample again on start, so what the samples show is
 * what this sipscope finds. Uploads are left as they were analysed.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaptureRecord } from '../src/store/store.js';

/** The analysis code beside this file: dist/src from the build, src from the sources. */
const CODE_DIR = fileURLToPath(new URL('../src/', import.meta.url));

/** Newest modification time (ms since the epoch) of the .js/.ts files under `dir`; 0 when none. */
export async function newestCodeTime(dir = CODE_DIR): Promise<number> {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestCodeTime(p));
    else if (/\.(js|ts)$/.test(e.name)) newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/** Its last analysis ended before `time` (ms since the epoch): `analyzedAt`, else when it was added. */
export function analysedBefore(c: CaptureRecord, time: number): boolean {
  return !(Date.parse(c.analyzedAt ?? c.createdAt) >= time);
}

/** The earlier analysis of a sample must be redone: it did not finish, or predates the code or the file. */
export function staleSample(c: CaptureRecord, sampleTime: number, codeTime: number): boolean {
  return c.status !== 'ready' || analysedBefore(c, sampleTime) || analysedBefore(c, codeTime);
}
