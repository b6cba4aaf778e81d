/** `/api/captures`: upload, list, one capture, delete, analyse again, add TLS keys or files, statistics (server/API.md "Captures"). */
import { rm } from 'node:fs/promises';
import { type Request, Router } from 'express';
import type { CaptureInfo } from '../../src/store/store.js';
import { addFiles, addFilesRefusal, receiveAddedFiles } from '../append-files.js';
import { type CaptureService, publicInfo, type Reanalysis } from '../capture-service.js';
import { HttpError } from '../http-error.js';
import { checkMergedUpload, mergedName } from '../merge-upload.js';
import { drain, receiveKeys, receiveUpload } from '../upload.js';
import { captureOr404, readableCapture } from './common.js';

export function capturesRouter(service: CaptureService, uploadLimit: number): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    let file: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      file = await receiveUpload(req, { dir: service.uploadDir, limit: uploadLimit });
    } catch (e) {
      service.counters.uploadsRejected++;
      throw e;
    }
    if (file.files !== undefined) {
      // Several files, one capture merged by time: one that is not a capture refuses them all.
      try {
        await checkMergedUpload(file.files);
      } catch (e) {
        service.counters.uploadsRejected++;
        for (const f of file.files) await rm(f.path, { force: true });
        throw e;
      }
      file = { ...file, name: mergedName(file.files) };
    }
    service.counters.uploads++;
    service.counters.uploadBytes += file.size;
    const info = await service.add(file);
    res.status(202).json({ id: info.id });
  });

  r.get('/', async (_req, res) => {
    res.json((await service.store.listCaptures()).map((c) => publicInfo(c, service.codeTime, service.owns)));
  });

  r.get('/:id', async (req, res) => {
    res.json(publicInfo(await captureOr404(service, req.params.id), service.codeTime, service.owns));
  });

  r.delete('/:id', async (req, res) => {
    if (!(await service.delete(req.params.id)))
      throw new HttpError(404, `no capture ${JSON.stringify(req.params.id)}`);
    res.status(204).end();
  });

  r.post('/:id/reanalyze', async (req, res) => {
    const id = req.params.id;
    res.status(202).json({ id: queuedOr409(id, await service.reanalyze(id)).id });
  });

  // TLS keys for a capture uploaded without them: kept with it, and it is analysed again (server/API.md).
  r.post('/:id/keys', async (req, res) => {
    const id = req.params.id;
    const keys = await receiveKeys(req);
    const out = await service.addKeys(id, keys);
    if (out === 'read-in-place') throw readInPlace(id, 'give it TLS keys');
    const info = queuedOr409(id, out);
    res.status(202).json({ id: info.id, tlsKeys: info.tlsKeys });
  });

  // Files added to a capture uploaded earlier (Wireshark's File ▸ Merge): the same id, merged with its files.
  r.post('/:id/files', async (req, res) => {
    const id = req.params.id;
    const c = await service.store.getCapture(id);
    const refusal = c === undefined ? undefined : addFilesRefusal(service, c);
    if (c === undefined || refusal !== null) {
      // Refused before its body is read: read it to the end, so that the client gets the answer.
      await drain(req);
      if (refusal === 'read-in-place') throw readInPlace(id, 'add files to it');
      queuedOr409(id, refusal ?? undefined);
      return;
    }
    let upload: Awaited<ReturnType<typeof receiveAddedFiles>>;
    try {
      upload = await receiveAddedFiles(service, c, req, uploadLimit);
    } catch (e) {
      service.counters.uploadsRejected++;
      throw e;
    }
    const info = queuedOr409(id, await addFiles(service, id, upload, uploadLimit));
    service.counters.uploads++;
    service.counters.uploadBytes += upload.size;
    res.status(202).json({ id: info.id });
  });

  // A merged capture's clocks: each file's time shift given, or measured (align), and the capture analysed again.
  r.post('/:id/time-shift', async (req, res) => {
    const id = req.params.id;
    const out = await service.timeShift(id, await jsonBody(req));
    if (out === 'one-file')
      throw new HttpError(409, `capture ${id} is one file: a time shift moves a file against the others`);
    if (typeof out === 'object' && 'invalid' in out) throw new HttpError(400, out.invalid);
    const info = queuedOr409(id, out);
    res.status(202).json({ id: info.id });
  });

  r.get('/:id/stats', async (req, res) => {
    const c = await readableCapture(service, req.params.id);
    res.json(await service.store.stats(c.id));
  });

  return r;
}

/** A small JSON body (a time shift request), or the 400/413 of why it is none. */
async function jsonBody(req: Request): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(400, 'the body is JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > JSON_BODY_LIMIT) throw new HttpError(413, `the body is larger than ${JSON_BODY_LIMIT} bytes`);
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (e) {
    throw new HttpError(400, `the body is not JSON: ${(e as Error).message}`);
  }
}

const JSON_BODY_LIMIT = 16 * 1024;

/** The 409 of a capture whose files the server reads in place (a bundled sample, `serve --merge`). */
function readInPlace(id: string, what: string): HttpError {
  return new HttpError(409, `capture ${id} is a file the server reads in place: upload it to ${what}`);
}

/** The capture queued for analysis again, or the 404/409 of why not. */
function queuedOr409(id: string, out: Reanalysis): CaptureInfo {
  if (out === undefined) throw new HttpError(404, `no capture ${JSON.stringify(id)}`);
  if (out === 'busy') throw new HttpError(409, `capture ${id} is being analysed already`);
  if (out === 'live') throw new HttpError(409, `capture ${id} is live: it has no file to analyse again`);
  if (out === 'no-file') throw new HttpError(409, `the file of capture ${id} is gone: upload it again`);
  return out;
}
