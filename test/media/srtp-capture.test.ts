/**
 * SDES-SRTP through the whole analysis of a capture (test/fixtures/srtp-call.ts):
 * each stream decrypted with the key of its SENDER's SDP, the line of the
 * tag the answer kept (RFC 4568 §5.1.2, §6.1); its RFC 4733 digits read
 * from the decrypted events; its sound the same WAVE as the same call in
 * clear; a packet whose tag fails counted and left alone (RFC 3711 §3.3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { srtpNote } from '../../src/media/sdes.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { dtmfRtpFrames } from '../fixtures/dtmf-call.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { sdpWithEvents as clearSdp, dtmfCall } from '../fixtures/flows/dtmf-flows.js';
import { byTime } from '../fixtures/rtp-frames.js';
import {
  captureWriter,
  clearCallFrames,
  decryptedCall,
  IVR_KEY,
  keyed,
  srtpCallFrames,
  srtpSdp,
} from '../fixtures/srtp-call.js';

const IVR_B64 = IVR_KEY.toString('base64');

const write = captureWriter('sipscope-srtp-');

describe('an SDES-SRTP call', () => {
  let srtpFile: string;
  let clearFile: string;
  let srtp: AnalysisResult;
  let clear: AnalysisResult;
  beforeAll(async () => {
    srtpFile = write('srtp.pcap', srtpCallFrames());
    clearFile = write('clear.pcap', clearCallFrames());
    [srtp, clear] = await Promise.all([analyzeCapture(srtpFile), analyzeCapture(clearFile)]);
  });

  it('decrypts each direction with its sender key: the offer line of tag 2 one way, the answer key the other', () => {
    expect(srtp.streams.map((s) => s.srtp)).toEqual(decryptedCall('AES_CM_128_HMAC_SHA1_80', 2));
    expect(clear.streams.map((s) => s.srtp)).toEqual([undefined, undefined]);
  });

  it('keeps the stream figures of the packets as they went (headers are clear)', () => {
    const figures = (r: AnalysisResult) =>
      r.streams.map((s) => [s.packets, s.lost, s.expected, s.ssrc, s.codecs]);
    expect(figures(srtp)).toEqual(figures(clear));
  });

  it('reads the SRTCP reports (RFC 3711 §3.4) as the same reports in clear: loss, jitter, round trip', () => {
    expect(srtp.streams.map((s) => s.rtcp)).toEqual(clear.streams.map((s) => s.rtcp));
    expect(srtp.streams[0].rtcp).toMatchObject({
      reports: 1,
      cumulativeLost: 1,
      maxJitterMs: 2,
      roundTrips: 1,
      senderPackets: 140,
    });
    // 1 s between the SR and the report, less the DLSR of 0.98 s (in 1/65536 s: 64225).
    expect(srtp.streams[0].rtcp?.meanRoundTripMs).toBeCloseTo(20, 1);
    expect(srtp.streams[1].rtcp).toMatchObject({ reports: 1, cumulativeLost: 2, maxJitterMs: 3 });
  });

  it('counts an SRTCP packet whose tag fails and does not read its reports', async () => {
    const frames = srtpCallFrames();
    // The IVR's SRTCP (10.0.0.2:3457 → 10.0.0.1:49171), one byte of its encrypted part flipped.
    const rtcp = frames.filter((f) => f.data[29] === 2 && f.data[34] === 0x0d && f.data[35] === 0x81);
    expect(rtcp).toHaveLength(1);
    rtcp[0].data[42 + 12] ^= 0x01;
    const r = await analyzeCapture(write('bad-srtcp.pcap', frames));
    expect(r.streams[1].srtp).toMatchObject({ rtcpVerified: 0, rtcpAuthFailures: 1 });
    // The CLI's stream note says it (the note of a stream whose SRTCP verified says nothing of it).
    expect(srtpNote(r.streams[1].srtp!)).toBe('SRTP AES_CM_128_HMAC_SHA1_80 decrypted, 1 SRTCP tag failed');
    expect(srtpNote(srtp.streams[1].srtp!)).toBe('SRTP AES_CM_128_HMAC_SHA1_80 decrypted');
    // Its SR (of 0xb2) and its block on 0xa1 are not read; the caller's SR still is.
    expect(r.streams[0].rtcp).toMatchObject({ reports: 0, senderPackets: 140 });
    expect(r.streams[1].rtcp).toMatchObject({ reports: 1, senderPackets: null });
  });

  it('reads the RFC 4733 digits from the decrypted events', () => {
    expect(srtp.streams.map((s) => s.dtmf?.map((d) => d.digit).join(''))).toEqual(['1234#', '9']);
    expect(srtp.streams.map((s) => s.dtmf)).toEqual(clear.streams.map((s) => s.dtmf));
  });

  it('plays the same WAVE as the call in clear, the call in stereo and each stream alone', async () => {
    const a = await callWav(srtpFile, keyed(srtp), '10.0.0.1');
    const b = await callWav(clearFile, clear.streams, '10.0.0.1');
    expect(a.duration).toBeGreaterThan(3.9);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
    for (const i of [0, 1]) {
      const s = await streamWav(srtpFile, keyed(srtp)[i]);
      expect(Buffer.from(s.wav).equals(Buffer.from((await streamWav(clearFile, clear.streams[i])).wav))).toBe(
        true,
      );
    }
  });

  it('read back without the key, the payloads are the ciphertext: not the sound of the call', async () => {
    const a = await streamWav(srtpFile, srtp.streams[1]);
    const b = await streamWav(clearFile, clear.streams[1]);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(false);
  });

  it('counts a packet whose tag does not verify, leaves it, and decrypts the rest (RFC 3711 §3.3)', async () => {
    const frames = srtpCallFrames();
    // The IVR's 11th RTP packet (10.0.0.2 → port 49170), one payload byte flipped.
    const ivr = frames.filter(
      (f) => f.data.length > 42 && f.data[26] === 10 && f.data[29] === 2 && f.data[36] === 0xc0,
    );
    ivr[10].data[60] ^= 0x40;
    const r = await analyzeCapture(write('one-bad.pcap', frames));
    expect(r.streams[1].srtp).toMatchObject({ decrypted: true, verified: 205, authFailures: 1 });
    expect(r.streams[1].packets).toBe(206);
  });
});

describe('which SDP keys a stream', () => {
  it('finds the sender key by the Call-ID when the sender sends from a port its SDP did not announce (NAT)', async () => {
    const frames = srtpCallFrames();
    // The caller's RTP leaves from 50000 instead of 49170 (UDP checksums are not checked).
    for (const f of frames)
      if (f.data[29] === 1 && f.data[34] === 0xc0 && f.data[35] === 0x12)
        [f.data[34], f.data[35]] = [0xc3, 0x50];
    const r = await analyzeCapture(write('nat.pcap', frames));
    expect(r.streams[0].src).toBe('10.0.0.1:50000');
    expect(r.streams[0].srtp).toMatchObject({ decrypted: true, keyMessage: 0, tag: 2, authFailures: 0 });
    expect(r.streams[0].dtmf?.map((d) => d.digit).join('')).toBe('1234#');
  });

  it('says a stream under RTP/SAVP without a=crypto has no key in the capture (DTLS-SRTP), and reads no digit from it', async () => {
    const dtls = (...a: Parameters<typeof srtpSdp>) => srtpSdp(...a).replace(/a=crypto:[^\r]*\r\n/g, '');
    const r = await analyzeCapture(write('dtls.pcap', srtpCallFrames(dtls)));
    expect(r.streams[0].srtp).toMatchObject({ suite: null, decrypted: false, verified: 0 });
    expect(r.streams[0].srtp?.reason).toMatch(/no a=crypto in the sender/);
    expect(r.streams[0].dtmf ?? []).toEqual([]);
    expect(r.srtpKeys.size).toBe(0);
  });

  it('takes a best-effort offer of keys under RTP/AVP answered without them as plain RTP', async () => {
    const bestEffort = (...a: Parameters<typeof srtpSdp>) =>
      a[0].ip === '10.0.0.1' ? srtpSdp(...a).replace('RTP/SAVP', 'RTP/AVP') : clearSdp(...a);
    const r = await analyzeCapture(
      write('best-effort.pcap', byTime(flowToFrames(dtmfCall(T0, bestEffort)), dtmfRtpFrames())),
    );
    expect(r.streams.map((s) => s.srtp)).toEqual([undefined, undefined]);
    expect(r.streams[0].dtmf?.map((d) => d.digit).join('')).toBe('1234#');
  });

  it('fails every tag of a stream keyed with the wrong line (the offer first line, not the tag the answer kept)', async () => {
    // The answer names tag 1: the caller is then taken to send with its line 1 (the _32 key), which it did not.
    const wrongTag = (...a: Parameters<typeof srtpSdp>) =>
      srtpSdp(...a).replace(
        'a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:' + IVR_B64,
        'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:' + IVR_B64,
      );
    const r = await analyzeCapture(write('wrong-tag.pcap', srtpCallFrames(wrongTag)));
    expect(r.streams[0].srtp).toMatchObject({
      suite: 'AES_CM_128_HMAC_SHA1_32',
      tag: 1,
      decrypted: false,
      verified: 0,
      authFailures: 89,
    });
    expect(r.streams[0].srtp?.reason).toMatch(/no packet authenticated/);
    expect(r.streams[1].srtp).toMatchObject({ decrypted: true, authFailures: 0 });
  });
});
