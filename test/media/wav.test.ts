/** WAVE (RIFF, WAVE_FORMAT_PCM) files of 16-bit PCM (src/media/wav.ts): the header's fields, the samples little-endian. */
import { describe, expect, it } from 'vitest';
import { encodeWav, WAV_HEADER_BYTES, wavHeader } from '../../src/media/wav.js';

describe('WAVE header', () => {
  it('has RIFF/WAVE, a 16-byte PCM fmt chunk and the data size', () => {
    const h = wavHeader(8000, 2, 1000);
    const v = new DataView(h.buffer);
    const ascii = (at: number) => String.fromCharCode(...h.subarray(at, at + 4));
    expect([ascii(0), ascii(8), ascii(12), ascii(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(v.getUint32(4, true)).toBe(1036);
    expect(v.getUint32(16, true)).toBe(16);
    expect(v.getUint16(20, true)).toBe(1);
    expect(v.getUint16(22, true)).toBe(2);
    expect(v.getUint32(24, true)).toBe(8000);
    expect(v.getUint32(28, true)).toBe(32000);
    expect(v.getUint16(32, true)).toBe(4);
    expect(v.getUint16(34, true)).toBe(16);
    expect(v.getUint32(40, true)).toBe(1000);
  });

  it('refuses what a WAVE file cannot say', () => {
    expect(() => wavHeader(0, 1, 0)).toThrow(RangeError);
    expect(() => wavHeader(8000, 3, 0)).toThrow(RangeError);
    expect(() => wavHeader(8000, 1, 2 ** 32)).toThrow(RangeError);
  });

  it('writes the samples after it, little-endian', () => {
    const w = encodeWav(new Int16Array([1, -2, 0x1234]), 8000, 1);
    expect(w.length).toBe(WAV_HEADER_BYTES + 6);
    expect(Array.from(w.subarray(WAV_HEADER_BYTES))).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]);
  });
});
