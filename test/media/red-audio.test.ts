/**
 * RFC 2198 redundancy played: each red packet as its primary block, and a
 * packet lost filled from the redundant block of the next packet whose
 * timestamp (the packet's minus the block's offset, RFC 2198 §3) is the lost
 * one's; a copy of a packet received never played twice.
 */
import { describe, expect, it } from 'vitest';
import { loadOpus } from '../../src/media/opus.js';
import { stereo, streamAudio } from '../../src/media/rtp-audio.js';
import type { RtpPacket } from '../../src/media/rtp-packet.js';
import { toneBytes } from '../fixtures/g711-encode.js';
import { opusTonePackets } from '../fixtures/opus-call.js';
import { redPayload } from '../fixtures/red-frames.js';
import { streamPacket } from '../fixtures/rtp-frames.js';

/** 20 ms of a 440 Hz µ-law tone, packet `i`'s. */
const tone = (i: number) => toneBytes('ulaw', 440, 8000, 160 * i, 160);
const PCMU = new Map([[0, 'PCMU/8000']]);
const RED = new Map([
  [105, 'red/8000'],
  [0, 'PCMU/8000'],
  [101, 'telephone-event/8000'],
]);

/** Packets 0..n-1 of the tone as plain PCMU. */
const plain = (n: number) => Array.from({ length: n }, (_, i) => streamPacket(i, { payload: tone(i) }));

/** The same inside red 105, each with copies of the `depth` packets before it; `lost` left out. */
function inRed(n: number, depth: number, lost: number[] = []): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (let i = 0; i < n; i++) {
    if (lost.includes(i)) continue;
    const copies = [];
    for (let j = Math.max(0, i - depth); j < i; j++)
      copies.push({ pt: 0, offset: 160 * (i - j), data: tone(j) });
    out.push(streamPacket(i, { payloadType: 105, payload: redPayload(copies, 0, tone(i)) }));
  }
  return out;
}

describe('streamAudio of RFC 2198 red packets', () => {
  const whole = streamAudio(plain(10), PCMU);

  it('plays the primary blocks as the same packets in plain PCMU would play', () => {
    const a = streamAudio(inRed(10, 1), RED);
    expect(a.samples).toEqual(whole.samples);
    expect([a.decoded, a.recovered, a.silent]).toEqual([10, 0, 0]);
  });

  it('fills a lost packet from the redundant block of the next one (RFC 2198 §3 timestamp offset)', () => {
    const a = streamAudio(inRed(10, 1, [4]), RED);
    expect(a.samples).toEqual(whole.samples);
    expect([a.decoded, a.recovered]).toEqual([10, 1]);
  });

  it('fills two lost in a row from the two copies of the packet after them, and leaves silence where no copy reaches', () => {
    const two = streamAudio(inRed(10, 2, [4, 5]), RED);
    expect(two.samples).toEqual(whole.samples);
    expect(two.recovered).toBe(2);
    // One copy only: packet 5 is recovered, 4 stays a gap of silence.
    const one = streamAudio(inRed(10, 1, [4, 5]), RED);
    expect(one.recovered).toBe(1);
    expect(one.samples.length).toBe(whole.samples.length);
    expect(one.samples.subarray(640, 800).every((v) => v === 0)).toBe(true);
    expect(one.samples.subarray(800, 960)).toEqual(whole.samples.subarray(800, 960));
  });

  it('without copies, a lost packet is a gap of silence (what a player of the primaries alone gives)', () => {
    const a = streamAudio(inRed(10, 0, [4]), RED);
    expect(a.recovered).toBe(0);
    expect(a.samples.subarray(640, 800).every((v) => v === 0)).toBe(true);
    expect(a.samples.subarray(800)).toEqual(whole.samples.subarray(800));
  });

  it('plays no copy of a packet that arrived: redundancy without loss adds nothing', () => {
    const a = streamAudio(inRed(10, 2), RED);
    expect(a.samples).toEqual(whole.samples);
    expect([a.decoded, a.recovered]).toEqual([10, 0]);
  });

  it('plays the copies the first packet received carries of packets lost before it, starting the audio that much earlier', () => {
    // Packet 0 lost: packet 1 carries it at offset 160 (RFC 2198 §3), one 20 ms frame before it.
    const one = streamAudio(inRed(10, 1, [0]), RED);
    expect(one.samples).toEqual(whole.samples);
    expect([one.decoded, one.recovered]).toEqual([10, 1]);
    expect(one.start).toBeCloseTo(whole.start, 9);
    // Packets 0 and 1 lost, two copies in packet 2: both played; one copy only: packet 1 only.
    const two = streamAudio(inRed(10, 2, [0, 1]), RED);
    expect(two.samples).toEqual(whole.samples);
    expect(two.recovered).toBe(2);
    const short = streamAudio(inRed(10, 1, [0, 1]), RED);
    expect(short.recovered).toBe(1);
    expect(short.start).toBeCloseTo(whole.start + 0.02, 9);
    expect(short.samples).toEqual(whole.samples.subarray(160));
  });

  it('plays no copy before the first packet that is not a whole frame before it (no sequence number tells which packet it was)', () => {
    const packets = inRed(10, 0, [0]);
    // A copy 200 units back of a 160-byte frame: it would overlap the first packet, so it was no packet of one frame.
    packets[0] = { ...packets[0], payload: redPayload([{ pt: 0, offset: 200, data: tone(0) }], 0, tone(1)) };
    const a = streamAudio(packets, RED);
    expect(a.recovered).toBe(0);
    expect(a.samples).toEqual(whole.samples.subarray(160));
    expect(a.start).toBeCloseTo(whole.start + 0.02, 9);
  });

  it('keeps a stream whose first packet was lost in time with the other side of the call in stereo', () => {
    const left = streamAudio(inRed(10, 1, [0]), RED);
    const s = stereo([left], [whole]);
    const l = s.samples.filter((_, i) => i % 2 === 0);
    const r = s.samples.filter((_, i) => i % 2 === 1);
    expect(l.length).toBe(whole.samples.length);
    expect(l).toEqual(r);
  });

  it('plays a red payload cut short as silence and the rest of the stream', () => {
    const packets = inRed(10, 1);
    const cut = packets[3];
    packets[3] = { ...cut, payload: cut.payload.subarray(0, 3), payloadLength: 3 };
    const a = streamAudio(packets, RED);
    expect([a.decoded, a.silent]).toEqual([9, 1]);
    expect(a.samples.subarray(800)).toEqual(whole.samples.subarray(800));
  });

  it('does not fill from copies of telephone events (they are silence), and refuses a stream of events only', () => {
    const event = (d: number) => new Uint8Array([1, 10, d >> 8, d & 0xff]);
    const events = [0, 1, 2].map((i) =>
      streamPacket(i, {
        payloadType: 105,
        timestamp: 0,
        payload: redPayload(
          i > 0 ? [{ pt: 101, offset: 0, data: event(160 * i) }] : [],
          101,
          event(160 * (i + 1)),
        ),
      }),
    );
    expect(() => streamAudio(events, RED)).toThrow(/telephone-event\/8000/);
    const mixed = [...plain(3), ...events.map((p, i) => ({ ...p, sequence: 1004 + i, timestamp: 640 }))];
    const a = streamAudio(mixed, RED);
    expect(a.recovered).toBe(0);
    expect(a.decoded).toBe(3);
  });

  it('plays Chrome Opus in red (a=rtpmap:63 red/48000/2, a=fmtp:63 111/111), a lost packet from the next one copy', async () => {
    const opus = await loadOpus();
    const frames = opusTonePackets(440, 10);
    const codecs = new Map([
      [63, 'red/48000/2'],
      [111, 'opus/48000/2'],
    ]);
    const at = (i: number, over: Partial<RtpPacket>) => streamPacket(i, { timestamp: 960 * i, ...over });
    const plainOpus = frames.map((f, i) => at(i, { payloadType: 111, payload: f }));
    const red = frames
      .map((f, i) =>
        at(i, {
          payloadType: 63,
          payload: redPayload(i > 0 ? [{ pt: 111, offset: 960, data: frames[i - 1] }] : [], 111, f),
        }),
      )
      .filter((_, i) => i !== 6);
    const whole = streamAudio(plainOpus, new Map([[111, 'opus/48000/2']]), undefined, opus);
    const a = streamAudio(red, codecs, undefined, opus);
    expect([a.rate, a.decoded, a.recovered]).toEqual([48_000, 10, 1]);
    // The same frames through one decoder in the same order: the same samples.
    expect(a.samples).toEqual(whole.samples);
  });
});
