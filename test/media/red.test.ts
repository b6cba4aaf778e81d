/**
 * The RFC 2198 §3 redundant-audio payload, header by header: the 4-byte
 * headers of redundant blocks (F=1, block PT, 14-bit timestamp offset,
 * 10-bit block length), the 1-byte final header (F=0, the primary's PT),
 * the data in header order, the primary's the rest; each way a payload can
 * be cut short refused.
 */
import { describe, expect, it } from 'vitest';
import { MAX_RED_BLOCKS, parseRed } from '../../src/media/red.js';
import { hex } from '../helpers/packet-builders.js';

/** A copy of the reused result: each block as [pt, offset, start, length]. */
const blocks = (b: Uint8Array, offset = 0, length = b.length - offset) => {
  const r = parseRed(b, offset, length);
  return r === null ? null : r.blocks.slice(0, r.count).map((x) => [x.pt, x.offset, x.start, x.length]);
};

describe('parseRed (RFC 2198 §3)', () => {
  it('reads a payload of the primary only: the final 1-byte header (F=0) and the rest as its data', () => {
    const b = hex(`
      00          # F=0, block PT 0 (PCMU): the primary
      ff7f fe7e   # its data, 4 bytes
    `);
    expect(blocks(b)).toEqual([[0, 0, 1, 4]]);
  });

  it('reads two redundant blocks and the primary, the data in header order, offsets and lengths of 14 and 10 bits', () => {
    const b = hex(`
      e5 0140 04    # F=1 PT 101, then 0x0140 0x04: offset 80 (14 bits), length 4 (10 bits)
      e5 00a0 04    # F=1 PT 101, offset 0x00a0>>2 = 40, length 4
      65            # F=0 PT 101: the primary
      01 0a 0140    # block 1: event 1, volume 10, duration 320
      01 0a 01e0    # block 2: event 1, duration 480
      01 8a 0280    # primary: event 1, E bit, duration 640
    `);
    expect(blocks(b)).toEqual([
      [101, 80, 9, 4],
      [101, 40, 13, 4],
      [101, 0, 17, 4],
    ]);
  });

  it('reads the largest offset and length the fields hold (16383 and 1023)', () => {
    const b = new Uint8Array(4 + 1 + 1023 + 2);
    b.set([0xff, 0xff, 0xff, 0xff, 0x00]); // F=1 PT 127, offset 0x3fff, length 0x3ff; then F=0 PT 0
    expect(blocks(b)).toEqual([
      [127, 16383, 5, 1023],
      [0, 0, 1028, 2],
    ]);
  });

  it('reads a zero-length redundant block and an empty primary', () => {
    const b = hex(`
      8d 0050 00    # F=1 PT 13 (CN), offset 20, length 0
      80 00a0 02    # F=1 PT 0, offset 40, length 2
      00            # F=0 PT 0: the primary, no bytes left for it
      7f7f          # block 2's data
    `);
    expect(blocks(b)).toEqual([
      [13, 20, 9, 0],
      [0, 40, 9, 2],
      [0, 0, 11, 0],
    ]);
  });

  it('reads the payload at its offset in the packet and not past the length given', () => {
    const b = hex(`
      80 68 0001 00000640 00000011   # RTP header (PT 104 red), 12 bytes
      e5 0050 02                     # F=1 PT 101, offset 20, length 2
      00                             # F=0 PT 0
      aaaa bbbb                      # block 1, then the primary
      cccc                           # past the payload (padding)
    `);
    expect(blocks(b, 12, 9)).toEqual([
      [101, 20, 17, 2],
      [0, 0, 19, 2],
    ]);
  });

  it('refuses each truncation: no final header, a redundant header cut short, data shorter than its block length', () => {
    const full = hex(`
      e5 0050 04    # F=1 PT 101, offset 20, length 4
      65            # F=0 PT 101
      01 0a 0140    # block 1
      01 8a 0280    # primary
    `);
    expect(blocks(full)).not.toBeNull();
    // Cut after 1, 2 or 3 bytes of the 4-byte header, and with the final header missing.
    for (const n of [1, 2, 3, 4]) expect(parseRed(full, 0, n)).toBeNull();
    // Cut inside block 1's data: the block length runs past the payload.
    for (const n of [5, 6, 7, 8]) expect(parseRed(full, 0, n)).toBeNull();
    // Cut exactly after block 1: the primary is empty, which is a payload.
    expect(blocks(full, 0, 9)).toEqual([
      [101, 20, 5, 4],
      [101, 0, 9, 0],
    ]);
    expect(parseRed(full, 0, 0)).toBeNull();
  });

  it('refuses a length or offset outside the bytes instead of reading past them', () => {
    const b = hex('00 ff');
    expect(parseRed(b, 0, 3)).toBeNull();
    expect(parseRed(b, -1, 2)).toBeNull();
    expect(parseRed(b, 2, 1)).toBeNull();
  });

  it('refuses a payload of F=1 headers only, and one of more blocks than MAX_RED_BLOCKS', () => {
    expect(parseRed(hex('80 0050 00  80 0050 00'), 0, 8)).toBeNull();
    const many = new Uint8Array(4 * MAX_RED_BLOCKS + 1);
    for (let i = 0; i < MAX_RED_BLOCKS; i++) many.set([0x80, 0x00, 0x50, 0x00], 4 * i);
    expect(parseRed(many, 0, many.length)).toBeNull();
    // One block fewer fits: MAX_RED_BLOCKS - 1 redundant blocks and the primary.
    expect(parseRed(many, 4, many.length - 4)?.count).toBe(MAX_RED_BLOCKS);
  });
});
