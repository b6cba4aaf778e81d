/** What the capture-scoped routes share: finding the capture and reading numeric ids. */
import type { Request } from 'express';
import type { FrameSource } from '../../src/capture/frame-source.js';
import type { CaptureRecord } from '../../src/store/store.js';
import type { CaptureService } from '../capture-service.js';
import { HttpError } from '../http-error.js';

/** The capture, or 404. */
export async function captureOr404(service: CaptureService, id: string): Promise<CaptureRecord> {
  const c = await service.store.getCapture(id);
  if (c === undefined) throw new HttpError(404, `no capture ${JSON.stringify(id)}`);
  return c;
}

/** A capture whose results can be read: ready or live; 409 while analysing or after a failure. */
export async function readableCapture(service: CaptureService, id: string): Promise<CaptureRecord> {
  const c = await captureOr404(service, id);
  if (c.status === 'analyzing') throw new HttpError(409, `capture ${c.id} is still being analysed`);
  if (c.status === 'failed')
    throw new HttpError(409, `capture ${c.id} failed: ${c.error ?? 'unknown error'}`);
  return c;
}

/** The 410 of a capture whose file, read whole when it was analysed, cannot be read again (moved, deleted, changed). */
export function fileGone(captureId: string, e: unknown): HttpError {
  return new HttpError(
    410,
    `the capture file of ${captureId} cannot be read any more: ${(e as Error).message}`,
  );
}

/**
 * Where the capture's frames are read again (its file, or the frames a live
 * capture keeps), or the 410 that says why there is nothing to read.
 */
export function frameSourceOf(service: CaptureService, c: CaptureRecord, what: string): FrameSource {
  const s = service.frameSource(c);
  if (s !== null) return s;
  throw new HttpError(
    410,
    `capture ${c.id} has no capture file to read ${what} from: a live capture's frames are kept only with --live-pcap DIR, and read back by a server started with that same DIR`,
  );
}

/** A whole number id from the path, or 404 naming what was not found. */
export function idParam(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,9}$/.test(value))
    throw new HttpError(404, `no ${what} ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

/** The `:id` of a router mounted under `/api/captures/:id/…` (mergeParams). */
export function captureIdOf(req: Request): string {
  return String((req.params as Record<string, string>).id);
}
