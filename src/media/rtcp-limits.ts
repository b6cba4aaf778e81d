/**
 * When a stream's receiver reported losses the capture point did not see:
 * the thresholds of the media.rtcp-loss rule
 * (src/analyze/rules/media-rtcp-loss.ts), shared with the web page, which
 * marks the same streams in the call's stream table. Pure: no file, no DOM.
 */

/** Reported losses past those the capture counted needed: at least this many packets… */
export const RTCP_LOSS_MIN_PACKETS = 5;
/** …and this share of the packets expected. */
export const RTCP_LOSS_MIN_SHARE = 0.01;

/**
 * The packets the stream's receiver reported lost (RTCP, RFC 3550 §6.4.1)
 * while the capture ran — the growth of its cumulative count from the first
 * report the capture holds to the last, since the count runs from the start
 * of reception — beyond all those the capture point found missing, when
 * they are enough to report; 0 otherwise. Losses before the first report
 * are left out on both sides but the capture's: it errs towards silence.
 */
export function lostPastCapture(s: {
  lost: number;
  expected: number;
  rtcp?: { lostBetweenReports: number | null };
}): number {
  const reported = s.rtcp?.lostBetweenReports;
  if (reported == null) return 0;
  const beyond = reported - Math.max(s.lost, 0);
  return beyond >= RTCP_LOSS_MIN_PACKETS && beyond >= RTCP_LOSS_MIN_SHARE * s.expected ? beyond : 0;
}
