/**
 * sdp.dtls-fingerprint-missing: an SDP, offer or answer, with a DTLS stream
 * (UDP/TLS/RTP/SAVPF and the like, `isDtlsProto`) that no a=fingerprint
 * covers: none on its m= section, none at session level, none on the
 * tagged section of its BUNDLE group. A stream declined or disabled with
 * port 0 has no handshake and is not checked. One finding per SDP, naming
 * every such stream; retransmissions are not reported again.
 */
import type { SipMessage } from '../../sip/message.js';
import { sdpOf } from '../../sip/sdp.js';
import { hasFingerprint, isDtlsProto } from '../../sip/sdp-fingerprint.js';
import { label } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { ANY_STATUS } from '../message-routing.js';
import type { MessageContext, MessageRule } from '../rule.js';

export const sdpDtlsFingerprintMissing: MessageRule = {
  id: 'sdp.dtls-fingerprint-missing',
  title: 'SDP announces a DTLS stream (UDP/TLS/RTP/SAVPF…) without an a=fingerprint',
  severity: 'error',
  rfc: {
    ref: 'RFC 5763 §5, RFC 8122 §5',
    text:
      'The endpoint MUST use the certificate fingerprint attribute as specified in [RFC4572]. … In order to ' +
      'associate media streams with connections and to prevent unauthorized barge-in attacks on the media ' +
      'streams, endpoints MUST provide a certificate fingerprint.',
  },
  explanation:
    'DTLS-SRTP (WebRTC, SIP with UDP/TLS/RTP/SAVP) uses self-signed certificates: what makes the DTLS handshake ' +
    'authentic is the a=fingerprint each side puts in its SDP, offer and answer alike, which the peer compares ' +
    'with the certificate it receives. An SDP with a DTLS stream and no a=fingerprint at media level, at session ' +
    'level or on its BUNDLE group leaves the peer nothing to check: a strict peer refuses the stream (no audio), ' +
    'a lax one accepts any certificate, so anyone on the media path can take the call over. Usually an SBC or ' +
    'B2BUA that rebuilt the SDP and dropped the attribute, or a gateway that copies the DTLS profile without doing DTLS.',
  scope: 'message',
  only: { requests: '*', responses: ANY_STATUS, withBody: true, copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    const c = ctx.correlation;
    if (msg.body.length === 0 || (c !== null && (c.retransmission || c.duplicate))) return NONE;
    const sdp = sdpOf(msg);
    if (sdp === undefined) return NONE;
    let missing: number[] | undefined;
    for (let i = 0; i < sdp.media.length; i++) {
      const m = sdp.media[i];
      // RFC 5763 §5: "The endpoint MUST use the certificate fingerprint attribute as specified in [RFC4572]",
      // in the offer and in the answer. The hot path: a port and a proto compared; attributes are only
      // read for a DTLS stream.
      if (m.port === 0 || !isDtlsProto(m.proto) || hasFingerprint(sdp, i)) continue;
      (missing ??= []).push(i);
    }
    if (missing === undefined) return NONE;
    const streams = missing.map((i) => `m=${sdp.media[i].media} (line ${i + 1}, ${sdp.media[i].proto})`);
    const first = sdp.media[missing[0]];
    const eol = msg.text.indexOf('\n', first.offset);
    const end = eol < 0 ? msg.text.length : msg.text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
    return [
      {
        text:
          `the SDP of the ${label(msg)} has no a=fingerprint for ${streams.join(', ')}, at media or session ` +
          'level: the peer cannot authenticate the DTLS handshake',
        range: { offset: first.offset, length: Math.max(0, end - first.offset) },
      },
    ];
  },
};
