import type { SdpMedia } from '../../sip/sdp.js';
import { setupOf } from '../../sip/sdp-fingerprint.js';
import { type FindingDraft, NONE } from '../finding.js';
import { answerRule } from '../offer-answer.js';

/** A stream keyed by DTLS (RFC 5764 §8's UDP/TLS/RTP/SAVP and SAVPF, and the like): whose a=setup says who is the DTLS client. */
const overDtls = (m: SdpMedia): boolean => m.proto.includes('/TLS/');

export const sdpAnswerDtlsSetup = answerRule(
  {
    id: 'sdp.answer-dtls-setup',
    title: 'SDP answer leaves the DTLS roles undecided (a=setup neither active nor passive)',
    severity: 'error',
    rfc: {
      ref: 'RFC 5763 §5',
      text: 'The answerer MUST use either a setup attribute value of setup:active or setup:passive.',
    },
    explanation:
      'In DTLS-SRTP (WebRTC) the offer says a=setup:actpass, "either of us", and the answer decides: active, ' +
      'the answerer starts the DTLS handshake (it is the DTLS client), or passive, it waits for the offerer to. ' +
      'An answer that says actpass again (or holdconn, or a value that is no role) decides nothing: both sides ' +
      'may wait for the other, no handshake happens, no SRTP key is made and the call has no audio, or each ' +
      'falls back to its own guess and both act as client. Seen with gateways that copy the offer’s attributes ' +
      'into their answer. An answer with no a=setup means passive (RFC 4145 §4.1) and is not flagged; a stream ' +
      'declined with port 0 is not checked.',
  },
  (step) => {
    let out: FindingDraft[] | undefined;
    step.answer.media.forEach((a, i) => {
      if (a.port === 0 || !overDtls(a)) return;
      const role = setupOf(step.answer, a);
      if (role === undefined || role === 'active' || role === 'passive') return;
      const said = role === 'invalid' ? 'an a=setup value that is no role' : `a=setup:${role}`;
      (out ??= []).push({
        text: `m=${a.media} (line ${i + 1}, ${a.proto}) of the answer says ${said}: it must say active or passive`,
        messages: [step.offer.msg, step.msg],
      });
    });
    return out ?? NONE;
  },
);
