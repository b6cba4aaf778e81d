/**
 * When a stream's jitter is worth a warning: the thresholds of the
 * media.jitter rule (src/analyze/rules/media-jitter.ts), shared with the web
 * page, which marks the same streams in the call's stream table. The figures
 * are the network's jitter (rtp-stats.ts: RFC 3550 A.8's estimate over voice
 * packets only). Pure: no file, no DOM.
 */

/** Streams of fewer expected packets than this (a second of 20 ms audio) are not judged. */
export const JITTER_MIN_EXPECTED = 50;
/** The smoothed jitter reaching this (ms): ITU-T Y.1541's packet delay variation bound for interactive voice. */
export const JITTER_MAX_MS = 50;
/** Or its mean over the stream reaching this (ms): the usual planning target for voice. */
export const JITTER_MEAN_MS = 30;

/** Whether a stream's network jitter is high enough to be heard (and reported). */
export function jittery(s: {
  expected: number;
  maxNetworkJitterMs?: number | null;
  meanNetworkJitterMs?: number | null;
}): boolean {
  const max = s.maxNetworkJitterMs;
  const mean = s.meanNetworkJitterMs;
  if (!(s.expected >= JITTER_MIN_EXPECTED) || max == null || mean == null) return false;
  return max >= JITTER_MAX_MS || mean >= JITTER_MEAN_MS;
}
