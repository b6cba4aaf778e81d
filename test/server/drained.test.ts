/**
 * A download waits for the response to drain once per block it could not
 * write at once (server/drained.ts): each wait must take its listeners away,
 * or a 3.7 MB pcap download piles a 'close' listener per wait on the same
 * response (seen as MaxListenersExceededWarning when the robustness sweep
 * downloaded a corpus capture's calls).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drained } from '../../server/drained.js';

/** A writable that takes one byte at a time, asynchronously, as a slow client's socket does. */
function slowWritable(): Writable {
  return new Writable({
    highWaterMark: 1,
    write(_chunk, _enc, cb) {
      setImmediate(cb);
    },
  });
}

describe('drained: waiting for a slow client', () => {
  it('resolves on each drain and leaves no drain or close listener behind, wait after wait', async () => {
    const w = slowWritable();
    const before = { drain: w.listenerCount('drain'), close: w.listenerCount('close') };
    let waits = 0;
    for (let i = 0; i < 50; i++) {
      if (!w.write(Buffer.from('x'))) {
        await drained(w);
        waits++;
      }
      expect({ drain: w.listenerCount('drain'), close: w.listenerCount('close') }).toEqual(before);
    }
    expect(waits).toBe(50);
  });

  it('resolves when the client goes away (close) instead of draining, and leaves no drain listener', async () => {
    const w = slowWritable();
    const before = w.listenerCount('drain');
    w.write(Buffer.from('xx'));
    const wait = drained(w);
    w.destroy();
    await wait;
    expect(w.listenerCount('drain')).toBe(before);
  });
});
