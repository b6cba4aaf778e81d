/**
 * `POST /api/captures`: the upload streamed to a file in the upload
 * directory, never held in memory: the raw bytes as the body (file name in
 * `X-Filename`, percent-encoded when not ASCII) or a multipart form with a
 * field `file` (busboy). Over the size limit, the partial file is removed and
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
import { HttpError } from './http-error.js';

export interface UploadedFile {
  /** Where the bytes are now. */
  path: string;
  /** The name the client gave it, made safe to show. */
  name: string;
  size: number;
}

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

export async function receiveUpload(req: Request, opts: UploadOptions): Promise<UploadedFile> {
  const path = join(opts.dir, `${Date.now()}-${randomBytes(6).toString('hex')}.capture`);
  const type = req.headers['content-type'] ?? '';
  try {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.limit) {
      await drain(req);
      throw tooLarge(opts.limit);
    }
    if (/^multipart\/form-data/i.test(type)) return await receiveMultipart(req, path, opts);
    const size = await writeLimited(req, createWriteStream(path, { flags: 'wx' }), opts.limit);
    return { path, name: safeName(headerValue(req.headers['x-filename'])), size };
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Copies `src` into `out`, counting; past `limit` it stops writing, drains `src` and throws 413. */
async function writeLimited(src: Readable, out: WriteStream, limit: number): Promise<number> {
  let size = 0;
  let over = false;
  await pipeline(
    src,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        if (over) continue;
        size += chunk.length;
        if (size > limit) {
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

function drain(req: Readable): Promise<void> {
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

function receiveMultipart(req: Request, path: string, opts: UploadOptions): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: opts.limit, fields: 20, parts: 40, fieldSize: 64 * 1024 },
      });
    } catch (e) {
      reject(new HttpError(400, `not a multipart upload: ${(e as Error).message}`));
      return;
    }
    let file: Promise<UploadedFile> | undefined;
    let truncated = false;
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || file !== undefined) {
        stream.resume();
        return;
      }
      stream.on('limit', () => {
        truncated = true;
      });
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
      });
      file = pipeline(stream, createWriteStream(path, { flags: 'wx' })).then(() => ({
        path,
        name: safeName(info.filename),
        size,
      }));
      file.catch(() => {});
    });
    bb.on('error', (e: Error) => {
      req.unpipe(bb);
      void drain(req).then(() =>
        reject(new HttpError(400, `the multipart upload is malformed: ${e.message}`)),
      );
    });
    bb.on('close', () => {
      if (file === undefined) {
        reject(new HttpError(400, 'the multipart upload has no field "file"'));
        return;
      }
      file.then(
        (f) => (truncated ? reject(tooLarge(opts.limit)) : resolve(f)),
        (e: Error) => reject(new HttpError(400, `the upload did not arrive whole: ${e.message}`)),
      );
    });
    req.on('aborted', () => reject(new HttpError(400, 'the upload was aborted')));
    req.pipe(bb);
  });
}
