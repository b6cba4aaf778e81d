/**
 * What a stream record says of its SRTP (media-tracker.ts, `streams[].srtp`
 * of `analyze --json`, server/API.md SrtpSummary). A file of its own, with no
 * crypto in it: the web page reads the type.
 */
/** What the stream record says of its SRTP (`streams[].srtp` of `analyze --json`). */
export interface SrtpSummary {
  /** The suite of the sender's key used (RFC 4568 §6.2), null when there was none to use. */
  suite: string | null;
  /** At least one packet authenticated with that key (RFC 3711 §4.2): the payloads read back are in clear. */
  decrypted: boolean;
  /** Packets authenticated (or all, UNAUTHENTICATED_SRTP). */
  verified: number;
  /** Packets whose tag did not verify (left as they are). */
  authFailures: number;
  /** The message whose SDP carried the key, the index of its m= line and its a=crypto tag. */
  keyMessage?: number;
  keyMedia?: number;
  tag?: number;
  /**
   * SRTCP (RFC 3711 §3.4) of the stream's sender, by its SSRC: packets whose
   * tag verified (their reports read into the stream records' `rtcp`) and
   * packets whose tag did not (not read). Present when any was seen.
   */
  rtcpVerified?: number;
  rtcpAuthFailures?: number;
  /** Why nothing was decrypted, when so (no a=crypto on the sender's side, a suite not done here…). */
  reason?: string;
}
