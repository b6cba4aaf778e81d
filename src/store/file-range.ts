/**
 * Message bytes kept by place (store.ts `FileRange`): read back from the
 * capture file when someone asks for the message, so that a store of a big
 * capture holds offsets, not a second copy of the file.
 */
import { open } from 'node:fs/promises';
import type { FileRange } from './store.js';

/** Every file of a capture: its one `path`, or the files it was merged from, in merge order. */
export function capturePaths(capture: { path: string; files?: readonly { path: string }[] }): string[] {
  return capture.files === undefined || capture.files.length === 0
    ? [capture.path]
    : capture.files.map((f) => f.path);
}

/**
 * The file a message's bytes are in: the capture's file, or for a capture
 * merged from several, the one its frame came from (`file`, the row's index
 * into `files`). Undefined for an index the capture has no file for.
 */
export function messageFilePath(
  capture: { path: string; files?: readonly { path: string }[] },
  file: number | null | undefined,
): string | undefined {
  if (capture.files === undefined || capture.files.length === 0) return file ? undefined : capture.path;
  return capture.files[file ?? 0]?.path;
}

const EMPTY = new Uint8Array(0);

/** Most bytes one range may name: a SIP message over UDP fits in 64 KiB, a reassembled one is stored whole. */
export const MAX_RANGE_LENGTH = 16 * 1024 * 1024;

/**
 * The bytes of `range` in the file at `path`; empty when the file is gone,
 * unreadable or shorter than the range (the capture was removed or replaced
 * behind the store's back): the message's row is still right, its text is not
 * available any more.
 */
export async function readRange(path: string, range: FileRange): Promise<Uint8Array> {
  const { offset, length } = range;
  if (!(Number.isSafeInteger(offset) && offset >= 0 && Number.isSafeInteger(length) && length >= 0))
    return EMPTY;
  if (length === 0 || length > MAX_RANGE_LENGTH) return EMPTY;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, 'r');
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(out, got, length - got, offset + got);
      if (bytesRead === 0) return EMPTY;
      got += bytesRead;
    }
    return out;
  } catch {
    return EMPTY;
  } finally {
    await fh?.close();
  }
}
