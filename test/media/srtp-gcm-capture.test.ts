/**
 * An SDES call with the AES-GCM suites of RFC 7714 through the whole
 * analysis (test/fixtures/srtp-call.ts gcmCallFrames): the answer keeps
 * AEAD_AES_256_GCM (tag 1), each direction is decrypted with its sender's
 * key (RFC 4568 §6.1), its RFC 4733 digits and SRTCP reports read, its sound
 * the same WAVE as the same call in clear.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav } from '../../src/media/audio-files.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  captureWriter,
  clearCallFrames,
  decryptedCall,
  gcmCallFrames,
  gcmSdp,
  keyed,
} from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-srtp-gcm-');

describe('an SDES call with AEAD_AES_256_GCM (RFC 7714)', () => {
  let gcmFile: string;
  let clearFile: string;
  let gcm: AnalysisResult;
  let clear: AnalysisResult;
  beforeAll(async () => {
    gcmFile = write('gcm.pcap', gcmCallFrames());
    clearFile = write('clear.pcap', clearCallFrames());
    [gcm, clear] = await Promise.all([analyzeCapture(gcmFile), analyzeCapture(clearFile)]);
  });

  it('decrypts each direction with its sender key of the tag the answer kept, and reads its SRTCP', () => {
    expect(gcm.streams.map((s) => s.srtp)).toEqual(decryptedCall('AEAD_AES_256_GCM', 1));
    expect(gcm.streams.map((s) => s.rtcp)).toEqual(clear.streams.map((s) => s.rtcp));
  });

  it('reads the digits and plays the same WAVE as the call in clear', async () => {
    expect(gcm.streams.map((s) => s.dtmf)).toEqual(clear.streams.map((s) => s.dtmf));
    const a = await callWav(gcmFile, keyed(gcm), '10.0.0.1');
    const b = await callWav(clearFile, clear.streams, '10.0.0.1');
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
  });

  it('fails every packet of a stream keyed with the AES-128 line the caller did not send with', async () => {
    // The answer (its own key AES-256) names tag 2: the caller is then taken to send with its AES-128 line.
    const wrong = (...a: Parameters<typeof gcmSdp>) =>
      a[0].ip === '10.0.0.2'
        ? gcmSdp(...a).replace('a=crypto:1 AEAD_AES_256_GCM', 'a=crypto:2 AEAD_AES_256_GCM')
        : gcmSdp(...a);
    const r = await analyzeCapture(write('wrong.pcap', gcmCallFrames(wrong)));
    expect(r.streams[0].srtp).toMatchObject({
      suite: 'AEAD_AES_128_GCM',
      tag: 2,
      decrypted: false,
      verified: 0,
      authFailures: 89,
      rtcpVerified: 0,
      rtcpAuthFailures: 1,
    });
    expect(r.streams[0].dtmf ?? []).toEqual([]);
  });
});
