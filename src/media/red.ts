/**
 * One RFC 2198 redundant-audio payload (`red`, §3): block headers, then the
 * blocks' data in the headers' order, the primary's last.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|   block PT  |  timestamp offset         |   block length    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 2198 §3: "F: 1 bit First bit in header indicates whether another
 * header block follows. If 1 further header blocks follow, if 0 this is the
 * last header block." The last header is one byte, F=0 and the primary's
 * block PT: "the timestamp offset and block length ... are not included in
 * the final header block; these are taken from the RTP header ... and the
 * packet length" (the primary's data is the rest of the payload).
 * Redundant blocks carry "timestamp offset: 14 bits Unsigned offset of
 * timestamp of this block relative to timestamp given in RTP header" and
 * "block length: 10 bits Length in bytes of the corresponding data block
 * excluding header".
 */

/** One block of a RED payload: its payload type, timestamp offset and where its data is. */
export interface RedBlock {
  /** The block's RTP payload type, 0–127. */
  pt: number;
  /** RTP timestamp units before the packet's timestamp (14 bits); 0 for the primary. */
  offset: number;
  /** Where its data starts in the bytes given to parseRed. */
  start: number;
  /** Its bytes (10 bits for a redundant block; the rest of the payload for the primary). */
  length: number;
}

/** A parsed payload: `count` blocks of `blocks`, in header order, the primary last (`blocks[count - 1]`). */
export interface RedPayload {
  count: number;
  /** A longer array than `count` (reused): read only the first `count`. */
  blocks: RedBlock[];
}

/**
 * Blocks read at most (the primary included). RFC 2198 sets no limit; a
 * sender repeats a frame once or twice (Chrome: 2), RFC 4733 §2.5.1.4's
 * gateways up to 3 or 5 times. More than this is taken as malformed.
 */
export const MAX_RED_BLOCKS = 16;

/** The one object parseRed fills: no allocation per packet. */
const out: RedPayload = {
  count: 0,
  blocks: Array.from({ length: MAX_RED_BLOCKS }, () => ({ pt: 0, offset: 0, start: 0, length: 0 })),
};

/**
 * The blocks of the `length` payload bytes at `offset` of `bytes`, or null
 * when they do not make a RED payload: no final header, a header cut short,
 * block lengths past the payload's end, more than MAX_RED_BLOCKS blocks.
 * The primary may be empty (a packet of redundancy only).
 *
 * The result is ONE REUSED OBJECT, valid until the next call.
 */
export function parseRed(bytes: Uint8Array, offset: number, length: number): RedPayload | null {
  if (offset < 0 || length < 1 || offset + length > bytes.length) return null;
  const end = offset + length;
  const blocks = out.blocks;
  let at = offset;
  let n = 0;
  for (;;) {
    if (at >= end || n === MAX_RED_BLOCKS) return null;
    const b0 = bytes[at];
    if ((b0 & 0x80) === 0) {
      // The final header: F=0 and the primary's payload type.
      const primary = blocks[n++];
      primary.pt = b0;
      primary.offset = 0;
      at++;
      break;
    }
    if (at + 4 > end) return null;
    const b2 = bytes[at + 2];
    const block = blocks[n++];
    block.pt = b0 & 0x7f;
    block.offset = (bytes[at + 1] << 6) | (b2 >> 2);
    block.length = ((b2 & 0x03) << 8) | bytes[at + 3];
    at += 4;
  }
  for (let i = 0; i < n - 1; i++) {
    const block = blocks[i];
    block.start = at;
    at += block.length;
    if (at > end) return null;
  }
  const primary = blocks[n - 1];
  primary.start = at;
  primary.length = end - at;
  out.count = n;
  return out;
}
