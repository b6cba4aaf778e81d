/**
 * False-positive traps at message level: correct SIP that naive checks flag.
 * Each message here must give no finding at all.
 */
import { describe, expect, it } from 'vitest';
import { findingsOf, INVITE, RINGING, SDP_ANSWER, sip } from './fixtures.js';

const DIALOG = [
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
];

const TRAPS: Record<string, string> = {
  'RFC 3261 §8.2.6.2: a 100 Trying may lack the To tag': sip([
    'SIP/2.0 100 Trying',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Content-Length: 0',
  ]),
  'legacy INFO with application/dtmf-relay (no Contact needed, body typed)': sip(
    [
      'INFO sip:bob@192.0.2.4 SIP/2.0',
      'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKinfo7',
      'Max-Forwards: 70',
      ...DIALOG,
      'CSeq: 314161 INFO',
      'Content-Type: application/dtmf-relay',
      'Content-Length: 24',
    ],
    'Signal=5\r\nDuration=160\r\n',
  ),
  "a proxy's own Via below the top (a spiral), and an RFC 2543 hop further down": sip([
    'INVITE sip:bob@192.0.2.4 SIP/2.0',
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.2',
    'Via: SIP/2.0/UDP fwd.example.net;branch=z9hG4bKa7c6a8dlze',
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.1',
    'Via: SIP/2.0/UDP old-ua.example.com;branch=1',
    'Max-Forwards: 67',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Record-Route: <sip:proxy.example.com;lr>',
    'Record-Route: <sip:fwd.example.net;lr>, <sip:proxy.example.com;lr>',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Length: 0',
  ]),
  'RFC 3261 §9.1: the CANCEL reuses the INVITE branch and has no Contact': sip([
    'CANCEL sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 CANCEL',
    'Content-Length: 0',
  ]),
  'RFC 3261 §17.1.1.3: the ACK for a 2xx has a new branch, no Contact, no body': sip([
    'ACK sip:bob@192.0.2.4 SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds9',
    'Max-Forwards: 70',
    ...DIALOG,
    'CSeq: 314159 ACK',
    'Content-Length: 0',
  ]),
  'RFC 3261 §14.1: a re-INVITE inside the dialog (To tag present, higher CSeq)': sip(
    [
      'INVITE sip:bob@192.0.2.4 SIP/2.0',
      'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKreinv1',
      'Max-Forwards: 70',
      ...DIALOG,
      'CSeq: 314160 INVITE',
      'Contact: <sip:alice@pc33.atlanta.example.com>',
      'Content-Type: application/sdp',
      `Content-Length: ${SDP_ANSWER.length}`,
    ],
    SDP_ANSWER,
  ),
  'RFC 3261 §12.2.2: the 500 a UAS sends for a request with a lower CSeq': sip([
    'SIP/2.0 500 Server Internal Error',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKlow1;received=192.0.2.1',
    ...DIALOG,
    'CSeq: 12 INVITE',
    'Retry-After: 5',
    'Content-Length: 0',
  ]),
  'a forked INVITE: a second 180 with another To tag': RINGING.replace('tag=a6c85cf', 'tag=f0rk2'),
  'RFC 3261 §8.2.6.2: a 487 to INVITE needs a To tag but no Contact': sip([
    'SIP/2.0 487 Request Terminated',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    ...DIALOG,
    'CSeq: 314159 INVITE',
    'Content-Length: 0',
  ]),
  'RFC 3261 §7.3.1: several WWW-Authenticate headers in one 401': sip([
    'SIP/2.0 401 Unauthorized',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKreg1;received=192.0.2.1',
    'To: <sip:alice@atlanta.example.com>;tag=37GkEhwl6',
    'From: <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: reg-1@pc33.atlanta.example.com',
    'CSeq: 1 REGISTER',
    'WWW-Authenticate: Digest realm="atlanta.example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", algorithm=MD5',
    'WWW-Authenticate: Digest realm="atlanta.example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", algorithm=SHA-256',
    'Content-Length: 0',
  ]),
  'RFC 3261 §18.3: a stray CRLF after the empty line of a UDP message without Content-Length is not a body': `${sip(
    [
      'BYE sip:alice@pc33.atlanta.example.com SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10',
      'Max-Forwards: 70',
      'From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
      'To: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
      'CSeq: 231 BYE',
    ],
  )}\r\n`,
};

describe('false-positive traps: no finding at message level', () => {
  for (const [name, text] of Object.entries(TRAPS)) {
    it(name, () => {
      expect(findingsOf(text)).toEqual([]);
    });
  }

  it('a retransmitted INVITE gives the same (empty) result every time', () => {
    expect(findingsOf(INVITE)).toEqual([]);
    expect(findingsOf(INVITE)).toEqual([]);
  });
});
