/**
 * The decoder options that feed a merged capture's TCP segments and SCTP
 * DATA chunks to its clock offsets (clock-offsets.ts `noteSegment`,
 * `noteChunk`), as the decoder reads each one and before the reassembler
 * drops the second file's copy as a retransmission (TCP) or a duplicate TSN
 * (SCTP). A single file has no ClockOffsets and gets its options back
 * unchanged: it pays nothing.
 */
import type { DecoderOptions } from '../decode/decoder.js';
import type { ClockOffsets } from './clock-offsets.js';
import type { FrameOrigins } from './frame-origins.js';

export function clockSegmentDecoder(
  decoder: DecoderOptions | undefined,
  clocks: ClockOffsets | null,
  origins: FrameOrigins | null,
): DecoderOptions | undefined {
  if (clocks === null || origins === null) return decoder;
  const toldSegment = decoder?.onTcpSegment;
  const toldChunk = decoder?.onSctpChunk;
  // The frame that completed a segment or a chunk (its last IP fragment) is where it was captured.
  const fileOf = (frames: readonly number[]): number | undefined =>
    origins.of(frames[frames.length - 1])?.file;
  return {
    ...decoder,
    onTcpSegment(src, dst, frames, seq, data, ts) {
      toldSegment?.(src, dst, frames, seq, data, ts);
      if (data.length === 0) return;
      const file = fileOf(frames);
      if (file !== undefined) clocks.noteSegment(file, ts, src, dst, seq, data);
    },
    onSctpChunk(src, dst, frames, stream, tsn, data, ts) {
      toldChunk?.(src, dst, frames, stream, tsn, data, ts);
      const file = fileOf(frames);
      if (file !== undefined) clocks.noteChunk(file, ts, src, dst, stream, tsn, data);
    },
  };
}
