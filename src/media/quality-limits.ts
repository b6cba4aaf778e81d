/**
 * When a stream's estimated quality (stream-quality.ts) is worth a warning:
 * the threshold of the media.poor-quality rule
 * (src/analyze/rules/media-poor-quality.ts), shared with the web page, which
 * marks the same streams in the call's stream table. Pure: no file, no DOM.
 */

/** Streams of fewer expected packets than this (a second of 20 ms audio) are not judged. */
export const QUALITY_MIN_EXPECTED = 50;
/**
 * R below this is reported: G.107 Annex B (after G.109) puts R 60–70 at
 * "many users dissatisfied", 70–80 at "some users dissatisfied". R 70 is
 * MOS 3.6 (B-4: 1 + 2.45 + 70·10·30·7·10⁻⁶ = 3.597).
 */
export const QUALITY_MIN_R = 70;

/** Whether a stream's estimate says many listeners would have been dissatisfied. */
export function poorQuality(s: { expected: number; quality?: { r: number | null } }): boolean {
  const r = s.quality?.r;
  return s.expected >= QUALITY_MIN_EXPECTED && r != null && r < QUALITY_MIN_R;
}
