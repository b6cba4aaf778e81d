import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/correlate/retransmission.js';

/** `bytes` placed at `offset` inside a larger buffer, as a capture chunk holds a datagram. */
function inChunk(bytes: Uint8Array, offset: number): Uint8Array {
  const chunk = new Uint8Array(offset + bytes.length + 7).fill(0xa5);
  chunk.set(bytes, offset);
  return chunk.subarray(offset, offset + bytes.length);
}

describe('fingerprint', () => {
  it('depends only on the bytes, not on where they sit in their buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(64), fc.nat(64), (bytes, a, b) => {
        expect(fingerprint(inChunk(bytes, a))).toBe(fingerprint(inChunk(bytes, b)));
      }),
    );
  });

  it('differs when one byte differs (each lane is a chain of bijections)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 700 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(32),
        (bytes, at, delta, offset) => {
          const other = bytes.slice();
          const i = at % bytes.length;
          other[i] = (other[i] + delta) & 0xff;
          expect(fingerprint(inChunk(other, offset))).not.toBe(fingerprint(inChunk(bytes, offset)));
        },
      ),
    );
  });

  it('is a signed 32-bit integer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const h = fingerprint(bytes);
        expect(h | 0).toBe(h);
      }),
    );
  });
});
