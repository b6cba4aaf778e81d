/**
 * sdp.dtls-fingerprint-missing through the correlator, on a basic call
 * whose offer (INVITE) and answer (200) are edited: RFC 5763 §5 ("The
 * endpoint MUST use the certificate fingerprint attribute") wants one in the
 * SDP of both sides of a DTLS-SRTP stream; RFC 8122 §5 lets it be
 * session-level; RFC 9143 §7.1.3 (RFC 8843 before it) puts it on the
 * tagged m= section of a BUNDLE group only.
 */
import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../src/sip/sdp.js';
import { hasFingerprint, isDtlsProto } from '../../src/sip/sdp-fingerprint.js';
import { basicCall } from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { edit, insert, later, withBody } from './flow-edit.js';

const RULE = 'sdp.dtls-fingerprint-missing';
const FP = 'a=fingerprint:sha-256 49:98:87:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00';

/** An SDP: session lines (after t=), then each m= section as its lines. */
const sdp = (addr: string, session: string[], ...media: string[][]): string =>
  [
    'v=0',
    `o=- 1 1 IN IP4 ${addr}`,
    's=-',
    `c=IN IP4 ${addr}`,
    't=0 0',
    ...session,
    ...media.flatMap((m) => m.map((l, i) => (i === 0 ? `m=${l}` : l))),
    '',
  ].join('\r\n');

const audio = (port: number, ...attrs: string[]) => [
  `audio ${port} UDP/TLS/RTP/SAVPF 111`,
  'a=rtpmap:111 opus/48000/2',
  'a=setup:actpass',
  ...attrs,
];

/** basicCall() with `offer` in the INVITE (#0) and `answer` in the 200 (#3). */
const exchange = (offer: string, answer: string) =>
  edit(
    edit(basicCall(), 0, (t) => withBody(t, offer)),
    3,
    (t) => withBody(t, answer),
  );

const OFFER_OK = sdp('10.0.0.1', [], audio(49170, FP));
const ANSWER_OK = sdp('10.0.0.2', [], audio(3456, FP));

describe('sdp.dtls-fingerprint-missing: RFC 5763 §5 a DTLS-SRTP stream is announced with its certificate fingerprint', () => {
  it('an offer without a=fingerprint: the INVITE is reported, with the m= line as its range', () => {
    const fs = findingsOfRule(exchange(sdp('10.0.0.1', [], audio(49170)), ANSWER_OK), RULE);
    expect(fs.map((f) => [f.severity, f.messages, f.call, f.text])).toEqual([
      [
        'error',
        [0],
        0,
        'the SDP of the INVITE has no a=fingerprint for m=audio (line 1, UDP/TLS/RTP/SAVPF), at media or session ' +
          'level: the peer cannot authenticate the DTLS handshake',
      ],
    ]);
    expect(fs[0].range?.offset).toBeGreaterThan(0);
    expect(fs[0].range?.length).toBe('m=audio 49170 UDP/TLS/RTP/SAVPF 111'.length);
  });

  it('an answer without a=fingerprint: the 200 is reported, naming every stream without one', () => {
    const video = ['video 3458 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000'];
    const answer = sdp('10.0.0.2', [], audio(3456), video);
    const offer = sdp('10.0.0.1', [FP], audio(49170), [
      'video 49172 UDP/TLS/RTP/SAVPF 96',
      'a=rtpmap:96 VP8/90000',
    ]);
    const fs = findingsOfRule(exchange(offer, answer), RULE);
    expect(fs.map((f) => [f.messages, f.text])).toEqual([
      [
        [3],
        'the SDP of the 200 OK to INVITE has no a=fingerprint for m=audio (line 1, UDP/TLS/RTP/SAVPF), ' +
          'm=video (line 2, UDP/TLS/RTP/SAVPF), at media or session level: the peer cannot authenticate the DTLS handshake',
      ],
    ]);
  });

  it('a retransmitted INVITE is not reported again', () => {
    const msgs = exchange(sdp('10.0.0.1', [], audio(49170)), ANSWER_OK);
    const again = insert(msgs, 1, later(msgs[0], 0.5));
    expect(findingsOfRule(again, RULE).map((f) => f.messages)).toEqual([[0]]);
  });

  it('TCP/DTLS/RTP/SAVP (RFC 7850) and a WebRTC data channel over UDP/DTLS/SCTP (RFC 8841) are DTLS too', () => {
    const tcp = sdp('10.0.0.1', [], ['audio 9 TCP/DTLS/RTP/SAVP 0', 'a=setup:actpass']);
    expect(findingsOfRule(exchange(tcp, ANSWER_OK), RULE).map((f) => f.messages)).toEqual([[0]]);
    const sctp = sdp('10.0.0.1', [], ['application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=sctp-port:5000']);
    expect(findingsOfRule(exchange(sctp, ANSWER_OK), RULE).map((f) => f.text)).toEqual([
      'the SDP of the INVITE has no a=fingerprint for m=application (line 1, UDP/DTLS/SCTP), at media or session ' +
        'level: the peer cannot authenticate the DTLS handshake',
    ]);
  });

  it('media-level and session-level a=fingerprint both count, in offer and answer', () => {
    expect(findingsOfRule(exchange(OFFER_OK, ANSWER_OK), RULE)).toEqual([]);
    const session = exchange(sdp('10.0.0.1', [FP], audio(49170)), sdp('10.0.0.2', [FP], audio(3456)));
    expect(findingsOfRule(session, RULE)).toEqual([]);
  });

  it('a BUNDLE group (RFC 9143 §7.1.3) whose tagged m= section alone carries the a=fingerprint', () => {
    const answer = sdp('10.0.0.2', ['a=group:BUNDLE 0 1'], audio(3456, 'a=mid:0', FP), [
      'video 3456 UDP/TLS/RTP/SAVPF 96',
      'a=mid:1',
      'a=rtpmap:96 VP8/90000',
    ]);
    expect(findingsOfRule(exchange(OFFER_OK, answer), RULE)).toEqual([]);
    // The same video outside the group has nothing to borrow the fingerprint from.
    const unbundled = answer.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0');
    expect(findingsOfRule(exchange(OFFER_OK, unbundled), RULE).map((f) => f.text)).toEqual([
      'the SDP of the 200 OK to INVITE has no a=fingerprint for m=video (line 2, UDP/TLS/RTP/SAVPF), at media or ' +
        'session level: the peer cannot authenticate the DTLS handshake',
    ]);
  });

  it('a declined stream (port 0), SDES-keyed RTP/SAVP with a=crypto, plain RTP and TCP/TLS are not checked', () => {
    expect(findingsOfRule(exchange(OFFER_OK, sdp('10.0.0.2', [], audio(0))), RULE)).toEqual([]);
    const sdes = sdp(
      '10.0.0.1',
      [],
      [
        'audio 49170 RTP/SAVP 0',
        'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4',
      ],
    );
    expect(findingsOfRule(exchange(sdes, sdp('10.0.0.2', [], ['audio 3456 RTP/SAVP 0'])), RULE)).toEqual([]);
    expect(findingsOfRule(basicCall(), RULE)).toEqual([]);
    const msrp = sdp('10.0.0.1', [], ['message 7394 TCP/TLS/MSRP *', 'a=path:msrps://10.0.0.1:7394/s;tcp']);
    expect(findingsOfRule(exchange(msrp, ANSWER_OK), RULE)).toEqual([]);
  });
});

describe('isDtlsProto and hasFingerprint', () => {
  it('names the DTLS transports of RFC 5764, 7850, 8841 and 7345, in any case, and nothing else', () => {
    const yes = ['UDP/TLS/RTP/SAVP', 'UDP/TLS/RTP/SAVPF', 'udp/tls/rtp/savpf', 'DCCP/TLS/RTP/SAVP'];
    const yes2 = ['TCP/DTLS/RTP/SAVPF', 'UDP/DTLS/SCTP', 'TCP/DTLS/SCTP', 'UDP/TLS/UDPTL'];
    for (const p of [...yes, ...yes2]) expect(isDtlsProto(p), p).toBe(true);
    for (const p of [
      'RTP/AVP',
      'RTP/SAVP',
      'RTP/SAVPF',
      'udptl',
      'TCP/TLS/RTP/AVP',
      'TCP/TLS/MSRP',
      'TCP/MSRP',
      '',
    ])
      expect(isDtlsProto(p), p).toBe(false);
  });

  it('a BUNDLE group borrows only from its own members, and a section without a=mid borrows nothing', () => {
    const s = parseSdp(
      sdp(
        '10.0.0.2',
        ['a=group:BUNDLE a b', 'a=group:BUNDLE c'],
        ['audio 1 UDP/TLS/RTP/SAVPF 0', 'a=mid:a', FP],
        ['video 1 UDP/TLS/RTP/SAVPF 96', 'a=mid:b'],
        ['video 2 UDP/TLS/RTP/SAVPF 96', 'a=mid:c'],
        ['video 3 UDP/TLS/RTP/SAVPF 96'],
      ),
    );
    expect([0, 1, 2, 3].map((i) => hasFingerprint(s, i))).toEqual([true, true, false, false]);
  });
});
