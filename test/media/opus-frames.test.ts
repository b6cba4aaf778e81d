/**
 * The frames of an Opus packet (src/media/opus-frames.ts) by its code, RFC
 * 6716 §3.2, on packets built byte by byte here, and each validity rule
 * R1–R7 of §3.4 broken, which makes the packet null.
 */
import { describe, expect, it } from 'vitest';
import { opusFrames } from '../../src/media/opus-frames.js';
import { opusLength, opusPack, opusPaddingLength } from '../fixtures/opus-pack.js';

/** TOC byte of config 31 (CELT FB 20 ms), mono, code `c`; config 3 (SILK NB 60 ms) with `silk60`. */
const toc = (c: number, silk60 = false) => ((silk60 ? 3 : 31) << 3) | c;
/** The frames as plain arrays, to compare. */
const framesOf = (p: number[] | Uint8Array) => opusFrames(Uint8Array.from(p))?.map((f) => [...f]) ?? null;
/** `n` bytes counting up from `from`. */
const bytes = (n: number, from = 1) => Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('Opus frames by code (RFC 6716 §3.2)', () => {
  it('code 0 is one frame, the bytes after the TOC (§3.2.2); a TOC alone is a frame of 0 bytes, DTX (§3.2.1)', () => {
    expect(framesOf([toc(0), 7, 8, 9])).toEqual([[7, 8, 9]]);
    expect(framesOf([toc(0)])).toEqual([[]]);
  });

  it('code 1 is two frames of (N − 1) / 2 bytes each (§3.2.3)', () => {
    expect(framesOf([toc(1), 1, 2, 3, 4])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(framesOf([toc(1)])).toEqual([[], []]);
  });

  it('code 2 gives the first frame length in one byte below 252, else two: first + 4 × second (§3.2.1, §3.2.4)', () => {
    expect(framesOf([toc(2), 2, 1, 2, 3, 4, 5])).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    // 253 + 4 × 1 = 257 bytes, then 3 for the second frame.
    const long = framesOf([toc(2), 253, 1, ...bytes(260)]);
    expect(long?.map((f) => f.length)).toEqual([257, 3]);
    expect(long?.[1]).toEqual(bytes(3, 258));
    // A first frame of 0 bytes (DTX) and a second of 1.
    expect(framesOf([toc(2), 0, 9])).toEqual([[], [9]]);
  });

  it('code 3 CBR: the frame count byte (M), then M frames of equal length (§3.2.5)', () => {
    expect(framesOf([toc(3, true), 0x02, 1, 2, 3, 4])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // Padding: p bit, one length byte (2), the padding at the end left out.
    expect(framesOf([toc(3), 0x43, 2, 1, 2, 3, 4, 5, 6, 0, 0])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    // M frames of 0 bytes: 60 ms of DTX.
    expect(framesOf([toc(3), 0x03])).toEqual([[], [], []]);
  });

  it('code 3 VBR with padding: M − 1 frame lengths after the padding length, the last frame what is left (§3.2.5)', () => {
    // v and p bits, M = 3; 1 byte of padding; lengths 2 and 0 (a DTX frame); the last frame 3 bytes.
    expect(framesOf([toc(3), 0xc3, 1, 2, 0, 1, 2, 3, 4, 5, 0])).toEqual([[1, 2], [], [3, 4, 5]]);
  });

  it('reads the padding length bytes with the 255 rule: 255 is 254 bytes and another length byte (§3.2.5)', () => {
    // 255, 1: 254 + 1 = 255 bytes of padding after a 3-byte frame.
    const p = [toc(3), 0x41, 255, 1, 7, 8, 9, ...new Array(255).fill(0)];
    expect(framesOf(p)).toEqual([[7, 8, 9]]);
    // 255, 255, 0: 508 bytes.
    expect(framesOf([toc(3), 0x41, 255, 255, 0, 7, ...new Array(508).fill(0)])).toEqual([[7]]);
    // A 255 is never the last length byte.
    expect(framesOf([toc(3), 0x41, 255])).toBeNull();
  });

  it('splits what the repacketizer-style fixture packs back into the same frames, for every code', () => {
    const frame = (n: number, from: number) => Uint8Array.from([toc(0), ...bytes(n, from)]);
    for (const [packets, padding, code] of [
      [[frame(300, 1)], 0, 0],
      [[frame(40, 1), frame(40, 2)], 0, 1],
      [[frame(300, 1), frame(40, 2)], 0, 2],
      [[1, 2, 3, 4, 5, 6].map((i) => frame(61, i)), 0, 3],
      [[1, 2, 3, 4, 5, 6].map((i) => frame(50 + 60 * i, i)), 600, 3],
    ] as const) {
      const packed = opusPack(packets, padding);
      expect(packed[0] & 3).toBe(code);
      expect(framesOf(packed)).toEqual(packets.map((p) => [...p.subarray(1)]));
    }
    expect(opusLength(1275)).toEqual([255, 255]);
    expect(opusPaddingLength(254)).toEqual([254]);
    expect(opusPaddingLength(255)).toEqual([255, 1]);
  });
});

describe('Opus packet validity (RFC 6716 §3.4): a packet breaking a rule is null', () => {
  it('R1: packets are at least one byte', () => {
    expect(framesOf([])).toBeNull();
  });

  it('R2: no implicit frame length is larger than 1275 bytes', () => {
    expect(framesOf([toc(0), ...bytes(1275)])?.[0].length).toBe(1275);
    expect(framesOf([toc(0), ...bytes(1276)])).toBeNull();
    expect(framesOf([toc(1), ...bytes(2 * 1276)])).toBeNull();
    // Code 2: the second frame, whatever is left after the first.
    expect(framesOf([toc(2), 1, ...bytes(1 + 1276)])).toBeNull();
    // Code 3 CBR, one frame of 1,276; VBR, its last frame of 1,276.
    expect(framesOf([toc(3), 0x01, ...bytes(1276)])).toBeNull();
    expect(framesOf([toc(3), 0x82, 0, ...bytes(1276)])).toBeNull();
  });

  it('R3: code 1 packets have an odd total length', () => {
    expect(framesOf([toc(1), 1, 2, 3])).toBeNull();
  });

  it('R4: code 2 packets have a valid first frame length no longer than the bytes left', () => {
    expect(framesOf([toc(2)])).toBeNull();
    // A two-byte length without its second byte.
    expect(framesOf([toc(2), 252])).toBeNull();
    expect(framesOf([toc(2), 5, 1, 2, 3, 4])).toBeNull();
    // Exactly the bytes left: a second frame of 0.
    expect(framesOf([toc(2), 4, 1, 2, 3, 4])).toEqual([[1, 2, 3, 4], []]);
  });

  it('R5: code 3 packets hold at least one frame and no more than 120 ms', () => {
    expect(framesOf([toc(3)])).toBeNull();
    expect(framesOf([toc(3), 0x00])).toBeNull();
    // 6 × 20 ms is 120 ms; 7 is 140.
    expect(framesOf([toc(3), 0x06])).toHaveLength(6);
    expect(framesOf([toc(3), 0x07])).toBeNull();
    // 2 × 60 ms; 3 × 60.
    expect(framesOf([toc(3, true), 0x02])).toHaveLength(2);
    expect(framesOf([toc(3, true), 0x03])).toBeNull();
  });

  it('R6: a CBR code 3 packet has its padding within N − 2 bytes and a multiple of M bytes besides', () => {
    // The padding length byte missing.
    expect(framesOf([toc(3), 0x41])).toBeNull();
    // 10 bytes of padding in a packet of 5.
    expect(framesOf([toc(3), 0x41, 10, 1, 2])).toBeNull();
    // 5 bytes for 2 frames.
    expect(framesOf([toc(3), 0x02, 1, 2, 3, 4, 5])).toBeNull();
    // 4 bytes and 1 of padding for 3 frames.
    expect(framesOf([toc(3), 0x43, 1, 1, 2, 3, 4, 0])).toBeNull();
  });

  it('R7: a VBR code 3 packet holds its header, its frame lengths, the first M − 1 frames and the padding', () => {
    // A frame length missing.
    expect(framesOf([toc(3), 0x82])).toBeNull();
    // The first frame of 5 in 2 bytes.
    expect(framesOf([toc(3), 0x82, 5, 1, 2])).toBeNull();
    // Lengths 2 and 2 need 4 bytes; 3 are there.
    expect(framesOf([toc(3), 0x83, 2, 2, 1, 2, 3])).toBeNull();
    // The second byte of a frame length would be the padding: the lengths end where the padding starts.
    expect(framesOf([toc(3), 0xc2, 1, 252, 0])).toBeNull();
    // Padding beyond the frames.
    expect(framesOf([toc(3), 0xc2, 3, 1, 9, 0])).toBeNull();
  });
});
