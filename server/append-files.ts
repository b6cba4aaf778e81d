/**
 * `POST /api/captures/:id/files`: capture files added to a capture already
 * uploaded, as Wireshark's File ▸ Merge adds a file to the one open — the far
 * end's capture that came later, the next rotated tcpdump file. The capture
 * keeps its id, its TLS keys and its files' time shifts; it becomes (or
 * stays) a capture merged by time whose files are the old ones then the new
 * ones, and is analysed again as `…/reanalyze` does. The new files are taken
 * as an upload of several files takes them (upload.ts, merge-upload.ts):
 * each one's header read before anything is kept, one that is not a capture
 * refusing them all. The upload limit counts the capture's bytes and the new
 * ones: a capture never grows past what one upload could have made it.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Request } from 'express';
import { capturePaths } from '../src/store/file-range.js';
import type { CaptureFileRef, CaptureRecord } from '../src/store/store.js';
import { saveKeys } from './capture-keys.js';
import type { CaptureService, Reanalysis } from './capture-service.js';
import { HttpError } from './http-error.js';
import { checkMergedUpload, mergedName } from './merge-upload.js';
import { MAX_UPLOAD_FILES, receiveUpload, type UploadedFile, type UploadedPart } from './upload.js';

/** Why files cannot be added to `c` (as `reanalyze` refuses, and a file read in place); null: they can. */
export function addFilesRefusal(
  service: CaptureService,
  c: CaptureRecord,
): Exclude<Reanalysis, object | undefined> | 'read-in-place' | null {
  if (c.status === 'live' || c.path === '') return 'live';
  if (c.status === 'analyzing') return 'busy';
  // A bundled sample or `serve --merge` files: not the server's to merge with uploads, nor to delete.
  if (!service.ownsFile(c.path)) return 'read-in-place';
  if (!capturePaths(c).every((p) => existsSync(p))) return 'no-file';
  return null;
}

/**
 * The capture's files once `parts` are added after them, and its name and
 * size as an upload of all of them at once gives (merge-upload.ts): a
 * capture of one file becomes a merged capture of its file and the new ones.
 */
export function withFilesAdded(
  c: CaptureRecord,
  parts: readonly UploadedPart[],
): { files: CaptureFileRef[]; name: string; size: number } {
  const old: CaptureFileRef[] = c.files ?? [{ path: c.path, name: c.name, size: c.size }];
  const files = [...old, ...parts.map(({ path, name, size }) => ({ path, name, size }))];
  return { files, name: mergedName(files), size: files.reduce((n, f) => n + f.size, 0) };
}

/** The 413 of files too big for what the upload limit leaves to `c`. */
function tooLarge(c: CaptureRecord, limit: number): HttpError {
  return new HttpError(
    413,
    `the upload limit of ${limit} bytes counts the capture's files and the ones added: capture ${c.id} has ${c.size} bytes, ${Math.max(0, limit - c.size)} more may be added`,
  );
}

/** The 413 or 400 of adding `added` files of `bytes` to `c`, or undefined when they fit. */
function overLimit(c: CaptureRecord, added: number, bytes: number, limit: number): HttpError | undefined {
  const had = c.files?.length ?? 1;
  if (c.size + bytes > limit) return tooLarge(c, limit);
  if (had + added > MAX_UPLOAD_FILES)
    return new HttpError(
      400,
      `a capture merges at most ${MAX_UPLOAD_FILES} files: capture ${c.id} has ${had}, ${added} were added`,
    );
  return undefined;
}

/**
 * Receives the files of the request for capture `c` (the form's `file`
 * parts, or a raw body, as `POST /api/captures` takes them, with the room
 * the upload limit leaves) and checks them; refused (400, 413), none of
 * them is kept.
 */
export async function receiveAddedFiles(
  service: CaptureService,
  c: CaptureRecord,
  req: Request,
  limit: number,
): Promise<UploadedFile & { parts: UploadedPart[] }> {
  let upload: UploadedFile;
  try {
    upload = await receiveUpload(req, { dir: service.uploadDir, limit: Math.max(0, limit - c.size) });
  } catch (e) {
    // The limit left to this capture, said as such rather than as a smaller limit.
    const capture = e instanceof HttpError && e.message.startsWith('the upload is larger than the limit');
    throw capture ? tooLarge(c, limit) : e;
  }
  const parts = upload.files ?? [{ path: upload.path, name: upload.name, size: upload.size }];
  try {
    const over = overLimit(c, parts.length, upload.size, limit);
    if (over !== undefined) throw over;
    await checkMergedUpload(parts);
  } catch (e) {
    await removeParts(parts);
    throw e;
  }
  return { ...upload, parts };
}

/**
 * Adds the files received to capture `id` and queues its analysis again
 * (`reanalyze`, which refuses as it refuses: the new files are removed then).
 * Checked again against the capture as it is once nothing else changes it.
 */
export async function addFiles(
  service: CaptureService,
  id: string,
  upload: UploadedFile & { parts: UploadedPart[] },
  limit: number,
): Promise<Reanalysis> {
  let out: Reanalysis;
  try {
    out = await service.reanalyze(id, async (c) => {
      const over = overLimit(c, upload.parts.length, upload.size, limit);
      if (over !== undefined) throw over;
      if (upload.keys !== undefined) await saveKeys(c.path, upload.keys);
      await service.store.updateCapture(id, withFilesAdded(c, upload.parts));
    });
  } catch (e) {
    await removeParts(upload.parts);
    throw e;
  }
  if (typeof out !== 'object') await removeParts(upload.parts);
  return out;
}

async function removeParts(parts: readonly UploadedPart[]): Promise<void> {
  for (const p of parts) await rm(p.path, { force: true });
}
