/**
 * The decoder options that feed a merged capture's TCP segments to its
 * clock offsets (clock-offsets.ts `noteSegment`), as the decoder reads each
 * one and before the reassembler drops the second file's copy as a
 * retransmission. A single file has no ClockOffsets and gets its options
 * back unchanged: it pays nothing.
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
  const told = decoder?.onTcpSegment;
  return {
    ...decoder,
    onTcpSegment(src, dst, frames, seq, data, ts) {
      told?.(src, dst, frames, seq, data, ts);
      if (data.length === 0) return;
      // The frame that completed the segment (its last IP fragment) is where it was captured.
      const o = origins.of(frames[frames.length - 1]);
      if (o !== undefined) clocks.noteSegment(o.file, ts, src, dst, seq, data);
    },
  };
}
