/**
 * Waiting for a response (any writable) to take more bytes after `write`
 * returned false, or for it to be gone: a client that goes away must end the
 * wait as a 'drain' would. Whichever comes first removes the other's
 * listener: a download of thousands of blocks waits thousands of times on
 * the same response, and a 'close' listener left behind by each wait piled
 * up on it (Node's MaxListenersExceededWarning from the eleventh on).
 */
import type { EventEmitter } from 'node:events';

/** Resolves when `res` may be written again, or is gone; leaves no listener behind. */
export function drained(res: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
