/**
 * samples/dtmf-red-call.pcap without the IVR's first red packet (sequence
 * 3000): its audio is in the next packet's redundant block (RFC 2198 §3,
 * timestamp offset 160), so the prompt plays whole and in the same place
 * beside the caller; the estimate does not count it lost or recovered
 * (RFC 3550 A.3: the expected count starts at the first packet received).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { dtmfRedCallFrames, RED_CALLER_MEDIA, RED_IVR_MEDIA } from '../fixtures/dtmf-red-call.js';
import { type Analysed, analysePairs, captureWriter } from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-red-first-');

/** Ethernet + IPv4 + UDP: the RTP sequence number at 44, the UDP source port at 34. */
const isIvrPacket = (d: Uint8Array, seq: number) =>
  ((d[34] << 8) | d[35]) === RED_IVR_MEDIA.port && ((d[44] << 8) | d[45]) === seq;

describe('a red stream whose first packet was lost', () => {
  let whole: Analysed;
  let cut: Analysed;
  beforeAll(async () => {
    const frames = dtmfRedCallFrames();
    const kept = frames.filter((f) => !isIvrPacket(f.data, 3000));
    expect(kept.length).toBe(frames.length - 1);
    [whole, cut] = await analysePairs(write, ['whole.pcap', frames], ['first-lost.pcap', kept]);
  });

  it('plays the lost first packet from the copy in the second, the WAVE the same as with it', async () => {
    const a = await streamWav(cut.file, cut.r.streams[1]);
    const b = await streamWav(whole.file, whole.r.streams[1]);
    // Packet 50 from packet 51 as before, and packet 0 from packet 1.
    expect([a.recovered, b.recovered]).toEqual([2, 1]);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
  });

  it('keeps the prompt in time with the caller in the call stereo', async () => {
    const a = await callWav(cut.file, cut.r.streams, RED_CALLER_MEDIA.ip);
    const b = await callWav(whole.file, whole.r.streams, RED_CALLER_MEDIA.ip);
    expect(Buffer.from(a.wav).equals(Buffer.from(b.wav))).toBe(true);
  });

  it('counts from the first packet received (RFC 3550 A.3): 149 expected, 1 lost, 1 recovered', () => {
    expect(cut.r.streams[1]).toMatchObject({ packets: 148, expected: 149, lost: 1 });
    expect(cut.r.streams[1].quality).toMatchObject({ lostPackets: 0, recoveredPackets: 1, mos: 4.41 });
  });
});
