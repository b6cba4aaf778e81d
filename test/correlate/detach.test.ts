/**
 * `detach` gives strings kept in records that equal their source and do not
 * depend on it (latin1 header text, and text with wider characters too);
 * `Interner` hands out one copy per value and stays bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detach, Interner } from '../../src/correlate/detach.js';

describe('detach', () => {
  it('returns an equal string for any text, short, long, latin1 or not', () => {
    const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(
        fc.oneof(latin1, fc.string({ unit: 'grapheme' }), fc.string({ minLength: 200, maxLength: 400 })),
        (s) => {
          const text = `INVITE x\r\nCall-ID: ${s}\r\n\r\n`;
          const slice = text.slice(19, 19 + s.length);
          expect(detach(slice)).toBe(s);
        },
      ),
      { numRuns: 300 },
    );
    expect(detach(undefined)).toBeUndefined();
    expect(detach(null)).toBeNull();
  });

  it('interns one copy per value and forgets all when full', () => {
    const i = new Interner(2);
    const a = i.get('x'.repeat(20).slice(1));
    expect(i.get('x'.repeat(19))).toBe(a);
    i.get('b');
    i.get('c');
    expect(i.get('x'.repeat(19))).toBe('x'.repeat(19));
  });
});
