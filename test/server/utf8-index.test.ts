import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8WithIndex } from '../../server/utf8-index.js';

const decoder = new TextDecoder();

describe('UTF-8 text with byte-to-index map', () => {
  it('decodes any bytes exactly as TextDecoder does (one U+FFFD per invalid sequence)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeUtf8WithIndex(bytes).text).toBe(decoder.decode(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('maps the offset of every byte that follows an ASCII byte to where the rest decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const { text, index } = decodeUtf8WithIndex(bytes);
        for (let b = 0; b <= bytes.length; b++) {
          if (b > 0 && bytes[b - 1] >= 0x80) continue;
          // After an ASCII byte the decoder starts afresh: the prefix decodes on its own.
          expect(index(b)).toBe(decoder.decode(bytes.subarray(0, b)).length);
          expect(text.slice(index(b))).toBe(decoder.decode(bytes.subarray(b)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('counts a character outside the BMP as two string indexes', () => {
    const bytes = new TextEncoder().encode('a📞b: x');
    const { text, index } = decodeUtf8WithIndex(bytes);
    expect(text).toBe('a📞b: x');
    expect(index(5)).toBe(3); // 'b'
    expect(text[index(6)]).toBe(':');
    expect(index(bytes.length)).toBe(text.length);
  });
});
