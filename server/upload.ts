/**
 * `POST /api/captures`: the upload streamed to a file in the upload
 * directory, never held in memory: the raw bytes as the body (file name in
 * `X-Filename`, percent-encoded when not ASCII) or a multipart form with a
 * field `file` (busboy), which may bring TLS keys with it (upload-keys.ts).
 * A form with several `file` parts is one capture merged by time from them
 * (`files`, in the order sent; merge-upload.ts checks them). Over the size
 * limit (of all parts together), the partial files are removed and
 * the answer is 413 once the rest of the body has been read and discarded (a
 * client that is still sending gets the answer rather than a reset).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { type KeyTexts, MAX_KEYLOG_BYTES, MAX_RSA_KEYS } from './capture-keys.js';
import { HttpError } from './http-error.js';
import { KEY_FIELD, KEY_FIELDS_LIMIT, KEYLOG_FIELD, KeyParts } from './upload-keys.js';

export interface UploadedFile {
  /** Where the bytes are now. */
  path: string;
  /** The name the client gave it, made safe to show. */
  name: string;
  size: number;
  /** TLS key material sent with it (multipart fields `tlsKeylog`, `tlsKey`), checked. */
  keys?: KeyTexts;
  /**
   * Several `file` parts: each of them, in the order sent (`path` and `name`
   * are then the first's, `size` all of theirs). Absent for one.
   */
  files?: UploadedPart[];
}

/** One `file` part of a multipart upload. */
export interface UploadedPart {
  path: string;
  name: string;
  size: number;
}

/** Most `file` parts one upload may merge. */
export const MAX_UPLOAD_FILES = 64;

export interface UploadOptions {
  dir: string;
  /** Bytes. */
  limit: number;
}

const MAX_NAME = 200;

/** The client's file name as display text: no directories, no control characters, bounded. */
export function safeName(raw: string | undefined): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded: taken as it is.
  }
  name = basename(name.replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim();
  if (name.length > MAX_NAME) name = name.slice(0, MAX_NAME);
  return name === '' || name === '.' || name === '..' ? 'upload' : name;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the upload is larger than the limit of ${limit} bytes`);
}

/**
 * `POST /api/captures/:id/keys`: the key fields of a multipart form, checked
 * (400 for a key that is not one, or for no key at all; 413 over the limits).
 */
export async function receiveKeys(req: Request): Promise<KeyTexts> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > KEY_FIELDS_LIMIT) {
    await drain(req);
    throw new HttpError(413, `the upload is larger than the limit of ${KEY_FIELDS_LIMIT} bytes`);
  }
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    await drain(req);
    throw new HttpError(
      400,
      `TLS keys come as multipart/form-data with fields ${KEYLOG_FIELD} and ${KEY_FIELD}`,
    );
  }
  const keys = (await receiveMultipart(req)).keys.texts();
  if (keys === undefined)
    throw new HttpError(
      400,
      `the upload has no field ${KEYLOG_FIELD} (a key log) or ${KEY_FIELD} (an RSA key)`,
    );
  return keys;
}

/** A new file name in the upload directory. */
const uploadPath = (dir: string): string =>
  join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}.capture`);

export async function receiveUpload(req: Request, opts: UploadOptions): Promise<UploadedFile> {
  const path = uploadPath(opts.dir);
  const type = req.headers['content-type'] ?? '';
  // The files written (a form's `file` parts each have one), removed all when the upload fails.
  const written: string[] = [];
  const next = (): string => {
    const p = written.length === 0 ? path : uploadPath(opts.dir);
    written.push(p);
    return p;
  };
  try {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.limit) {
      await drain(req);
      throw tooLarge(opts.limit);
    }
    if (/^multipart\/form-data/i.test(type)) {
      const form = await receiveMultipart(req, { path: next, limit: opts.limit });
      // Checked once the form is whole: a bad key refuses the upload, and the catch below removes its file.
      const keys = form.keys.texts();
      return keys === undefined ? form.file! : { ...form.file!, keys };
    }
    const size = await writeLimited(req, createWriteStream(next(), { flags: 'wx' }), opts.limit);
    return { path, name: safeName(headerValue(req.headers['x-filename'])), size };
  } catch (e) {
    for (const p of written) await rm(p, { force: true });
    throw e;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Copies `src` into `out`, counting; past `limit` (with the bytes of the
 * upload's earlier parts, `total`) it stops writing, drains `src` and throws 413.
 */
async function writeLimited(
  src: Readable,
  out: WriteStream,
  limit: number,
  total = { bytes: 0 },
): Promise<number> {
  let size = 0;
  let over = false;
  await pipeline(
    src,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        if (over) continue;
        size += chunk.length;
        total.bytes += chunk.length;
        if (total.bytes > limit) {
          over = true;
          continue;
        }
        yield chunk;
      }
    },
    out,
  ).catch((e: unknown) => {
    throw new HttpError(400, `the upload did not arrive whole: ${(e as Error).message}`);
  });
  if (over) throw tooLarge(limit);
  return size;
}

/** Reads and discards the rest of a request, so that a client still sending gets the answer rather than a reset. */
export function drain(req: Readable): Promise<void> {
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

/** The form's `file` parts as one upload: the first's path and name, all their bytes, `files` when several. */
function uploadedOf(files: UploadedPart[]): UploadedFile {
  const size = files.reduce((n, f) => n + f.size, 0);
  const first = files[0];
  return files.length === 1 ? first : { path: first.path, name: first.name, size, files };
}

/** What a multipart form brought: the capture file (when asked for) and the TLS key fields. */
interface Form {
  file?: UploadedFile;
  keys: KeyParts;
}

/**
 * Reads a multipart form: with `capture`, each of its `file` parts streamed
 * to a file `capture.path()` names (413 past `capture.limit` for all of them,
 * 400 without any or with more than MAX_UPLOAD_FILES); the key fields always
 * (upload-keys.ts); other fields are skipped.
 */
function receiveMultipart(req: Request, capture?: { path: () => string; limit: number }): Promise<Form> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          files: MAX_UPLOAD_FILES + 1 + MAX_RSA_KEYS,
          // Each part's own limit is checked as it is read (a byte past it is enough to know).
          fileSize: Math.max(capture?.limit ?? 0, MAX_KEYLOG_BYTES) + 1,
          fields: 20,
          parts: 40 + MAX_UPLOAD_FILES,
          fieldSize: 64 * 1024,
        },
      });
    } catch (e) {
      reject(new HttpError(400, `not a multipart upload: ${(e as Error).message}`));
      return;
    }
    const keys = new KeyParts();
    const keyReads: Array<Promise<void>> = [];
    const parts: Array<Promise<UploadedPart>> = [];
    const total = { bytes: 0 };
    let tooMany = false;
    bb.on('file', (field, stream, info) => {
      const key = keys.file(field, stream);
      if (key !== null) {
        keyReads.push(key);
        return;
      }
      if (capture === undefined || field !== 'file' || parts.length === MAX_UPLOAD_FILES) {
        if (field === 'file' && capture !== undefined) tooMany = true;
        stream.resume();
        return;
      }
      const path = capture.path();
      const part = writeLimited(stream, createWriteStream(path, { flags: 'wx' }), capture.limit, total).then(
        (size) => ({ path, name: safeName(info.filename), size }),
      );
      part.catch(() => {});
      parts.push(part);
    });
    bb.on('field', (field, value, info) => {
      keys.field(field, value, info.valueTruncated);
    });
    bb.on('error', (e: Error) => {
      req.unpipe(bb);
      void drain(req).then(() =>
        reject(new HttpError(400, `the multipart upload is malformed: ${e.message}`)),
      );
    });
    bb.on('close', () => {
      void Promise.all(keyReads).then(() => {
        if (capture === undefined) {
          resolve({ keys });
          return;
        }
        if (parts.length === 0) {
          reject(new HttpError(400, 'the multipart upload has no field "file"'));
          return;
        }
        // Every part written (or failed) before the answer: a failed upload's files are then removed whole.
        void Promise.allSettled(parts).then((settled) => {
          const failed = settled.find((x) => x.status === 'rejected');
          if (failed !== undefined) reject(failed.reason);
          else if (tooMany)
            reject(new HttpError(400, `an upload merges at most ${MAX_UPLOAD_FILES} files (fields "file")`));
          else
            resolve({
              file: uploadedOf(settled.map((x) => (x as PromiseFulfilledResult<UploadedPart>).value)),
              keys,
            });
        });
      });
    });
    req.on('aborted', () => reject(new HttpError(400, 'the upload was aborted')));
    req.pipe(bb);
  });
}
