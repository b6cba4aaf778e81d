/**
 * Correlated rules about SDP offer/answer (RFC 3264) and about registration
 * and security (failed authentication, floods, scans): a message sequence
 * that triggers each rule and one that must not.
 */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/decode/payload.js';
import type { SipMessage } from '../../src/sip/message.js';
import {
  ALICE,
  basicCall,
  ep,
  Flow,
  nameAddr,
  prackCall,
  REGISTRAR,
  type RequestSpec,
  registerWithChallenge,
  request,
  response,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { addHeader, edit, withBody } from './flow-edit.js';

/** An SDP body: `c=` address and m= lines (`audio 3456 RTP/AVP 0 8`), with rtpmap lines as given. */
const sdpBody = (addr: string, mlines: string[], extra: string[] = []): string =>
  [
    'v=0',
    `o=- 1 1 IN IP4 ${addr}`,
    's=-',
    `c=IN IP4 ${addr}`,
    't=0 0',
    ...mlines.map((m) => `m=${m}`),
    ...extra,
    '',
  ].join('\r\n');

/** basicCall() with the 200's SDP replaced by `body` ('' for none). */
const answered = (body: string) => edit(basicCall(), 3, (t) => withBody(t, body));

/** basicCall() with the INVITE's SDP replaced by `offer` and the 200's by `answer`. */
const exchange = (offer: string, answer: string) => edit(answered(answer), 0, (t) => withBody(t, offer));

describe('sdp.answer-missing: RFC 3261 §13.3.1.4 the 2xx to an INVITE offer MUST contain the answer', () => {
  it('the 200 to an INVITE with an offer carries no SDP', () => {
    const fs = findingsOfRule(answered(''), 'sdp.answer-missing');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 3]]]);
    expect(fs[0].text).toBe('the 200 OK carries no SDP answer to the offer in the INVITE');
  });

  it('an INVITE without SDP gets a 200 without the offer it must then carry', () => {
    const msgs = edit(answered(''), 0, (t) => withBody(t, ''));
    expect(findingsOfRule(msgs, 'sdp.answer-missing').map((f) => [f.messages, f.text])).toEqual([
      [[3], 'the 200 OK to an INVITE without SDP carries no offer'],
    ]);
  });

  it('the offer comes in the 200 and the ACK carries no answer (RFC 3261 §13.2.2.4)', () => {
    const msgs = edit(basicCall(), 0, (t) => withBody(t, ''));
    expect(findingsOfRule(msgs, 'sdp.answer-missing').map((f) => [f.messages, f.text])).toEqual([
      [[3, 4], 'ACK carries no SDP answer to the offer in the 2xx'],
    ]);
  });

  it('offer in the INVITE and answer in the 200; offer in the 200 and answer in the ACK; answer in a reliable 183', () => {
    expect(findingsOfRule(basicCall(), 'sdp.answer-missing')).toEqual([]);
    let late = edit(basicCall(), 0, (t) => withBody(t, ''));
    late = edit(late, 4, (t) => withBody(t, sdpBody('10.0.0.1', ['audio 49170 RTP/AVP 0'])));
    expect(findingsOfRule(late, 'sdp.answer-missing')).toEqual([]);
    expect(findingsOfRule(prackCall(), 'sdp.answer-missing')).toEqual([]);
  });
});

describe("sdp.answer-mlines-mismatch: RFC 3264 §6 the answer has exactly the offer's m= lines, in order", () => {
  it('an answer with an extra video stream', () => {
    const msgs = answered(sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 0', 'video 3458 RTP/AVP 31']));
    const fs = findingsOfRule(msgs, 'sdp.answer-mlines-mismatch');
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      ['error', [0, 3], 'the answer has 2 m= lines, the offer 1'],
    ]);
  });

  it('an answer with video where the offer had audio', () => {
    const fs = findingsOfRule(
      answered(sdpBody('10.0.0.2', ['video 3456 RTP/AVP 31'])),
      'sdp.answer-mlines-mismatch',
    );
    expect(fs.map((f) => f.text)).toEqual(['m= line 1 is video in the answer but audio in the offer']);
  });

  it('one audio stream offered, one answered', () => {
    expect(findingsOfRule(basicCall(), 'sdp.answer-mlines-mismatch')).toEqual([]);
  });
});

describe('sdp.answer-codec-not-offered: RFC 3264 §6.1 an accepted stream keeps a codec from the offer', () => {
  it('the answer picks G.729, which the offer (PCMU, PCMA) did not list', () => {
    const msgs = answered(sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 18'], ['a=rtpmap:18 G729/8000']));
    const fs = findingsOfRule(msgs, 'sdp.answer-codec-not-offered');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 3]]]);
    expect(fs[0].text).toBe(
      'm=audio (line 1) of the answer lists G729/8000; the offer had PCMU/8000, PCMA/8000',
    );
  });

  it('telephone-event alone is not a common codec', () => {
    const offer = sdpBody('10.0.0.1', ['audio 49170 RTP/AVP 0 101'], ['a=rtpmap:101 telephone-event/8000']);
    const answer = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 18 101'], ['a=rtpmap:101 telephone-event/8000']);
    expect(findingsOfRule(exchange(offer, answer), 'sdp.answer-codec-not-offered')).toHaveLength(1);
  });

  it('static comfort noise (13, RFC 3551 Table 4) alone is not a common codec either', () => {
    const offer = sdpBody('10.0.0.1', ['audio 49170 RTP/AVP 0 13']);
    const answer = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 18 13'], ['a=rtpmap:18 G729/8000']);
    const fs = findingsOfRule(exchange(offer, answer), 'sdp.answer-codec-not-offered');
    expect(fs.map((f) => f.text)).toEqual([
      'm=audio (line 1) of the answer lists G729/8000, CN/8000; the offer had PCMU/8000, CN/8000',
    ]);
  });

  it('a subset of the offer, an extra format beside a common one, a renumbered dynamic type, a declined stream', () => {
    expect(findingsOfRule(basicCall(), 'sdp.answer-codec-not-offered')).toEqual([]);
    const extra = answered(sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 8 18'], ['a=rtpmap:18 G729/8000']));
    expect(findingsOfRule(extra, 'sdp.answer-codec-not-offered')).toEqual([]);
    const offer = sdpBody('10.0.0.1', ['audio 49170 RTP/AVP 96'], ['a=rtpmap:96 opus/48000/2']);
    const renumbered = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 111'], ['a=rtpmap:111 OPUS/48000/2']);
    expect(findingsOfRule(exchange(offer, renumbered), 'sdp.answer-codec-not-offered')).toEqual([]);
    const declined = answered(sdpBody('10.0.0.2', ['audio 0 RTP/AVP 18']));
    expect(findingsOfRule(declined, 'sdp.answer-codec-not-offered')).toEqual([]);
  });

  it('formats named like Object.prototype members are formats like any other (capture text, RFC 8866 §5.14 <fmt> is a token)', () => {
    const offer = sdpBody('10.0.0.1', ['audio 49170 RTP/AVP toString constructor']);
    const answer = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP __proto__ valueOf'], ['a=rtpmap:constructor x']);
    const fs = findingsOfRule(exchange(offer, answer), 'sdp.answer-codec-not-offered');
    expect(fs.map((f) => f.text)).toEqual([
      'm=audio (line 1) of the answer lists __proto__, valueOf; the offer had toString, constructor',
    ]);
  });
});

describe('sdp.answer-dtls-setup: RFC 5763 §5 the answerer of DTLS-SRTP says setup:active or setup:passive', () => {
  const FP =
    'a=fingerprint:sha-256 49:98:87:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC';
  const dtls = (addr: string, port: number, setup: string[]) =>
    sdpBody(addr, [`audio ${port} UDP/TLS/RTP/SAVPF 111`], ['a=rtpmap:111 opus/48000/2', FP, ...setup]);
  const offer = dtls('10.0.0.1', 49170, ['a=setup:actpass']);

  it('the answer repeats the offer a=setup:actpass: nobody is told to start the handshake', () => {
    const fs = findingsOfRule(
      exchange(offer, dtls('10.0.0.2', 3456, ['a=setup:actpass'])),
      'sdp.answer-dtls-setup',
    );
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      [
        'error',
        [0, 3],
        'm=audio (line 1, UDP/TLS/RTP/SAVPF) of the answer says a=setup:actpass: it must say active or passive',
      ],
    ]);
  });

  it('holdconn, and a value that is no role, at session level', () => {
    const hold = sdpBody('10.0.0.2', ['audio 3456 UDP/TLS/RTP/SAVPF 111'], ['a=setup:holdconn', FP]);
    expect(findingsOfRule(exchange(offer, hold), 'sdp.answer-dtls-setup').map((f) => f.text)).toEqual([
      'm=audio (line 1, UDP/TLS/RTP/SAVPF) of the answer says a=setup:holdconn: it must say active or passive',
    ]);
    const junk = exchange(offer, dtls('10.0.0.2', 3456, ['a=setup:client']));
    expect(findingsOfRule(junk, 'sdp.answer-dtls-setup').map((f) => f.text)).toEqual([
      'm=audio (line 1, UDP/TLS/RTP/SAVPF) of the answer says an a=setup value that is no role: it must say active or passive',
    ]);
  });

  it('active or passive answers, no a=setup (passive by RFC 4145 §4.1), a declined stream, and plain RTP are fine', () => {
    for (const setup of [['a=setup:active'], ['a=setup:PASSIVE'], []])
      expect(findingsOfRule(exchange(offer, dtls('10.0.0.2', 3456, setup)), 'sdp.answer-dtls-setup')).toEqual(
        [],
      );
    const declined = exchange(offer, dtls('10.0.0.2', 0, ['a=setup:actpass']));
    expect(findingsOfRule(declined, 'sdp.answer-dtls-setup')).toEqual([]);
    const plain = answered(sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 0'], ['a=setup:actpass']));
    expect(findingsOfRule(plain, 'sdp.answer-dtls-setup')).toEqual([]);
    expect(findingsOfRule(basicCall(), 'sdp.answer-dtls-setup')).toEqual([]);
  });
});

describe('sdp.port-zero-misuse: RFC 3264 §8.2 a stream offered with port 0 is answered with port 0', () => {
  const offer = sdpBody('10.0.0.1', ['audio 49170 RTP/AVP 0', 'video 0 RTP/AVP 31']);

  it('the answer gives the disabled video stream a port', () => {
    const answer = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 0', 'video 3458 RTP/AVP 31']);
    const fs = findingsOfRule(exchange(offer, answer), 'sdp.port-zero-misuse');
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      ['error', [0, 3], 'm=video (line 2) was offered with port 0 but answered with port 3458'],
    ]);
  });

  it('the disabled stream stays at port 0; an offered stream declined with port 0 is fine', () => {
    const answer = sdpBody('10.0.0.2', ['audio 3456 RTP/AVP 0', 'video 0 RTP/AVP 31']);
    expect(findingsOfRule(exchange(offer, answer), 'sdp.port-zero-misuse')).toEqual([]);
    expect(
      findingsOfRule(answered(sdpBody('10.0.0.2', ['audio 0 RTP/AVP 0'])), 'sdp.port-zero-misuse'),
    ).toEqual([]);
  });
});

describe('sdp.private-address: RFC 1918 §3 a private media address sent to a public peer', () => {
  const PUB_A = ep('44.0.0.1');
  const PUB_B = ep('45.0.0.2');
  /** basicCall() carried between public addresses. */
  const overInternet = (msgs: SipMessage[]) =>
    msgs.map((m) => {
      const s = m.source;
      if (s === null) return m;
      const pub = (e: Endpoint) => (e.ip === '10.0.0.1' ? PUB_A : PUB_B);
      m.source = { ...s, src: pub(s.src), dst: pub(s.dst) };
      return m;
    });

  it('both SDPs name a 10.x address while the packets cross the Internet', () => {
    const fs = findingsOfRule(overInternet(basicCall()), 'sdp.private-address');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([
      ['warning', [0]],
      ['warning', [3]],
    ]);
    expect(fs[0].text).toBe(
      'INVITE on 44.0.0.1:5060 → 45.0.0.2:5060 offers media at private address 10.0.0.1, which the public peer cannot reach',
    );
  });

  it('private SDP inside a private network, and public SDP across the Internet, are fine', () => {
    expect(findingsOfRule(basicCall(), 'sdp.private-address')).toEqual([]);
    let msgs = edit(basicCall(), 0, (t) => withBody(t, sdpBody('44.0.0.1', ['audio 49170 RTP/AVP 0'])));
    msgs = edit(msgs, 3, (t) => withBody(t, sdpBody('45.0.0.2', ['audio 3456 RTP/AVP 0'])));
    expect(findingsOfRule(overInternet(msgs), 'sdp.private-address')).toEqual([]);
  });
});

const CHALLENGE = 'WWW-Authenticate: Digest realm="example.com", nonce="b5a6", qop="auth"';

describe('auth.failed: RFC 3261 §22.1 credentials answered with a new challenge (or 403) were rejected', () => {
  it('the REGISTER with credentials is challenged again for the same realm', () => {
    const msgs = edit(registerWithChallenge(), 3, (t) =>
      addHeader(t.replace('SIP/2.0 200 OK', 'SIP/2.0 401 Unauthorized'), CHALLENGE),
    );
    const fs = findingsOfRule(msgs, 'auth.failed');
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      ['warning', [2, 3], 'REGISTER with credentials for sip:alice@example.com challenged again with 401'],
    ]);
  });

  it('the REGISTER with credentials is refused with 403', () => {
    const msgs = edit(registerWithChallenge(), 3, (t) =>
      t.replace('SIP/2.0 200 OK', 'SIP/2.0 403 Forbidden'),
    );
    expect(findingsOfRule(msgs, 'auth.failed').map((f) => f.text)).toEqual([
      'REGISTER with credentials for sip:alice@example.com refused with 403',
    ]);
  });

  it('the first 401 (no credentials yet), a stale nonce, and another realm asking are normal digest steps', () => {
    expect(findingsOfRule(registerWithChallenge(), 'auth.failed')).toEqual([]);
    const stale = edit(registerWithChallenge(), 3, (t) =>
      addHeader(t.replace('SIP/2.0 200 OK', 'SIP/2.0 401 Unauthorized'), `${CHALLENGE}, stale=true`),
    );
    expect(findingsOfRule(stale, 'auth.failed')).toEqual([]);
    const proxy = edit(registerWithChallenge(), 3, (t) =>
      addHeader(
        t.replace('SIP/2.0 200 OK', 'SIP/2.0 407 Proxy Authentication Required'),
        'Proxy-Authenticate: Digest realm="proxy.example.com", nonce="1"',
      ),
    );
    expect(findingsOfRule(proxy, 'auth.failed')).toEqual([]);
  });
});

/** `n` REGISTERs for alice's AOR, `dt` s apart (each a new transaction), or one REGISTER and its copies. */
function registers(n: number, dt: number, copies = false): SipMessage[] {
  const f = new Flow();
  const reg = (i: number): RequestSpec => ({
    method: 'REGISTER',
    uri: 'sip:example.com',
    via: [via(ALICE, `z9hG4bKreg${copies ? 0 : i}`)],
    from: nameAddr('sip:alice@example.com', 'rga'),
    to: nameAddr('sip:alice@example.com'),
    callId: 'register-1@10.0.0.1',
    cseq: copies ? 1 : i + 1,
    headers: [['Contact', '<sip:alice@10.0.0.1>']],
  });
  for (let i = 0; i < n; i++) f.add(i * dt, ALICE, REGISTRAR, request(reg(i)));
  return f.messages;
}

describe('register.flood: RFC 3261 §10.3 registrars are protected against excessively frequent refreshes', () => {
  it('20 REGISTERs for one address-of-record in 19 s', () => {
    const fs = findingsOfRule(registers(20, 1), 'register.flood');
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      ['warning', [0, 19], '20 REGISTERs for sip:alice@example.com within 19.0 s'],
    ]);
  });

  it('19 in a minute, 20 spread over 20 minutes, or one REGISTER retransmitted 20 times, are no flood', () => {
    expect(findingsOfRule(registers(19, 1), 'register.flood')).toEqual([]);
    expect(findingsOfRule(registers(20, 60), 'register.flood')).toEqual([]);
    expect(findingsOfRule(registers(20, 0.5, true), 'register.flood')).toEqual([]);
  });
});

const SCANNER = ep('44.0.0.9');
const PBX = ep('45.0.0.2');

/** OPTIONS from one source to `n` users of one PBX, each answered with `status` (or not at all). */
function sweep(n: number, status: number | null, ua = 'friendly-scanner'): SipMessage[] {
  const f = new Flow();
  for (let i = 0; i < n; i++) {
    const spec: RequestSpec = {
      method: 'OPTIONS',
      uri: `sip:${100 + i}@45.0.0.2`,
      via: [via(SCANNER, `z9hG4bKscan${i}`)],
      from: nameAddr('sip:100@45.0.0.2', `s${i}`),
      to: nameAddr(`sip:${100 + i}@45.0.0.2`),
      callId: `scan-${i}`,
      cseq: 1,
      headers: [['User-Agent', ua]],
    };
    f.add(i * 0.1, SCANNER, PBX, request(spec));
    if (status !== null)
      f.add(
        i * 0.1 + 0.01,
        PBX,
        SCANNER,
        response(spec, status, status === 404 ? 'Not Found' : 'OK', { toTag: `t${i}` }),
      );
  }
  return f.messages;
}

describe('scan.sweep: RFC 3261 §26.1.5 one source probing many users (extension enumeration)', () => {
  it('OPTIONS to 20 users of one PBX, all answered 404, reported when the minute is over', () => {
    expect(findingsOfRule(sweep(20, 404, 'x'), 'scan.sweep', { advanceTo: T0 + 30, noEnd: true })).toEqual(
      [],
    );
    const fs = findingsOfRule(sweep(20, 404, 'x'), 'scan.sweep', { advanceTo: T0 + 61 });
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['info', [0]]]);
    expect(fs[0].text).toBe(
      '44.0.0.9 sent 20 OPTIONS requests to 20+ distinct users or addresses within 60.0 s; 20 refused, 0 unanswered',
    );
  });

  it('a capture ending during the minute reports refusals already seen, not requests still unanswered', () => {
    expect(findingsOfRule(sweep(20, 404, 'x'), 'scan.sweep')).toHaveLength(1);
    expect(findingsOfRule(sweep(20, null, 'x'), 'scan.sweep')).toEqual([]);
    expect(findingsOfRule(sweep(20, null, 'x'), 'scan.sweep', { advanceTo: T0 + 61 })).toHaveLength(1);
  });

  it('requests to 19 users, or 20 that are served (200), are not a scan', () => {
    expect(findingsOfRule(sweep(19, 404, 'x'), 'scan.sweep', { advanceTo: T0 + 61 })).toEqual([]);
    expect(findingsOfRule(sweep(20, 200, 'x'), 'scan.sweep', { advanceTo: T0 + 61 })).toEqual([]);
  });
});

describe('scan.user-agent: RFC 3261 §26.1.5 SIPVicious and its kin announce themselves', () => {
  it('"friendly-scanner" is reported once per source', () => {
    const fs = findingsOfRule(sweep(3, 404), 'scan.user-agent');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0]]]);
    expect(fs[0].text).toBe(
      'OPTIONS on 44.0.0.9:5060 → 45.0.0.2:5060 with User-Agent "friendly-scanner": a SIP scanning tool',
    );
  });

  it('an ordinary User-Agent is not', () => {
    expect(findingsOfRule(sweep(3, 404, 'AliceUA/1.0'), 'scan.user-agent')).toEqual([]);
    expect(findingsOfRule(basicCall(), 'scan.user-agent')).toEqual([]);
  });
});
