/**
 * When a stream's estimated quality (stream-quality.ts) is worth a warning:
 * the threshold of the media.poor-quality rule
 * (src/analyze/rules/media-poor-quality.ts), shared with the web page, which
 * marks the same streams in the call's stream table. Pure: no file, no DOM.
 */
import { WB_SCALE } from './e-model-wb.js';

/** Streams of fewer expected packets than this (a second of 20 ms audio) are not judged. */
export const QUALITY_MIN_EXPECTED = 50;
/**
 * R below this is reported: G.107 Annex B (after G.109) puts R 60–70 at
 * "many users dissatisfied", 70–80 at "some users dissatisfied". R 70 is
 * MOS 3.6 (B-4: 1 + 2.45 + 70·10·30·7·10⁻⁶ = 3.597). A wideband R (G.107.1)
 * is compared once divided by 1.29 (its Annex A), so the line is MOS 3.6
 * either way: R_WB 90.3.
 */
export const QUALITY_MIN_R = 70;

/** Whether a stream's estimate says many listeners would have been dissatisfied. */
export function poorQuality(s: {
  expected: number;
  quality?: { r: number | null; model?: string };
}): boolean {
  const q = s.quality;
  if (q == null || q.r == null || s.expected < QUALITY_MIN_EXPECTED) return false;
  return (q.model === 'G.107.1' ? q.r / WB_SCALE : q.r) < QUALITY_MIN_R;
}

/** How the E-model of an estimate is named where it is shown (`model` absent: records made before G.107.1, all G.107). */
export function modelName(model: string | undefined): string {
  return model === 'G.107.1' ? 'wideband E-model, ITU-T G.107.1' : 'E-model, ITU-T G.107';
}

/** The R under which an estimate of `model` is poor, on that model's scale (70, or 90.3 for G.107.1). */
export function minR(model: string | undefined): number {
  return model === 'G.107.1' ? Math.round(QUALITY_MIN_R * WB_SCALE * 10) / 10 : QUALITY_MIN_R;
}
