/**
 * dtls.fingerprint-mismatch: a DTLS 1.2 side's certificate does not hash to
 * any a=fingerprint of the SDP that announced its address (the check:
 * src/media/dtls-fingerprint.ts). Judged when the Certificate message is
 * complete, whether or not media follows: a peer that checks tears the
 * session down, so a mismatch is often a call with no SRTP at all.
 */
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

export const dtlsFingerprintMismatch: CorrelatedRule = {
  id: 'dtls.fingerprint-mismatch',
  title: 'DTLS certificate does not match the a=fingerprint of the SDP that announced its address',
  severity: 'error',
  rfc: {
    ref: 'RFC 5763 §5, RFC 8122 §5',
    text: 'The certificate presented during the DTLS handshake MUST match the fingerprint exchanged via the signaling path in the SDP.',
  },
  explanation:
    'DTLS-SRTP (WebRTC, SIP with UDP/TLS/RTP/SAVP) authenticates each end by its certificate: the SDP it sent ' +
    'carries the certificate fingerprint (a=fingerprint), and the peer compares the certificate of the DTLS ' +
    'handshake with it. Here the certificate seen on the media path hashes to something else, so the DTLS peer ' +
    'is not the one that signalled the call: a man in the middle, or more often an SBC or B2BUA that rewrote the ' +
    'SDP (its own address and fingerprint) without terminating DTLS, or an endpoint that changed certificate ' +
    'without a new offer. A peer that checks tears the media down, and the call has no audio. The certificate ' +
    'is read in the clear from the DTLS 1.2 handshake (no key log needed); DTLS 1.3 encrypts it and is not checked.',
  scope: 'correlated',
  on: ['dtls'],
  check(model) {
    const ev = model.event;
    if (ev.kind !== 'dtls') return NONE;
    const c = ev.check;
    if (c.match !== false || c.message === undefined) return NONE;
    return [
      {
        text:
          `the DTLS ${c.side} ${c.endpoint} presented a certificate (frame ${c.frame}) whose ${c.hash} ` +
          `fingerprint is ${c.certificate}, but the SDP that announced that address says ${c.sdp}`,
        messages: [c.message],
        call: ev.call,
      },
    ];
  },
};
