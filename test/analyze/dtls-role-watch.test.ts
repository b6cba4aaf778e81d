/**
 * The watch behind dtls.setup-role-mismatch (src/analyze/dtls-role-watch.ts):
 * RFC 5763 §5 "Whichever party is active MUST initiate a DTLS handshake by
 * sending a ClientHello", judged from the SDP offer and answer and the
 * hellos on their addresses, without a capture.
 */
import { describe, expect, it } from 'vitest';
import { DtlsRoleWatch } from '../../src/analyze/dtls-role-watch.js';
import type { DtlsHello } from '../../src/media/dtls-srtp.js';
import { parseSdp } from '../../src/sip/sdp.js';

const WAIT = 32;

/** An SDP with one DTLS-SRTP audio line on `ip`:`port` saying a=setup:`setup`. */
const sdp = (ip: string, port: number, setup: string, proto = 'UDP/TLS/RTP/SAVPF') =>
  parseSdp(
    `v=0\r\no=- 1 1 IN IP4 ${ip}\r\ns=-\r\nc=IN IP4 ${ip}\r\nt=0 0\r\nm=audio ${port} ${proto} 111\r\n` +
      `a=rtpmap:111 opus/48000/2\r\na=fingerprint:sha-256 AB:CD\r\na=setup:${setup}\r\n`,
  );

const hello = (
  kind: 'client' | 'server',
  from: string,
  to: string,
  frame: number,
  ts = frame,
): DtlsHello => ({
  hello: kind,
  from,
  to,
  frame,
  ts,
});

describe('DtlsRoleWatch: RFC 5763 §5 the active side sends the ClientHello', () => {
  it('a ClientHello from behind a NAT to the offerer is the answerer: right side, nothing to say', () => {
    const w = new DtlsRoleWatch();
    expect(
      w.answered(sdp('10.0.0.1', 5000, 'actpass'), sdp('10.0.0.2', 6000, 'active'), 0, 3, 0, WAIT),
    ).toEqual([]);
    expect(w.onHello(hello('client', '198.51.100.7:40000', '10.0.0.1:5000', 9), WAIT)).toBeNull();
    expect(w.onHello(hello('server', '10.0.0.1:5000', '198.51.100.7:40000', 10), WAIT)).toBeNull();
    expect(w.due(100, true)).toEqual([]);
  });

  it('a lone ClientHello from the side due to be server is judged once 64·T1 have passed, not before', () => {
    const w = new DtlsRoleWatch();
    w.answered(sdp('10.0.0.1', 5000, 'actpass'), sdp('10.0.0.2', 6000, 'active'), 0, 3, 7, WAIT);
    expect(w.onHello(hello('client', '10.0.0.1:5000', '10.0.0.2:6000', 9, 2), WAIT)).toBeNull();
    expect(w.nextDue).toBe(2 + WAIT);
    expect(w.due(2 + WAIT - 1, false)).toEqual([]);
    const [[r, v]] = w.due(2 + WAIT, false);
    expect([v, r.client, r.clientHello, r.call, r.offerMsg, r.answerMsg]).toEqual([
      'server-hello',
      'answerer',
      { offerer: 9 },
      7,
      0,
      3,
    ]);
    expect(w.nextDue).toBeUndefined();
  });

  it('a stream that is not DTLS (RTP/AVP), declined (port 0) or whose answer says actpass is not watched', () => {
    const w = new DtlsRoleWatch();
    w.answered(
      sdp('10.0.0.1', 5000, 'actpass', 'RTP/AVP'),
      sdp('10.0.0.2', 6000, 'active', 'RTP/AVP'),
      0,
      3,
      0,
      WAIT,
    );
    w.answered(sdp('10.0.0.3', 5000, 'actpass'), sdp('10.0.0.4', 0, 'active'), 4, 7, 1, WAIT);
    w.answered(sdp('10.0.0.5', 5000, 'actpass'), sdp('10.0.0.6', 6000, 'actpass'), 8, 11, 2, WAIT);
    for (const [a, b] of [
      ['10.0.0.1:5000', '10.0.0.2:6000'],
      ['10.0.0.3:5000', '10.0.0.4:6000'],
      ['10.0.0.5:5000', '10.0.0.6:6000'],
    ]) {
      expect(w.onHello(hello('client', a, b, 1), WAIT)).toBeNull();
      expect(w.onHello(hello('client', b, a, 2), WAIT)).toBeNull();
    }
    expect(w.due(100, true)).toEqual([]);
  });

  it('bounded: past 4,096 answered streams the oldest is forgotten, and its hellos say nothing', () => {
    const w = new DtlsRoleWatch();
    for (let i = 0; i < 4097; i++) {
      const ip = `10.${(i >> 8) & 255}.${i & 255}.`;
      w.answered(sdp(`${ip}1`, 5000, 'actpass'), sdp(`${ip}2`, 6000, 'active'), 2 * i, 2 * i + 1, i, WAIT);
    }
    // Stream 0 (10.0.0.x) is gone; stream 1 (10.0.1.x) is still watched.
    expect(w.onHello(hello('client', '10.0.0.1:5000', '10.0.0.2:6000', 1), WAIT)).toBeNull();
    expect(w.onHello(hello('client', '10.0.0.2:6000', '10.0.0.1:5000', 2), WAIT)).toBeNull();
    w.onHello(hello('client', '10.0.1.2:6000', '10.0.1.1:5000', 3), WAIT);
    expect(w.onHello(hello('client', '10.0.1.1:5000', '10.0.1.2:6000', 4), WAIT)?.[1]).toBe('both');
  });
});
