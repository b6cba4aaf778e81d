import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyBytes } from '../../src/sip/byte-pool.js';

describe('byte pool: framed messages are copies, never views of the capture chunk', () => {
  it('a copy keeps its bytes when the source is overwritten, and copies never overlap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 20000 }), { maxLength: 40 }),
        (inputs) => {
          const expected = inputs.map((b) => Array.from(b));
          const copies = inputs.map((b) => copyBytes(b));
          for (const b of inputs) b.fill(0xee);
          copies.forEach((c, i) => {
            expect(Array.from(c)).toEqual(expected[i]);
          });
          // Writing into one copy changes no other: each keeps its own mark.
          copies.forEach((c, i) => {
            c.fill(i + 1);
          });
          copies.forEach((c, i) => {
            expect(c.every((x) => x === i + 1)).toBe(true);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('copies a sub-range', () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(Array.from(copyBytes(src, 1, 4))).toEqual([2, 3, 4]);
  });
});
