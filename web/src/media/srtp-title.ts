/**
 * What the `SRTP` badge of a stream says when hovered (call-streams.ts):
 * where its key came from — the SDES key of the sender's SDP (RFC 4568) or
 * the DTLS handshake on its addresses and the TLS key log (RFC 5764) — how
 * many packets authenticated, or why nothing was decrypted. Plain text:
 * the caller sets it as an attribute (h()), never as HTML; the suite,
 * profile and reason may quote the capture.
 */

import { fingerprintNote } from '../../../src/media/srtp-summary.js';
import type { SrtpSummary } from '../api/types.js';

/** The sender's SRTCP (RFC 3711 §3.4), when any was seen: its reports read, or not for a failed tag. */
function srtcpNote(x: SrtpSummary): string {
  const ok = x.rtcpVerified ?? 0;
  const failed = x.rtcpAuthFailures ?? 0;
  if (ok + failed === 0) return '';
  return `; SRTCP: ${ok} authenticated and read${failed > 0 ? `, ${failed} failed (not read)` : ''}`;
}

/** Where the key of a decrypted stream came from. */
function keySource(x: SrtpSummary): string {
  const d = x.dtls;
  if (x.keying !== 'dtls' || d === undefined)
    return `the SDES key of the sender's SDP (${x.suite}, RFC 4568)`;
  return `DTLS-SRTP keys (RFC 5764: the DTLS handshake of frame ${d.frame ?? '?'} and the TLS key log; its sender the DTLS ${d.role}, ${d.profile ?? x.suite})`;
}

/** RFC 5763 §5: the sender's DTLS certificate against its SDP's a=fingerprint, when a handshake was seen. */
function certificateNote(x: SrtpSummary): string {
  const f = x.dtls?.fingerprint;
  return f === undefined ? '' : `; DTLS ${fingerprintNote(f)} (RFC 5763 §5)`;
}

/** A DTLS certificate that does not match its SDP (dtls.fingerprint-mismatch): the badge says it as an error. */
export const certificateMismatch = (x: SrtpSummary): boolean => x.dtls?.fingerprint?.match === false;

export function srtpTitle(x: SrtpSummary): string {
  if (!x.decrypted)
    return `SRTP not decrypted: ${x.reason ?? 'no packet authenticated'}${certificateNote(x)}`;
  const failed = x.authFailures > 0 ? `, ${x.authFailures} failed` : '';
  const early = x.beforeKeys === undefined ? '' : `, ${x.beforeKeys} sent before the handshake gave keys`;
  return `SRTP decrypted with ${keySource(x)}: ${x.verified} packets authenticated${failed}${early}${srtcpNote(x)}${certificateNote(x)}`;
}
