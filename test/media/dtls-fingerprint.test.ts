/**
 * The DTLS certificate against the SDP's a=fingerprint (RFC 5763 §5, RFC
 * 8122 §5; src/media/dtls-fingerprint.ts): the Certificate message's first
 * certificate from hex written out field by field (RFC 5246 §7.4.2), the
 * strongest hash function of the SDP's chosen, what cannot be checked said
 * and never called a mismatch; then the real OpenSSL handshake of
 * samples/dtls-srtp-call.pcap through the DtlsSrtp tracker, its server
 * certificate in three fragments over three datagrams (RFC 6347 §4.2.3),
 * checked against the fingerprints `openssl x509 -fingerprint -sha256`
 * printed (test/fixtures/dtls-srtp/fingerprints.txt); and Chromium's DTLS
 * 1.3, whose certificate is encrypted: not checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Endpoint, endpointString } from '../../src/decode/payload.js';
import {
  checkCertificate,
  type FingerprintCheck,
  firstCertificate,
} from '../../src/media/dtls-fingerprint.js';
import { HS_CERTIFICATE, parseHandshakeFragments, parseRecords } from '../../src/media/dtls-records.js';
import { DtlsSrtp } from '../../src/media/dtls-srtp.js';
import type { SdesSide } from '../../src/media/sdes.js';
import type { SdpFingerprint } from '../../src/sip/sdp-fingerprint.js';
import { HANDSHAKE } from '../fixtures/dtls-srtp-call.js';
import { DTMF_CALLER_MEDIA, DTMF_IVR_MEDIA } from '../fixtures/dtmf-call.js';

const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

/** FIPS 180-2 test vectors: the digests of "abc". */
const ABC_SHA256 =
  'BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD';
const ABC_SHA1 = 'A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D';

const fp = (hash: string, value: string, error?: string): SdpFingerprint => ({
  hash,
  value,
  offset: 0,
  ...(error === undefined ? {} : { error }),
});
const blank = (): FingerprintCheck => ({ side: 'server', endpoint: '10.0.0.1:4000', match: null });

describe('the Certificate message (RFC 5246 §7.4.2)', () => {
  it('gives the first (end-entity) certificate of the list', () => {
    const body = hex(
      '00000b', //    certificate_list: 11 bytes
      '000003 616263', // ASN.1Cert: 3 bytes, "abc" (the sender's own)
      '000002 6465', //   ASN.1Cert: 2 bytes (its issuer, not hashed)
    );
    expect(Buffer.from(firstCertificate(body)!).toString()).toBe('abc');
  });

  it('an empty list (a client that has no certificate), a length past the list or the bytes: none, no throw', () => {
    expect(firstCertificate(hex('000000'))).toBeNull();
    expect(firstCertificate(hex('000006', '000009 616263'))).toBeNull();
    expect(firstCertificate(hex('0000ff', '000003 6162'))).toBeNull();
    expect(firstCertificate(hex('00'))).toBeNull();
  });
});

describe('the check (RFC 8122 §5: the set of the most preferred hash function, one must match)', () => {
  const abc = Buffer.from('abc');

  it('a matching sha-256 fingerprint: match true, both fingerprints given', () => {
    const c = checkCertificate(abc, [fp('sha-256', ABC_SHA256)], blank());
    expect(c).toMatchObject({ hash: 'sha-256', sdp: ABC_SHA256, certificate: ABC_SHA256, match: true });
    expect(c.reason).toBeUndefined();
  });

  it('any line of the chosen hash function may match (several certificates announced)', () => {
    const other = ABC_SHA256.replace('BA', '00');
    expect(checkCertificate(abc, [fp('sha-256', other), fp('sha-256', ABC_SHA256)], blank()).match).toBe(
      true,
    );
  });

  it('sha-1 and sha-256 offered: sha-256 is checked, so a right sha-1 does not save a wrong sha-256', () => {
    const wrong = ABC_SHA256.replace('AD', 'AE');
    const c = checkCertificate(abc, [fp('sha-1', ABC_SHA1), fp('sha-256', wrong)], blank());
    expect(c).toMatchObject({ hash: 'sha-256', sdp: wrong, certificate: ABC_SHA256, match: false });
  });

  it('sha-1 only is computed too', () => {
    expect(checkCertificate(abc, [fp('sha-1', ABC_SHA1)], blank())).toMatchObject({
      hash: 'sha-1',
      match: true,
    });
  });

  it('not checked, never a mismatch: no a=fingerprint, only malformed ones, md2 or an unknown hash, no certificate', () => {
    const cases = [
      checkCertificate(abc, [], blank()),
      checkCertificate(abc, [fp('sha-256', '', 'bad hex')], blank()),
      checkCertificate(abc, [fp('md2', 'AB:CD')], blank()),
      checkCertificate(abc, [fp('sha3-256', 'AB:CD')], blank()),
      checkCertificate(null, [fp('sha-256', ABC_SHA256)], blank()),
    ];
    expect(cases.map((c) => [c.match, c.reason])).toEqual([
      [null, 'the SDP of this address has no a=fingerprint'],
      [null, "the SDP's a=fingerprint is malformed: bad hex"],
      [null, "hash function md2 of the SDP's a=fingerprint is not computed here"],
      [null, "hash function sha3-256 of the SDP's a=fingerprint is not computed here"],
      [null, "the server's Certificate message holds no certificate"],
    ]);
  });
});

/** fingerprints.txt: what OpenSSL printed for each certificate the fixture made. */
const OPENSSL = new Map(
  readFileSync(new URL('../fixtures/dtls-srtp/fingerprints.txt', import.meta.url), 'latin1')
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string]),
);

/** The SDP side of an address announcing the fingerprint of certificate `name`. */
const side = (e: Endpoint, message: number, name: string): SdesSide => ({
  message,
  media: 0,
  savp: true,
  crypto: [],
  ip: e.ip,
  port: e.port,
  callId: 'c',
  fingerprints: [fp('sha-256', OPENSSL.get(name)!)],
});

/** The fixture's handshake (in `order`) through a tracker whose caller SDP is message 0, the IVR's message 3. */
function run(ivrCertificate: string | null, order = HANDSHAKE.map((_, i) => i)) {
  const checks: FingerprintCheck[] = [];
  const sdps = [side(DTMF_CALLER_MEDIA, 0, 'caller')];
  if (ivrCertificate !== null) sdps.push(side(DTMF_IVR_MEDIA, 3, ivrCertificate));
  const t = new DtlsSrtp(
    undefined,
    (from) => sdps.find((s) => s.ip === from.ip && s.port === from.port),
    (c) => checks.push(c),
  );
  for (const i of order) {
    const d = HANDSHAKE[i];
    const [src, dst] = d.fromCaller
      ? [DTMF_CALLER_MEDIA, DTMF_IVR_MEDIA]
      : [DTMF_IVR_MEDIA, DTMF_CALLER_MEDIA];
    t.offer({ transport: 'udp', src, dst, bytes: d.bytes, frame: i + 1, frames: [i + 1], ts: d.at });
  }
  return { t, checks };
}

const CALLER = endpointString(DTMF_CALLER_MEDIA);
const IVR = endpointString(DTMF_IVR_MEDIA);

/** Indices of the handshake's datagrams from the caller (the DTLS server) that carry a fragment of its Certificate. */
const certificateDatagrams = HANDSHAKE.flatMap((d, i) =>
  d.fromCaller &&
  parseRecords(d.bytes).records.some(
    (r) =>
      r.epoch === 0 && parseHandshakeFragments(r.body).fragments.some((f) => f.msgType === HS_CERTIFICATE),
  )
    ? [i]
    : [],
);

describe('the real OpenSSL DTLS 1.2 handshake of dtls-srtp-call.pcap (no key log)', () => {
  it('the server (caller) certificate comes in fragments over several datagrams', () => {
    expect(certificateDatagrams.length).toBeGreaterThanOrEqual(3);
  });

  it('both certificates hash to what OpenSSL printed, each checked once', () => {
    const { t, checks } = run('ivr');
    expect(checks.map((c) => [c.side, c.endpoint, c.message, c.match, c.certificate])).toEqual([
      ['server', CALLER, 0, true, OPENSSL.get('caller')],
      ['client', IVR, 3, true, OPENSSL.get('ivr')],
    ]);
    expect(t.fingerprintFor(IVR, CALLER)).toMatchObject({ side: 'client', match: true, hash: 'sha-256' });
    expect(t.keyFor(CALLER, IVR)?.keying.fingerprint).toMatchObject({ side: 'server', match: true });
  });

  it('every datagram sent twice (a retransmitted flight, RFC 6347 §4.2.4): still one check a side', () => {
    const once = HANDSHAKE.map((_, i) => i);
    expect(run('ivr', [...once, ...once]).checks.map((c) => c.side)).toEqual(['server', 'client']);
  });

  it('the server certificate fragments out of order are put back together the same (RFC 6347 §4.2.3)', () => {
    const order = HANDSHAKE.map((_, i) => i);
    const swapped = [...certificateDatagrams].reverse();
    certificateDatagrams.forEach((at, k) => {
      order[at] = swapped[k];
    });
    const { checks } = run('ivr', order);
    expect(checks.map((c) => [c.side, c.match])).toEqual([
      ['server', true],
      ['client', true],
    ]);
  });

  it('an answer carrying another certificate fingerprint (an SBC rewrote it): the client is a mismatch', () => {
    const { checks } = run('sbc');
    expect(checks.map((c) => [c.side, c.match, c.sdp, c.certificate])).toEqual([
      ['server', true, OPENSSL.get('caller'), OPENSSL.get('caller')],
      ['client', false, OPENSSL.get('sbc'), OPENSSL.get('ivr')],
    ]);
  });
});

describe('a side whose address no SDP announced', () => {
  it('is not checked (its SDP is not guessed), the other side still is', () => {
    const { checks } = run(null);
    expect(checks.map((c) => [c.side, c.match, c.reason])).toEqual([
      ['server', true, undefined],
      ['client', null, `no SDP with SRTP media in the capture announced ${IVR}`],
    ]);
  });
});

describe('DTLS 1.3 (Chromium, RFC 9147): the certificate is encrypted', () => {
  it('is not checked, with the reason, and no check is handed out', () => {
    const lines = readFileSync(
      new URL('../fixtures/dtls-srtp/chromium-dtls13.tsv', import.meta.url),
      'latin1',
    )
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const client = { ip: '192.0.2.2', port: Number(lines[0][1]) };
    const server = { ip: '192.0.2.2', port: Number(lines[2][1]) };
    const checks: FingerprintCheck[] = [];
    const t = new DtlsSrtp(
      undefined,
      () => side(client, 0, 'caller'),
      (c) => checks.push(c),
    );
    lines.forEach(([, port, h], i) => {
      const fromClient = Number(port) === client.port;
      const [src, dst] = fromClient ? [client, server] : [server, client];
      t.offer({
        transport: 'udp',
        src,
        dst,
        bytes: Buffer.from(h, 'hex'),
        frame: i + 1,
        frames: [i + 1],
        ts: i,
      });
    });
    expect(checks).toEqual([]);
    expect(t.fingerprintFor(endpointString(server), endpointString(client))).toEqual({
      side: 'server',
      endpoint: endpointString(server),
      match: null,
      reason: 'DTLS 1.3 (RFC 9147) encrypts the Certificate message: not checked',
    });
  });
});
