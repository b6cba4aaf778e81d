/**
 * The padding bit (RFC 3550 §5.1) on SRTP: the padding and its count are
 * encrypted with the payload (RFC 3711 §3.1), so the last byte of the
 * packet is the tag's and the count is read after decryption. The DTMF
 * call with every third RTP packet padded (1 to 8 octets), sent in clear,
 * as AES-CM SRTP and as AES-GCM SRTP: every packet counted, authenticated
 * and decrypted, the digits and the WAVE those of the call without padding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav } from '../../src/media/audio-files.js';
import { parseRtp } from '../../src/media/rtp-header.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  callMedia,
  captureWriter,
  clearCallFrames,
  gcmCallFrames,
  keyed,
  srtpCallFrames,
  srtpSdp,
  withPadding,
} from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-srtp-pad-');

describe('parseRtp of a padded packet (RFC 3550 §5.1, RFC 3711 §3.1)', () => {
  const padded = Buffer.from('a000000100000000000000aa' + 'c0c1c2c3' + '00000004', 'hex');
  it('reads the count of a clear packet and leaves the padding out of the payload', () => {
    expect(parseRtp(padded)).toMatchObject({ padding: true, headerLength: 12, payloadLength: 4 });
  });

  it('does not read the count of a sealed (SRTP) packet, whose last byte is the tag: the payload runs to the end', () => {
    // The last byte 0 is no valid count: a clear packet so ended is not RTP (A.1); an SRTP one is.
    const sealed = Buffer.from('a000000100000000000000aa' + 'c0c1c2c3' + '0a0b0c00', 'hex');
    expect(parseRtp(sealed)).toBeNull();
    expect(parseRtp(sealed, true)).toMatchObject({ padding: true, headerLength: 12, payloadLength: 8 });
  });
});

describe('a call with padded RTP, in clear and as SRTP', () => {
  let plain: AnalysisResult;
  let clear: AnalysisResult;
  let cm: AnalysisResult;
  let gcm: AnalysisResult;
  const files: Record<string, string> = {};
  const cmFrames = srtpCallFrames(srtpSdp, undefined, withPadding(callMedia()));
  beforeAll(async () => {
    files.plain = write('plain.pcap', clearCallFrames());
    files.clear = write('clear-padded.pcap', clearCallFrames(withPadding(callMedia())));
    files.cm = write('cm-padded.pcap', cmFrames);
    files.gcm = write('gcm-padded.pcap', gcmCallFrames(undefined, withPadding(callMedia())));
    [plain, clear, cm, gcm] = await Promise.all(
      [files.plain, files.clear, files.cm, files.gcm].map((f) => analyzeCapture(f)),
    );
  });

  it('has padded SRTP packets whose last byte (the tag) is no valid count: read as clear RTP they are lost', () => {
    const rtp = cmFrames
      .filter((f) => f.data.length > 42 && (f.data[42] & 0xe0) === 0xa0)
      .map((f) => f.data.subarray(42));
    expect(rtp.length).toBeGreaterThan(90);
    expect(rtp.filter((b) => parseRtp(b) === null).length).toBeGreaterThan(0);
  });

  it('counts every packet of each stream and authenticates them all (AES-CM and AES-GCM)', () => {
    const counts = (r: AnalysisResult) => r.streams.map((s) => [s.packets, s.lost]);
    expect(counts(clear)).toEqual([
      [89, 0],
      [206, 0],
    ]);
    expect(counts(cm)).toEqual(counts(clear));
    expect(counts(gcm)).toEqual(counts(clear));
    for (const r of [cm, gcm])
      expect(r.streams.map((s) => [s.srtp?.verified, s.srtp?.authFailures])).toEqual([
        [89, 0],
        [206, 0],
      ]);
  });

  it('reads the digits of padded events after decryption, as without padding', () => {
    for (const r of [clear, cm, gcm])
      expect(r.streams.map((s) => s.dtmf)).toEqual(plain.streams.map((s) => s.dtmf));
  });

  it('plays the WAVE of the call without padding: the padding is removed, in clear and once decrypted', async () => {
    const wav = async (r: AnalysisResult, file: string) =>
      Buffer.from((await callWav(file, keyed(r), '10.0.0.1')).wav);
    const want = await wav(plain, files.plain);
    expect((await wav(clear, files.clear)).equals(want)).toBe(true);
    expect((await wav(cm, files.cm)).equals(want)).toBe(true);
    expect((await wav(gcm, files.gcm)).equals(want)).toBe(true);
  });
});
