/** Wording shared by the RTP stream rules (media.packet-loss, media.jitter). */

/** `; the longest gap between two packets was 40.0 ms`, or nothing for a stream without a delta. */
export function longestGapText(s: { maxDeltaMs: number | null }): string {
  return s.maxDeltaMs === null
    ? ''
    : `; the longest gap between two packets was ${s.maxDeltaMs.toFixed(1)} ms`;
}
