/**
 * RFC 2198 redundancy under SDES-SRTP: the IVR's µ-law prompt in `red`
 * (`a=rtpmap:105 red/8000`, `a=fmtp:105 0/0`, each packet with a copy of
 * the one before) under RTP/SAVP with a=crypto, every packet protected
 * (test/fixtures/srtp-protect.ts), packet 50 never sent. The red payload is
 * encrypted whole (RFC 3711 §3.1: the RTP payload), so its blocks are read
 * only once decrypted: the audio, the packet recovered from the next one's
 * copy (RFC 2198 §1) and the estimate must be those of the same call in clear.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { DTMF_CALLER_MEDIA, DTMF_IVR_MEDIA } from '../fixtures/dtmf-call.js';
import { RED_VOICE_PT, sdpWithRed } from '../fixtures/dtmf-red-call.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { dtmfCall } from '../fixtures/flows/dtmf-flows.js';
import { redVoiceFrames } from '../fixtures/red-frames.js';
import { byTime, rtpFrames } from '../fixtures/rtp-frames.js';
import {
  type Analysed,
  analysePairs,
  CALLER_KEY_2,
  captureWriter,
  IVR_KEY,
  keyed,
  srtpCallFrames,
} from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-srtp-red-');

/** The caller's PCMU and the IVR's prompt in red 105, packet 50 lost. */
const media = () =>
  byTime(
    rtpFrames({
      src: DTMF_CALLER_MEDIA,
      dst: DTMF_IVR_MEDIA,
      ssrc: 0xa1,
      payloadType: 0,
      start: T0 + 2.02,
      end: T0 + 3,
      toneHz: 660,
    }),
    redVoiceFrames({
      src: DTMF_IVR_MEDIA,
      dst: DTMF_CALLER_MEDIA,
      ssrc: 0xb2,
      redPayloadType: RED_VOICE_PT,
      depth: 1,
      start: T0 + 2.03,
      count: 100,
      toneHz: 440,
      firstSequence: 3000,
      firstTimestamp: 16000,
      lost: new Set([50]),
    }),
  );

/** sdpWithRed under RTP/SAVP: the offer's line of tag 2 (MKI 1 of 4 bytes), the answer's of tag 2 (srtp-call.ts's senders). */
const savpRed = (e: Parameters<typeof sdpWithRed>[0], port: number): string =>
  `${sdpWithRed(e, port).replace('RTP/AVP', 'RTP/SAVP').trimEnd()}\r\n${
    e.ip === DTMF_CALLER_MEDIA.ip
      ? `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${CALLER_KEY_2.toString('base64')}|2^20|1:4`
      : `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${IVR_KEY.toString('base64')}`
  }\r\n`;

describe('an SDES-SRTP call whose prompt is in RFC 2198 redundancy', () => {
  let srtp: Analysed;
  let clear: Analysed;
  beforeAll(async () => {
    [srtp, clear] = await analysePairs(
      write,
      ['srtp-red.pcap', srtpCallFrames(savpRed, undefined, media())],
      ['clear-red.pcap', byTime(flowToFrames(dtmfCall(T0, sdpWithRed)), media())],
    );
  });

  it('decrypts the red stream and reads its blocks as in clear (RFC 3711 §3.1: the payload is encrypted whole)', () => {
    const red = srtp.r.streams[1];
    expect(red.codecs).toEqual(['red/8000']);
    expect(red.srtp).toMatchObject({ decrypted: true, verified: 99, authFailures: 0 });
    expect(red.red).toEqual({ payloadTypes: [0], codecs: ['PCMU/8000'] });
    expect(red.red).toEqual(clear.r.streams[1].red);
    expect([red.packets, red.lost]).toEqual([99, 1]);
  });

  it('counts the lost packet the next one carries as recovered for the estimate, as in clear (RFC 2198 §1)', () => {
    const q = srtp.r.streams[1].quality;
    expect(q).toMatchObject({ codec: 'PCMU', recoveredPackets: 1, lostPackets: 0 });
    expect(q).toEqual(clear.r.streams[1].quality);
  });

  it('plays the same WAVE as the call in clear, the lost packet from its copy, the stream alone and the call in stereo', async () => {
    const a = await streamWav(srtp.file, keyed(srtp.r)[1]);
    const b = await streamWav(clear.file, clear.r.streams[1]);
    expect([a.recovered, b.recovered]).toEqual([1, 1]);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
    // 100 packets of 160 samples, none missing, after the 44-byte header.
    expect(a.wav.length).toBe(44 + 2 * 100 * 160);
    const ca = await callWav(srtp.file, keyed(srtp.r), DTMF_CALLER_MEDIA.ip);
    const cb = await callWav(clear.file, clear.r.streams, DTMF_CALLER_MEDIA.ip);
    expect([ca.recovered, ca.left, ca.right]).toEqual([1, [0], [1]]);
    expect(Buffer.from(ca.wav).equals(Buffer.from(cb.wav))).toBe(true);
  });

  it('read back without the key, the red payloads are ciphertext: not one block of PCMU in them is played', async () => {
    await expect(streamWav(srtp.file, srtp.r.streams[1])).rejects.toThrow(/no packet is PCMU/);
  });
});
