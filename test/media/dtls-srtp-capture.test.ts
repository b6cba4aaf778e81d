/**
 * DTLS-SRTP (RFC 5764) through the whole analysis of a capture: the bundled
 * sample samples/dtls-srtp-call.pcap (a real OpenSSL DTLS 1.2 handshake on
 * the media addresses, test/fixtures/dtls-srtp-call.ts) and variants of it.
 * Each stream decrypts with the keys exported from the key log's master
 * secret, the DTLS client's packets with the client_write key (§4.2); its
 * digits are read, its sound is the clear call's; without the key log line
 * the stream names the client_random it needs.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { srtpNote } from '../../src/media/sdes.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  DTLS_KEYLOG,
  dtlsSenders,
  dtlsSrtpCallFrames,
  HANDSHAKE,
  handshakeFrames,
} from '../fixtures/dtls-srtp-call.js';
import { T0 } from '../fixtures/flows/builder.js';
import { udpFrameAt } from '../fixtures/rtp-frames.js';
import { captureWriter, clearMuxCallFrames, keyed } from '../fixtures/srtp-call.js';

const SAMPLE = new URL('../../samples/dtls-srtp-call.pcap', import.meta.url).pathname;
const KEYS = readFileSync(new URL('../../samples/dtls-srtp-call.keys', import.meta.url), 'latin1');
const CLIENT_RANDOM = DTLS_KEYLOG.split(' ')[1];
const write = captureWriter('sipscope-dtls-srtp-');

const digits = (r: AnalysisResult) => r.streams.map((s) => (s.dtmf ?? []).map((d) => d.digit).join(''));

describe('a DTLS-SRTP call with its key log (the bundled sample)', () => {
  let r: AnalysisResult;
  let clearFile: string;
  let clear: AnalysisResult;
  beforeAll(async () => {
    clearFile = write('clear.pcap', clearMuxCallFrames());
    [r, clear] = await Promise.all([analyzeCapture(SAMPLE, { tlsKeyLog: KEYS }), analyzeCapture(clearFile)]);
  });

  it('the key log bundled with the sample is the one the fixture holds', () => {
    expect(KEYS).toBe(DTLS_KEYLOG);
  });

  it('decrypts both directions with the exported keys, the IVR (DTLS client, a=setup:active) with the client_write key', () => {
    const dtls = {
      clientRandom: CLIENT_RANDOM,
      // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: the exporter runs the PRF with SHA-384.
      cipherSuite: 0xc02c,
      profile: 'SRTP_AES128_CM_HMAC_SHA1_80',
      frame: 8,
    };
    expect(r.streams.map((s) => [s.src, s.srtp])).toEqual([
      [
        '10.0.0.1:49170',
        {
          suite: 'AES_CM_128_HMAC_SHA1_80',
          decrypted: true,
          verified: 89,
          authFailures: 0,
          keying: 'dtls',
          dtls: {
            role: 'server',
            ...dtls,
            serverRandom: expect.stringMatching(/^[0-9a-f]{64}$/),
            // RFC 5763 §5: its certificate is the one its SDP's a=fingerprint names.
            fingerprint: expect.objectContaining({ side: 'server', match: true, hash: 'sha-256' }),
          },
          rtcpVerified: 1,
          rtcpAuthFailures: 0,
        },
      ],
      [
        '10.0.0.2:3456',
        {
          suite: 'AES_CM_128_HMAC_SHA1_80',
          decrypted: true,
          verified: 206,
          authFailures: 0,
          keying: 'dtls',
          dtls: {
            role: 'client',
            ...dtls,
            serverRandom: expect.stringMatching(/^[0-9a-f]{64}$/),
            // RFC 5763 §5: its certificate is the one its SDP's a=fingerprint names.
            fingerprint: expect.objectContaining({ side: 'client', match: true, hash: 'sha-256' }),
          },
          rtcpVerified: 1,
          rtcpAuthFailures: 0,
        },
      ],
    ]);
    expect(srtpNote(r.streams[1].srtp!)).toBe(
      "SRTP AES_CM_128_HMAC_SHA1_80 decrypted with DTLS-SRTP keys (its sender the DTLS client; certificate matches its SDP's a=fingerprint)",
    );
  });

  it('keeps the stream figures and reads the SRTCP (rtcp-mux) as the call in clear', () => {
    const figures = (x: AnalysisResult) =>
      x.streams.map((s) => [s.packets, s.lost, s.expected, s.ssrc, s.codecs, s.rtcp]);
    expect(figures(r)).toEqual(figures(clear));
    expect(r.rtcpPackets).toBe(2);
  });

  it('reads the RFC 4733 digits of the decrypted events', () => {
    expect(digits(r)).toEqual(['1234#', '9']);
  });

  it('plays the same WAVE as the call in clear, the call in stereo and each stream alone', async () => {
    const a = await callWav(SAMPLE, keyed(r), '10.0.0.1');
    const b = await callWav(clearFile, clear.streams, '10.0.0.1');
    expect(a.duration).toBeGreaterThan(3.9);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
    for (const i of [0, 1]) {
      const s = await streamWav(SAMPLE, keyed(r)[i]);
      const c = await streamWav(clearFile, clear.streams[i]);
      expect(Buffer.from(s.wav).equals(Buffer.from(c.wav))).toBe(true);
    }
  });
});

describe('a DTLS-SRTP call without a usable key', () => {
  it('says which CLIENT_RANDOM line it needs when no key log is given, and reads no digit', async () => {
    const r = await analyzeCapture(SAMPLE);
    for (const s of r.streams) {
      expect(s.srtp).toMatchObject({ suite: null, decrypted: false, verified: 0, keying: 'dtls' });
      expect(s.srtp?.reason).toBe(
        `no TLS key log (--tls-keylog): the DTLS handshake needs its CLIENT_RANDOM ${CLIENT_RANDOM} line`,
      );
    }
    expect(digits(r)).toEqual(['', '']);
    expect(r.srtpKeys.size).toBe(0);
  });

  it('says the line is missing from a key log of other handshakes', async () => {
    const other = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`;
    const r = await analyzeCapture(SAMPLE, { tlsKeyLog: other });
    expect(r.streams[0].srtp?.reason).toBe(`no CLIENT_RANDOM ${CLIENT_RANDOM} line in the TLS key log`);
  });

  it('fails every tag with a wrong master secret, and says so (no crash)', async () => {
    const wrong = `CLIENT_RANDOM ${CLIENT_RANDOM} ${'00'.repeat(48)}\n`;
    const r = await analyzeCapture(SAMPLE, { tlsKeyLog: wrong });
    expect(r.streams.map((s) => [s.srtp?.verified, s.srtp?.authFailures, s.srtp?.rtcpAuthFailures])).toEqual([
      [0, 89, 1],
      [0, 206, 1],
    ]);
    expect(r.streams[0].srtp?.reason).toMatch(/no packet authenticated with the key of the DTLS handshake/);
    expect(digits(r)).toEqual(['', '']);
  });

  it('fails every tag when each side sent with the other side key: the direction of RFC 5764 §4.2 matters', async () => {
    const swapped = () => {
      const s = dtlsSenders();
      return { caller: s.ivr, ivr: s.caller };
    };
    const r = await analyzeCapture(write('swapped.pcap', dtlsSrtpCallFrames(handshakeFrames(), swapped)), {
      tlsKeyLog: KEYS,
    });
    expect(r.streams.map((s) => [s.srtp?.verified, s.srtp?.authFailures])).toEqual([
      [0, 89],
      [0, 206],
    ]);
  });
});

describe('DTLS-SRTP robustness', () => {
  it('counts SRTP sent before the handshake as before the keys, then decrypts the rest', async () => {
    // The handshake half a second into the media: 25 of the caller's packets (2.02 … 2.50 s) and
    // 24 of the IVR's (2.03 … 2.49 s) come before the ServerHello.
    const late = dtlsSrtpCallFrames(handshakeFrames(T0 + 2.5));
    const r = await analyzeCapture(write('late.pcap', late), { tlsKeyLog: KEYS });
    expect(r.streams.map((s) => [s.srtp?.beforeKeys, s.srtp?.verified, s.srtp?.authFailures])).toEqual([
      [25, 64, 0],
      [24, 182, 0],
    ]);
    expect(r.streams[0].srtp?.decrypted).toBe(true);
    expect(srtpNote(r.streams[0].srtp!)).toBe(
      "SRTP AES_CM_128_HMAC_SHA1_80 decrypted with DTLS-SRTP keys (its sender the DTLS server; certificate matches its SDP's a=fingerprint), 25 before the keys",
    );
    expect(digits(r)).toEqual(['1234#', '9']);
  });

  it('counts garbage DTLS records on the media addresses as malformed and still decrypts the call', async () => {
    const caller = { ip: '10.0.0.1', port: 49170 };
    const ivr = { ip: '10.0.0.2', port: 3456 };
    const garbage = [
      // A handshake record header cut short (13 bytes needed).
      Buffer.from('16fefd00000000000000', 'hex'),
      // A record whose length (0x0100) runs past the datagram.
      Buffer.from('16fefd0000000000000000010001020304', 'hex'),
      // A whole record holding a handshake fragment that claims more than the message (offset + length > length).
      // msg_type 1, length 4, message_seq 0, fragment_offset 2, fragment_length 8.
      Buffer.from('16fefd00000000000000000014' + '010000040000000002000008' + '0000000000000000', 'hex'),
      // First byte 63 (DTLS's last), the rest zeros.
      Buffer.alloc(40, 0).fill(63, 0, 1),
    ].map((b, i) =>
      udpFrameAt(i % 2 === 0 ? ivr : caller, i % 2 === 0 ? caller : ivr, T0 + 2.001 + i / 1e4, b, 0x7100 + i),
    );
    const r = await analyzeCapture(
      write('garbage.pcap', dtlsSrtpCallFrames([...garbage, ...handshakeFrames()])),
      { tlsKeyLog: KEYS },
    );
    expect(
      r.streams.map((s) => [s.srtp?.verified, s.srtp?.authFailures, s.srtp?.dtls?.malformedRecords]),
    ).toEqual([
      [89, 0, 4],
      [206, 0, 4],
    ]);
    expect(r.stats.decodeErrors).toBe(0);
  });

  it('sees the handshake in the sample as 14 datagrams, a HelloVerifyRequest and a repeated ClientHello among them', () => {
    expect(HANDSHAKE.length).toBe(14);
    expect(HANDSHAKE.filter((d) => !d.fromCaller).length).toBe(4);
  });
});
