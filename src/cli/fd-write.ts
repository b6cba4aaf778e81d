/**
 * Synchronous writing of whole buffers to a file descriptor, from the main
 * thread (cli/output.ts) or a worker (cli/messages-worker.ts). stdout may be
 * a non-blocking pipe shared with the shell's next command: a write can be
 * partial, or fail with EAGAIN while the reader is slow (we wait and try
 * again), or with EPIPE once the reader went away (`| head`), which the
 * caller turns into a quiet exit.
 */
import { writeSync } from 'node:fs';
import { OutputError } from './output-error.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/**
 * Waits before retrying a write the pipe refused (EAGAIN): the first is short
 * (a reader like `sha256sum` or `jq` empties a 64 KiB pipe in well under a
 * millisecond), then doubles while the reader stays behind. A fixed 5 ms made
 * `analyze --json | sha256sum` sleep 4.6 s of its 7.4 s on the 20k capture.
 */
const FIRST_RETRY_MS = 0.05;
const LAST_RETRY_MS = 5;

/**
 * Writes all of `b` to `fd`; false when the reader has gone away (EPIPE).
 * Other errors (ENOSPC, EIO, …) throw an OutputError: one line for the user.
 */
export function writeAllSync(fd: number, b: Uint8Array): boolean {
  let off = 0;
  let retryMs = FIRST_RETRY_MS;
  while (off < b.length) {
    try {
      off += writeSync(fd, b, off, b.length - off);
      retryMs = FIRST_RETRY_MS;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, retryMs);
        retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
      } else if (code === 'EPIPE') return false;
      else throw OutputError.of(fd, e);
    }
  }
  return true;
}
