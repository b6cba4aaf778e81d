/**
 * An upload of several capture files as one capture merged by time
 * (upload.ts `files`; capture/merge-captures.ts): checked before it becomes
 * a capture, as `sipscope analyze A B` checks its files before printing
 * anything: every file's header (and its first chunk of records) is read, so
 * that a file that is not a capture refuses the whole upload with the CLI's
 * line naming that file and the byte offset, and nothing of it is kept.
 */
import { CaptureError } from '../src/capture/frame.js';
import { openCaptures } from '../src/capture/merge-captures.js';
import { HttpError } from './http-error.js';
import type { UploadedPart } from './upload.js';

/**
 * Undefined when every one of `files` starts as a capture; else the line
 * `<name>: <reason> at byte offset N` naming the first that does not.
 */
export async function mergedCaptureError(
  files: readonly { path: string; name: string }[],
): Promise<string | undefined> {
  const paths = files.map((f) => f.path);
  const frames = openCaptures(paths).batches()[Symbol.asyncIterator]();
  try {
    await frames.next();
    return undefined;
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    const k = paths.indexOf(e.file);
    return `${k < 0 ? 'a file' : files[k].name}${e.message.slice(e.file.length)}`;
  } finally {
    await frames.return?.(undefined);
  }
}

/** Throws a 400 with `mergedCaptureError`'s line when one of `files` is not a capture. */
export async function checkMergedUpload(files: readonly UploadedPart[]): Promise<void> {
  const error = await mergedCaptureError(files);
  if (error !== undefined) throw new HttpError(400, error);
}

/** The name of a capture merged from `files`: the first's, and how many more (the list is its `source.files`). */
export function mergedName(files: readonly { name: string }[]): string {
  const more = files.length - 1;
  return `${files[0].name} + ${more} more file${more === 1 ? '' : 's'}`;
}
