/**
 * The frames of one Opus packet (RFC 6716 §3.2), split by the packet's code
 * without decoding them: what opus.ts feeds libopus one at a time when a
 * packet holds more audio (80 to 120 ms) than the opusscript build decodes
 * in one call. Pure: no libopus.
 *
 * The bytes are attacker-controlled: every read is bounds-checked, and a
 * packet breaking one of §3.4's rules R1–R7 is no packet (null), as libopus
 * refuses it (OPUS_INVALID_PACKET).
 */
import { opusToc } from './opus-toc.js';

/** RFC 6716 §3.4 R2: "No implicit frame length is larger than 1275 bytes" (nor can an explicit one be, §3.2.1). */
const MAX_FRAME_BYTES = 1275;

/**
 * A frame length of §3.2.1 at `i`, read no further than `end`: one byte
 * 0–251 (0: no frame, DTX or lost), or 252–255 and a second byte, the
 * length their first + 4 × second. Null when it runs past `end`.
 */
function frameLength(p: Uint8Array, i: number, end: number): { length: number; bytes: number } | null {
  if (i >= end) return null;
  const first = p[i];
  if (first < 252) return { length: first, bytes: 1 };
  if (i + 1 >= end) return null;
  return { length: first + 4 * p[i + 1], bytes: 2 };
}

/**
 * Code 3 (§3.2.5): the frame count byte (v: VBR, p: padding, M: frames),
 * then padding length bytes (each 0–254 that many bytes of padding at the
 * end, 255 meaning 254 and another length byte), then for VBR the lengths
 * of the first M − 1 frames, then the frames, then the padding.
 */
function code3Frames(p: Uint8Array, m: number): Uint8Array[] | null {
  const vbr = (p[1] & 0x80) !== 0;
  let i = 2;
  let end = p.length;
  if ((p[1] & 0x40) !== 0) {
    for (;;) {
      if (i >= p.length) return null;
      const b = p[i++];
      end -= b === 255 ? 254 : b;
      if (b !== 255) break;
    }
  }
  // R6 (P ≤ N − 2) and R7 (the header bytes and the padding both fit).
  if (end < i) return null;
  const lengths: number[] = [];
  if (vbr) {
    for (let k = 0; k < m - 1; k++) {
      const l = frameLength(p, i, end);
      if (l === null) return null;
      i += l.bytes;
      lengths.push(l.length);
    }
    const last = end - i - lengths.reduce((a, b) => a + b, 0);
    // R7: the first M − 1 frames fit.
    if (last < 0) return null;
    lengths.push(last);
  } else {
    // R6: (N − 2 − P) a multiple of M.
    if ((end - i) % m !== 0) return null;
    for (let k = 0; k < m; k++) lengths.push((end - i) / m);
  }
  const frames: Uint8Array[] = [];
  for (const length of lengths) {
    frames.push(p.subarray(i, i + length));
    i += length;
  }
  return frames;
}

/**
 * The frames of an Opus packet in order (views of its bytes; a frame of 0
 * bytes is DTX or a lost frame, §3.2.1), or null when the packet is
 * invalid by §3.4: R1 (empty), R2 (a frame over 1,275 bytes), R3 (code 1
 * of an even length), R4 (code 2 whose first frame's length is missing or
 * runs past the end), R5 (code 3 of no frame or more than 120 ms), R6 (CBR
 * code 3 whose padding does not fit or whose rest is no multiple of M), R7
 * (VBR code 3 whose header, lengths and padding do not fit).
 */
export function opusFrames(packet: Uint8Array): Uint8Array[] | null {
  // R1, R5 (and R6's "at least two bytes" for code 3).
  const toc = opusToc(packet);
  if (toc === null) return null;
  const n = packet.length;
  let frames: Uint8Array[] | null;
  switch (packet[0] & 0x03) {
    case 0:
      frames = [packet.subarray(1)];
      break;
    case 1: {
      // R3: two frames of (N − 1) / 2 bytes each (§3.2.3).
      if ((n - 1) % 2 !== 0) return null;
      const half = 1 + (n - 1) / 2;
      frames = [packet.subarray(1, half), packet.subarray(half)];
      break;
    }
    case 2: {
      // R4: the first frame's length (§3.2.4), then it, then the second frame.
      const l = frameLength(packet, 1, n);
      if (l === null) return null;
      const start = 1 + l.bytes;
      if (l.length > n - start) return null;
      frames = [packet.subarray(start, start + l.length), packet.subarray(start + l.length)];
      break;
    }
    default:
      frames = code3Frames(packet, toc.frames);
  }
  // R2.
  if (frames === null || frames.some((f) => f.length > MAX_FRAME_BYTES)) return null;
  return frames;
}
