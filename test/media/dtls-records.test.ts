/**
 * DTLS records and hellos (src/media/dtls-records.ts) from hex written out
 * field by field: RFC 6347 §4.1 record headers, §4.2.2 handshake headers
 * with fragment offsets, §4.2.1 ClientHello with its cookie, and RFC 5764
 * §4.1.1 use_srtp. The DtlsSrtp tracker (dtls-srtp.ts) is fed the same
 * bytes as datagrams: a ClientHello in fragments out of order, garbage.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../src/decode/payload.js';
import {
  HandshakeReassembly,
  isDtls,
  parseDtlsClientHello,
  parseDtlsServerHello,
  parseHandshakeFragments,
  parseRecords,
} from '../../src/media/dtls-records.js';
import { DtlsSrtp } from '../../src/media/dtls-srtp.js';
import { recordedDtlsSetup } from '../../src/media/dtls-srtp-keys.js';
import { dtlsStreamKey } from '../../src/media/stream-srtp.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';

const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
const CLIENT_RANDOM = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const SERVER_RANDOM = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x20 + i));

/** ClientHello body (RFC 6347 §4.2.1), 59 bytes. */
const CLIENT_HELLO = hex(
  'fefd', //                    client_version: DTLS 1.2
  CLIENT_RANDOM.toString('hex'), // random (32)
  '00', //                      session_id: empty
  '04 c0ffee00', //             cookie: 4 bytes (after a HelloVerifyRequest)
  '0002 c02b', //               cipher_suites: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  '01 00', //                   compression_methods: null
  '000b', //                    extensions: 11 bytes
  '000e 0007 0004 0001 0007 00', // use_srtp: profiles 0x0001, 0x0007; srtp_mki empty
);

/** ServerHello body (RFC 5246 §7.4.1.3), 53 bytes; `useSrtp`: another use_srtp extension. */
const serverHello = (version = 'fefd', more = '', useSrtp = '000e 0005 0002 0001 00') => {
  const ext = hex(
    useSrtp, //                  use_srtp: profile 0x0001 chosen, srtp_mki empty
    '0017 0000', //              extended_master_secret
    more,
  );
  return hex(
    version, //                  server_version
    SERVER_RANDOM.toString('hex'),
    '00', //                     session_id: empty
    'c02b', //                   cipher_suite
    '00', //                     compression_method
    ext.length.toString(16).padStart(4, '0'),
    ext.toString('hex'),
  );
};

const u24 = (n: number) => n.toString(16).padStart(6, '0');
const u16 = (n: number) => n.toString(16).padStart(4, '0');

/** A handshake fragment (§4.2.2): type, length, message_seq, fragment_offset, fragment_length, bytes. */
const fragment = (type: number, body: Buffer, seq: number, offset = 0, length = body.length - offset) =>
  hex(
    type.toString(16).padStart(2, '0'),
    u24(body.length),
    u16(seq),
    u24(offset),
    u24(length),
    body.subarray(offset, offset + length).toString('hex'),
  );

/** A record (§4.1): content type, version, epoch, sequence_number (48 bits), length, fragment. */
const record = (type: number, body: Buffer, epoch = 0, seq = 0) =>
  hex(
    type.toString(16),
    'fefd',
    u16(epoch),
    seq.toString(16).padStart(12, '0'),
    u16(body.length),
    body.toString('hex'),
  );

describe('DTLS records (RFC 6347 §4.1) and the RFC 7983 demultiplexing', () => {
  it('takes first bytes 20 to 63 as DTLS, not RTP (128–191) nor STUN (0–3)', () => {
    expect([0, 3, 19, 20, 22, 63, 64, 128].map(isDtls)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('reads several records of one datagram: type, version, epoch, body', () => {
    const d = Buffer.concat([
      record(22, hex('0102')),
      record(20, hex('01')),
      record(23, hex('aabbcc'), 1, 7),
    ]);
    const { records, malformed } = parseRecords(d);
    expect(malformed).toBe(false);
    expect(records.map((r) => [r.type, r.version, r.epoch, Buffer.from(r.body).toString('hex')])).toEqual([
      [22, 0xfefd, 0, '0102'],
      [20, 0xfefd, 0, '01'],
      [23, 0xfefd, 1, 'aabbcc'],
    ]);
  });

  it('flags a header cut short, a length past the datagram, and a record followed by non-DTLS bytes', () => {
    expect(parseRecords(hex('16fefd0000')).malformed).toBe(true);
    expect(parseRecords(hex('16fefd 0000 000000000000 0005 0102')).malformed).toBe(true);
    const r = parseRecords(Buffer.concat([record(22, hex('01')), hex('80')]));
    expect([r.records.length, r.malformed]).toEqual([1, true]);
  });

  it('reads handshake fragments (§4.2.2) and flags one claiming bytes past its message', () => {
    const f = parseHandshakeFragments(fragment(1, CLIENT_HELLO, 1, 10, 20));
    expect(f.malformed).toBe(false);
    expect(f.fragments.map((x) => [x.msgType, x.length, x.messageSeq, x.offset, x.bytes.length])).toEqual([
      [1, 59, 1, 10, 20],
    ]);
    // length 4, offset 2, fragment_length 8: past the message.
    expect(parseHandshakeFragments(hex('01 000004 0000 000002 000008 0000000000000000')).malformed).toBe(
      true,
    );
    expect(parseHandshakeFragments(hex('01 000004 0000')).malformed).toBe(true);
  });
});

describe('DTLS hellos (RFC 6347 §4.2.1, RFC 5764 §4.1.1)', () => {
  it('reads the ClientHello past its cookie: random, version, the use_srtp profiles offered', () => {
    const h = parseDtlsClientHello(CLIENT_HELLO);
    expect(h && [Buffer.from(h.random).equals(CLIENT_RANDOM), h.version, h.srtpProfiles]).toEqual([
      true,
      0xfefd,
      [0x0001, 0x0007],
    ]);
    expect(parseDtlsClientHello(CLIENT_HELLO.subarray(0, 36))?.srtpProfiles ?? []).toEqual([]);
    expect(parseDtlsClientHello(CLIENT_HELLO.subarray(0, 20))).toBeNull();
  });

  it('reads the ServerHello: random, suite, the one profile chosen, extended_master_secret', () => {
    const h = parseDtlsServerHello(serverHello());
    expect(
      h && [Buffer.from(h.random).equals(SERVER_RANDOM), h.cipherSuite, h.version, h.srtpProfile],
    ).toEqual([true, 0xc02b, 0xfefd, 0x0001]);
    expect(h?.extendedMasterSecret).toBe(true);
    expect(h?.srtpMki.length).toBe(0);
    // DTLS 1.3 (RFC 9147 §5.3): supported_versions says 0xfefc.
    expect(parseDtlsServerHello(serverHello('fefd', '002b 0002 fefc'))?.version).toBe(0xfefc);
  });

  it('puts a ClientHello back together from fragments out of order, one of them repeated (§4.2.3)', () => {
    const re = new HandshakeReassembly(new Set([1, 2]));
    const parts = [
      [30, 29],
      [0, 15],
      [0, 15],
      [15, 20],
    ].map(([o, l]) => parseHandshakeFragments(fragment(1, CLIENT_HELLO, 1, o, l)).fragments[0]);
    const out = parts.map((f) => re.add(f));
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    expect(Buffer.from(out[3]!).equals(CLIENT_HELLO)).toBe(true);
    // Types not asked for are not kept.
    expect(re.add({ msgType: 11, length: 4, messageSeq: 2, offset: 0, bytes: hex('00000000') })).toBeNull();
  });
});

describe('the DTLS-SRTP tracker', () => {
  const client = { ip: '10.0.0.2', port: 3456 };
  const server = { ip: '10.0.0.1', port: 49170 };
  const dgram = (bytes: Buffer, fromClient: boolean, frame: number): Payload => ({
    transport: 'udp',
    src: fromClient ? client : server,
    dst: fromClient ? server : client,
    bytes,
    frame,
    frames: [frame],
    ts: frame,
  });
  const SECRET = Buffer.alloc(48, 7);
  const keylog = new TlsKeyLog(`CLIENT_RANDOM ${CLIENT_RANDOM.toString('hex')} ${SECRET.toString('hex')}\n`);

  it('reads a ClientHello sent in two datagrams, second half first, and keys both directions', () => {
    const t = new DtlsSrtp(keylog);
    t.offer(dgram(record(22, fragment(1, CLIENT_HELLO, 0, 30)), true, 1));
    t.offer(dgram(record(22, fragment(1, CLIENT_HELLO, 0, 0, 30)), true, 2));
    expect(t.keyFor('10.0.0.2:3456', '10.0.0.1:49170')?.reason).toMatch(/no ServerHello/);
    // The ServerHello and an encrypted record (epoch 1) in one datagram.
    t.offer(
      dgram(Buffer.concat([record(22, fragment(2, serverHello(), 0)), record(23, hex('00'), 1)]), false, 3),
    );
    const c = t.keyFor('10.0.0.2:3456', '10.0.0.1:49170');
    const s = t.keyFor('10.0.0.1:49170', '10.0.0.2:3456');
    expect([c?.keying.role, s?.keying.role]).toEqual(['client', 'server']);
    expect(c?.keying).toMatchObject({
      clientRandom: CLIENT_RANDOM.toString('hex'),
      serverRandom: SERVER_RANDOM.toString('hex'),
      cipherSuite: 0xc02b,
      profile: 'SRTP_AES128_CM_HMAC_SHA1_80',
      frame: 3,
    });
    expect(c?.setup?.suite.name).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(Buffer.from(c!.setup!.keys[0].key).equals(Buffer.from(s!.setup!.keys[0].key))).toBe(false);
    expect([t.records, t.encrypted, t.malformed]).toEqual([4, 1, 0]);
  });

  it('keys every packet with the srtp_mki of the ServerHello, and the record gives the same key back (RFC 5764 §4.1.1)', () => {
    const t = new DtlsSrtp(keylog);
    t.offer(dgram(record(22, fragment(1, CLIENT_HELLO, 0)), true, 1));
    // use_srtp: profile 0x0007 (AEAD_AES_128_GCM), srtp_mki of 2 bytes 01 02.
    t.offer(
      dgram(record(22, fragment(2, serverHello('fefd', '', '000e 0007 0002 0007 02 0102'), 0)), false, 2),
    );
    const k = t.keyFor('10.0.0.1:49170', '10.0.0.2:3456');
    expect([k?.keying.mki, k?.keying.profile, k?.setup?.mkiLength, k?.setup?.keys[0].mki]).toEqual([
      '0102',
      'SRTP_AEAD_AES_128_GCM',
      2,
      0x0102,
    ]);
    const summary = { ...dtlsStreamKey(k!).summary, decrypted: true };
    expect(recordedDtlsSetup(summary, keylog)).toEqual(k?.setup);
    expect(recordedDtlsSetup(summary, new TlsKeyLog(''))).toBeNull();
  });

  it('says DTLS 1.3 is not done, and a ServerHello without use_srtp chose no profile', () => {
    for (const [hello, reason] of [
      [serverHello('fefd', '002b 0002 fefc'), /DTLS 1\.3/],
      [serverHello().subarray(0, 40), /chose no SRTP profile/],
    ] as const) {
      const t = new DtlsSrtp(keylog);
      t.offer(dgram(record(22, fragment(1, CLIENT_HELLO, 0)), true, 1));
      t.offer(dgram(record(22, fragment(2, hello, 0)), false, 2));
      expect(t.keyFor('10.0.0.1:49170', '10.0.0.2:3456')?.reason).toMatch(reason);
    }
  });

  it('counts garbage as malformed, never throws, and knows nothing of pairs it never saw', () => {
    const t = new DtlsSrtp(keylog);
    for (const g of [
      hex('16'),
      hex('16fefd0000000000000000ffff00'),
      record(22, hex('01ffffff')),
      Buffer.alloc(64, 0x3f),
    ])
      expect(() => t.offer(dgram(g, true, 1))).not.toThrow();
    expect(t.malformed).toBe(4);
    expect(t.keyFor('10.0.0.9:1', '10.0.0.8:2')).toBeNull();
  });
});

/**
 * Chromium 156's own WebRTC handshake between two of its peer connections
 * (an audio track, captured on loopback, test/fixtures/dtls-srtp/chromium-dtls13.tsv):
 * its ClientHello, grown by a post-quantum key share, comes in two
 * fragments in two datagrams; it offers use_srtp; the ServerHello picks
 * DTLS 1.3 (RFC 9147), whose use_srtp answer is encrypted.
 */
describe('a real Chromium DTLS handshake', () => {
  const lines = readFileSync(new URL('../fixtures/dtls-srtp/chromium-dtls13.tsv', import.meta.url), 'latin1')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const client = { ip: '192.0.2.2', port: Number(lines[0][1]) };
  const server = { ip: '192.0.2.2', port: Number(lines[2][1]) };

  it('puts its ClientHello together from two datagrams and reads the use_srtp profiles it offers', () => {
    const re = new HandshakeReassembly(new Set([1, 2]));
    const done = lines
      .slice(0, 2)
      .flatMap(([, , h]) =>
        parseRecords(Buffer.from(h, 'hex')).records.flatMap((r) =>
          parseHandshakeFragments(r.body).fragments.map((f) => re.add(f)),
        ),
      );
    expect(done[0]).toBeNull();
    const hello = parseDtlsClientHello(done[1]!);
    expect(hello?.srtpProfiles).toEqual([0x0001, 0x0008, 0x0007]);
  });

  it('says DTLS 1.3 is not done, naming the ClientHello random', () => {
    const t = new DtlsSrtp(new TlsKeyLog(''));
    lines.forEach(([, port, h], i) => {
      const fromClient = Number(port) === client.port;
      t.offer({
        transport: 'udp',
        src: fromClient ? client : server,
        dst: fromClient ? server : client,
        bytes: Buffer.from(h, 'hex'),
        frame: i + 1,
        frames: [i + 1],
        ts: i,
      });
    });
    const k = t.keyFor(`192.0.2.2:${client.port}`, `192.0.2.2:${server.port}`);
    expect(k?.reason).toBe(
      'DTLS 1.3 (RFC 9147): use_srtp is in the encrypted EncryptedExtensions, not done here',
    );
    expect(k?.keying).toMatchObject({ role: 'client', cipherSuite: 0x1301, frame: 3 });
    expect(k?.keying.clientRandom).toMatch(/^[0-9a-f]{64}$/);
    expect(t.malformed).toBe(0);
  });
});
