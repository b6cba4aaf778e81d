/**
 * Opus decoding (src/media/opus.ts, libopus as WebAssembly) and Opus
 * streams laid out as sound (rtp-audio.ts): RFC 7587 §4.1's 48,000 Hz clock,
 * one packet a payload (§4.2) whose length the decoder gives, a tone in is
 * the tone out, a packet libopus refuses is silence and counted, never a
 * throw, and each stream's decoder is freed.
 */
import { describe, expect, it } from 'vitest';
import { loadOpus } from '../../src/media/opus.js';
import { stereo, streamAudio } from '../../src/media/rtp-audio.js';
import { corruptOpus, OPUS_PT, opusTonePackets } from '../fixtures/opus-call.js';
import { streamPacket } from '../fixtures/rtp-frames.js';
import { power } from '../helpers/goertzel.js';

const OPUS = new Map([
  [OPUS_PT, 'opus/48000/2'],
  [13, 'CN/8000'],
]);

/** Packet `i` of a 20 ms Opus stream: timestamp 960·i (48 kHz), arriving 20 ms apart. */
const opusPacket = (i: number, payload: Uint8Array) =>
  streamPacket(i, { payloadType: OPUS_PT, timestamp: 960 * i, payload });

/** Crossings of zero upward a second: the frequency of a clean tone. */
function zeroCrossingHz(s: Int16Array, rate: number): number {
  let ups = 0;
  for (let i = 1; i < s.length; i++) if (s[i - 1] < 0 && s[i] >= 0) ups++;
  return (ups * rate) / s.length;
}

describe('Opus decoder (libopus)', async () => {
  const opus = await loadOpus();

  it('decodes a packet to as many samples as its TOC says, at 48 kHz: 20 ms is 960', () => {
    const d = opus.decoder();
    const out = new Int16Array(4000);
    // A TOC byte alone (config 31, CELT FB 20 ms, code 0): a frame of 0 bytes, decoded as a lost one (RFC 6716 §3.2.1).
    expect(d.decode(Uint8Array.of(0xf8), out, 0)).toBe(960);
    // Code 3, M = 3 frames of 0 bytes (§3.2.5): 60 ms.
    expect(d.decode(Uint8Array.of(0xfb, 0x03), out, 960)).toBe(2880);
    // Code 1, 2 × 60 ms SILK of 0 bytes: more than this libopus build's 60 ms buffer, decoded frame by frame (opus-long.test.ts).
    expect(d.decode(Uint8Array.of(0x19), new Int16Array(6000), 0)).toBe(5760);
    // Only what fits in `out`.
    expect(d.decode(Uint8Array.of(0xf8), out, 3500)).toBe(500);
    d.free();
  });

  it('gives back the 440 Hz tone it was given: the zero crossings and Goertzel agree', () => {
    const d = opus.decoder();
    const packets = opusTonePackets(440, 50);
    const out = new Int16Array(50 * 960);
    let at = 0;
    for (const p of packets) at += d.decode(p, out, at) ?? 0;
    d.free();
    expect(at).toBe(50 * 960);
    // After the codec's first 100 ms (its look-ahead and the encoder settling).
    const tail = out.subarray(4800);
    expect(zeroCrossingHz(tail, 48_000)).toBeCloseTo(440, -1);
    expect(power(tail, 1, 0, 440, 48_000, 0, 24_000)).toBeGreaterThan(
      1000 * power(tail, 1, 0, 660, 48_000, 0, 24_000),
    );
    expect(Math.max(...tail)).toBeGreaterThan(6000);
  });

  it('refuses a corrupt packet, an empty one and one too long in bytes with null, writing nothing, without throwing', () => {
    const d = opus.decoder();
    const out = new Int16Array(6000).fill(7);
    // Code 2 without its first frame's length (RFC 6716 §3.2.4): libopus's OPUS_INVALID_PACKET.
    expect(d.decode(Uint8Array.of(0xfa), out, 0)).toBeNull();
    expect(d.decode(new Uint8Array(0), out, 0)).toBeNull();
    // Longer than the 3 × 1,275 bytes a packet holds.
    expect(d.decode(new Uint8Array(5000).fill(0xf8), out, 0)).toBeNull();
    expect(out.every((v) => v === 7)).toBe(true);
    // It decodes on after them.
    expect(d.decode(Uint8Array.of(0xf8), out, 0)).toBe(960);
    d.free();
    d.free();
  });
});

describe('streamAudio: an Opus stream (RFC 7587)', async () => {
  const opus = await loadOpus();

  it('lays the packets out on the 48 kHz clock and plays the tone at 48,000 Hz', () => {
    const packets = opusTonePackets(660, 25).map((p, i) => opusPacket(i, p));
    const a = streamAudio(packets, OPUS, undefined, opus);
    expect([a.rate, a.samples.length, a.decoded, a.undecodable]).toEqual([48_000, 25 * 960, 25, 0]);
    expect(zeroCrossingHz(a.samples.subarray(4800), 48_000)).toBeCloseTo(660, -1);
  });

  it('plays a corrupt packet as 20 ms of silence where it was, counts it, and decodes on', () => {
    const tone = opusTonePackets(440, 20);
    const packets = tone.map((p, i) => opusPacket(i, i === 10 ? corruptOpus(p) : p));
    const a = streamAudio(packets, OPUS, undefined, opus);
    expect([a.decoded, a.undecodable, a.samples.length]).toEqual([19, 1, 20 * 960]);
    expect(a.samples.subarray(10 * 960, 11 * 960).every((v) => v === 0)).toBe(true);
    expect(Math.max(...a.samples.subarray(12 * 960, 13 * 960))).toBeGreaterThan(4000);
  });

  it('gives a lost packet (a sequence gap) its 20 ms of silence by the timestamps, and comfort noise silence', () => {
    const tone = opusTonePackets(440, 12);
    const cn = streamPacket(5, { payloadType: 13, timestamp: 960 * 5, payload: Uint8Array.of(40) });
    const packets = tone.map((p, i) => (i === 5 ? cn : opusPacket(i, p))).filter((_, i) => i !== 8);
    const a = streamAudio(packets, OPUS, undefined, opus);
    expect([a.decoded, a.silent, a.undecodable, a.samples.length]).toEqual([10, 1, 0, 12 * 960]);
    expect(a.samples.subarray(8 * 960, 9 * 960).every((v) => v === 0)).toBe(true);
  });

  it('makes one libopus decoder for the stream and frees it when the stream is done', () => {
    // The real library, its decoders counted as they are made and freed.
    const made: string[] = [];
    const counted = {
      decoder: () => {
        const d = opus.decoder();
        made.push('made');
        return {
          decode: d.decode,
          free: () => {
            made.push('freed');
            d.free();
          },
        };
      },
    };
    const packets = opusTonePackets(440, 5).map((p, i) => opusPacket(i, p));
    expect(streamAudio(packets, OPUS, undefined, counted).decoded).toBe(5);
    expect(made).toEqual(['made', 'freed']);
  });

  it('takes only the clock of RFC 7587 (48,000), and needs libopus loaded to decode', () => {
    const packets = opusTonePackets(440, 2).map((p, i) => opusPacket(i, p));
    expect(() => streamAudio(packets, new Map([[OPUS_PT, 'opus/16000']]), undefined, opus)).toThrow(
      'no packet is PCMU, PCMA, G.722, L16 or Opus (the stream has opus/16000): that audio is not decoded here',
    );
    // Our own bug, not bad input: a caller that did not load it.
    expect(() => streamAudio(packets, OPUS)).toThrow('loadOpus() first');
  });

  it('mixes two Opus sides as stereo at 48,000 Hz, and one beside G.711 at 16,000', () => {
    const a = streamAudio(
      opusTonePackets(440, 10).map((p, i) => opusPacket(i, p)),
      OPUS,
      undefined,
      opus,
    );
    const g711 = { ...a, rate: 8000, samples: new Int16Array(1600) };
    expect(stereo([a], [a]).rate).toBe(48_000);
    expect(stereo([a], [g711]).rate).toBe(16_000);
  });
});
