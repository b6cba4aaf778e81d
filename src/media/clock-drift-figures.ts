/**
 * Wireshark's Max Skew, Clock Drift and Freq Drift of an RTP stream, as the
 * API's `…/streams/:streamId/packets` summary gives them (server/API.md);
 * clock-drift.ts computes them and says how. Types only, no code, so that
 * the web UI's types name them without any of the analysis.
 */

export interface ClockDriftFigures {
  /** The skew of largest magnitude, ms with its sign (positive: timestamps ahead); null without a clock rate or a packet on it. */
  maxSkewMs: number | null;
  /** duration · (r − 1), ms (positive: the sender's clock runs fast); null without a clock rate or 2 packets at distinct times. */
  clockDriftMs: number | null;
  /** rate · r: the sender's clock rate the arrivals imply, Hz; null as clockDriftMs. */
  freqDriftHz: number | null;
  /** (r − 1) · 100; null as clockDriftMs. */
  freqDriftPercent: number | null;
}
