/**
 * G.711 expansion (ITU-T G.711 Tables 1a/2a; RFC 3551 §4.5.14 PCMA/PCMU):
 * known code words, and every code word against the reference compression
 * (test/fixtures/g711-encode.ts): decoding a byte and compressing the value
 * gives the byte back.
 */
import { describe, expect, it } from 'vitest';
import { ALAW_TO_PCM, ULAW_TO_PCM } from '../../src/media/g711.js';
import { alawByte, ulawByte } from '../fixtures/g711-encode.js';

describe('G.711 µ-law (PCMU)', () => {
  it('decodes the code words of silence and of both extremes', () => {
    expect(ULAW_TO_PCM[0xff]).toBe(0);
    expect(ULAW_TO_PCM[0x7f]).toBe(0);
    expect(ULAW_TO_PCM[0x80]).toBe(32124);
    expect(ULAW_TO_PCM[0x00]).toBe(-32124);
    expect(ULAW_TO_PCM[0xfe]).toBe(8);
    expect(ULAW_TO_PCM[0x7e]).toBe(-8);
  });

  it('is the inverse of the compression for every code word but negative zero (0x7f, which is 0)', () => {
    for (let b = 0; b < 256; b++) if (b !== 0x7f) expect(ulawByte(ULAW_TO_PCM[b])).toBe(b);
  });

  it('is monotonic in each half: a larger step is a larger magnitude', () => {
    for (let b = 0x81; b <= 0xff; b++) expect(ULAW_TO_PCM[b]).toBeLessThan(ULAW_TO_PCM[b - 1]);
  });
});

describe('G.711 A-law (PCMA)', () => {
  it('decodes the smallest and largest magnitudes', () => {
    expect(ALAW_TO_PCM[0xd5]).toBe(8);
    expect(ALAW_TO_PCM[0x55]).toBe(-8);
    expect(ALAW_TO_PCM[0xaa]).toBe(32256);
    expect(ALAW_TO_PCM[0x2a]).toBe(-32256);
  });

  it('is the inverse of the compression for every code word', () => {
    for (let b = 0; b < 256; b++) expect(alawByte(ALAW_TO_PCM[b])).toBe(b);
  });
});
