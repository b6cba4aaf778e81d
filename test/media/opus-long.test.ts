/**
 * Opus packets of more than 60 ms (80 to 120 ms, RFC 6716 §3.2.5: code 3 of
 * several 20/40/60 ms frames, codes 1 and 2 of two 60 ms frames), which the
 * opusscript build cannot decode in one call: opus.ts splits them into their
 * frames (opus-frames.ts) and decodes those in order through the one
 * decoder. Real frames from libopus's encoder, packed as libopus's
 * repacketizer would (fixtures/opus-pack.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadOpus, type OpusDecoder } from '../../src/media/opus.js';
import { opusFrames } from '../../src/media/opus-frames.js';
import { opusToc } from '../../src/media/opus-toc.js';
import { streamAudio } from '../../src/media/rtp-audio.js';
import { CELT_FB_20, SILK_WB_60 } from '../fixtures/opus-120ms-call.js';
import { OPUS_PT, type OpusToneOptions, opusTonePackets } from '../fixtures/opus-call.js';
import { opusPack } from '../fixtures/opus-pack.js';
import { streamPacket } from '../fixtures/rtp-frames.js';
import { power } from '../helpers/goertzel.js';

const OPUS = new Map([[OPUS_PT, 'opus/48000/2']]);
/** Hybrid fullband 20 ms frames (config 15), 32 kbit/s. */
const HYBRID_FB: OpusToneOptions = { bitrate: 32_000, force: { mode: 1001, bandwidth: 1105 } };

/** `packets` decoded in order by one new decoder, end to end. */
function decodeAll(d: OpusDecoder, packets: readonly Uint8Array[]): Int16Array {
  const out = new Int16Array(packets.reduce((n, p) => n + (opusToc(p)?.samples ?? 0), 0));
  let at = 0;
  for (const p of packets) {
    const n = d.decode(p, out, at);
    expect(n).not.toBeNull();
    at += n ?? 0;
  }
  d.free();
  expect(at).toBe(out.length);
  return out;
}

/** `packets` in groups of `k`, each group one packet (opusPack). */
const grouped = (packets: readonly Uint8Array[], k: number, padding = 0) =>
  Array.from({ length: packets.length / k }, (_, i) => opusPack(packets.slice(k * i, k * i + k), padding));

/** An RTP packet of `payload` at 48 kHz timestamp `ts`, `i`-th of the stream, arriving on time. */
const rtpAt = (i: number, ts: number, payload: Uint8Array) =>
  streamPacket(i, { payloadType: OPUS_PT, timestamp: ts, payload, ts: ts / 48_000 });

describe('Opus packets longer than 60 ms (RFC 6716 §3.2.5)', async () => {
  const opus = await loadOpus();

  it('decodes a code 3 packet of six 20 ms frames to the samples of its six frames decoded one by one', () => {
    const frames = opusTonePackets(440, 60, CELT_FB_20);
    const long = grouped(frames, 6);
    expect(long.map((p) => [p[0], p[1] & 0x3f])).toEqual(long.map(() => [(31 << 3) | 3, 6]));
    // Both the CBR (all frames 61 bytes, once the encoder settles) and the VBR code 3 layouts occur.
    expect(new Set(long.map((p) => p[1] & 0x80))).toEqual(new Set([0, 0x80]));
    const split = decodeAll(opus.decoder(), long);
    expect(split.length).toBe(60 * 960);
    expect(split).toEqual(decodeAll(opus.decoder(), frames));
    expect(Math.max(...split.subarray(4800))).toBeGreaterThan(6000);
  });

  it('decodes codes 1 and 2: two 60 ms SILK frames, equal (CBR, §3.2.3) or not (§3.2.4)', () => {
    const frames = opusTonePackets(440, 20, SILK_WB_60);
    const long = grouped(frames, 2);
    expect(new Set(long.map((p) => p[0]))).toEqual(new Set([(11 << 3) | 2, (11 << 3) | 1]));
    expect(decodeAll(opus.decoder(), long)).toEqual(decodeAll(opus.decoder(), frames));
  });

  it('decodes a padded VBR code 3 packet of Hybrid frames (80 ms, four 20 ms) like its frames one by one', () => {
    const frames = opusTonePackets(660, 40, HYBRID_FB);
    const long = grouped(frames, 4, 300);
    expect(long.every((p) => p[0] === ((15 << 3) | 3) && p[1] === (0xc0 | 4) && p[2] === 255)).toBe(true);
    expect(decodeAll(opus.decoder(), long)).toEqual(decodeAll(opus.decoder(), frames));
  });

  it('decodes a 120 ms packet of more bytes than opusscript takes in one call (3,828), each frame within R2', () => {
    const frames = opusTonePackets(440, 12, { ...CELT_FB_20, bitrate: 320_000 });
    const long = grouped(frames, 6);
    expect(long.every((p) => p.length > 1276 * 3)).toBe(true);
    expect(decodeAll(opus.decoder(), long)).toEqual(decodeAll(opus.decoder(), frames));
  });

  it('splitting is what libopus does in one call: a 60 ms code 3 packet it decodes whole gives the same samples as its frames as code 0 packets', () => {
    for (const o of [CELT_FB_20, HYBRID_FB]) {
      const frames = opusTonePackets(440, 30, o);
      const whole = grouped(frames, 3);
      expect(opusToc(whole[0])?.samples).toBe(2880);
      expect(decodeAll(opus.decoder(), whole)).toEqual(decodeAll(opus.decoder(), frames));
    }
  });

  it('decodes a 0-byte frame inside a long packet as a lost one (DTX, §3.2.1), the packet still 120 ms', () => {
    const frames = opusTonePackets(440, 6, CELT_FB_20);
    const dtx = Uint8Array.of(frames[0][0]);
    const d = opus.decoder();
    const out = new Int16Array(5760);
    expect(d.decode(opusPack([...frames.slice(0, 3), dtx, ...frames.slice(4)]), out, 0)).toBe(5760);
    d.free();
  });

  it('refuses an invalid long packet with null, writing nothing, and decodes on after it', () => {
    const d = opus.decoder();
    const out = new Int16Array(5760).fill(7);
    // VBR, two 60 ms frames, the first said to be 5 bytes of 2 (R7).
    expect(d.decode(Uint8Array.of((11 << 3) | 3, 0x82, 5, 1, 2), out, 0)).toBeNull();
    // Code 1 of an even length (R3).
    expect(d.decode(Uint8Array.of((11 << 3) | 1, 1, 2, 3), out, 0)).toBeNull();
    expect(out.every((v) => v === 7)).toBe(true);
    // Two 60 ms frames of 0 bytes: 120 ms, each decoded as lost.
    expect(d.decode(Uint8Array.of((11 << 3) | 1), out, 0)).toBe(5760);
    // Only what fits, from where it is put.
    expect(d.decode(Uint8Array.of((11 << 3) | 1), out, 5000)).toBe(760);
    expect(d.decode(Uint8Array.of((11 << 3) | 1), out, 6000)).toBe(0);
    d.free();
  });
});

describe('streamAudio: an Opus stream of 120 ms packets (RFC 7587 §4.2)', async () => {
  const opus = await loadOpus();

  it('plays the same samples as the stream of its 20 ms frames, none undecodable', () => {
    const frames = opusTonePackets(440, 60, CELT_FB_20);
    const short = streamAudio(
      frames.map((p, i) => rtpAt(i, 960 * i, p)),
      OPUS,
      undefined,
      opus,
    );
    const long = streamAudio(
      grouped(frames, 6).map((p, i) => rtpAt(i, 5760 * i, p)),
      OPUS,
      undefined,
      opus,
    );
    expect([long.decoded, long.undecodable, long.samples.length]).toEqual([10, 0, 60 * 960]);
    expect(long.samples).toEqual(short.samples);
    const tail = long.samples.subarray(4800);
    expect(power(tail, 1, 0, 440, 48_000, 0, 24_000)).toBeGreaterThan(
      1000 * power(tail, 1, 0, 660, 48_000, 0, 24_000),
    );
  });

  it('plays an invalid 120 ms packet as 120 ms of silence where it was, counted, and the rest of the stream', () => {
    const long = grouped(opusTonePackets(440, 60, CELT_FB_20), 6);
    // Packet 4 cut short: its frames no longer fill what its header says (R6 or R7).
    long[4] = long[4].subarray(0, 40);
    expect(opusFrames(long[4])).toBeNull();
    const a = streamAudio(
      long.map((p, i) => rtpAt(i, 5760 * i, p)),
      OPUS,
      undefined,
      opus,
    );
    expect([a.decoded, a.undecodable, a.samples.length]).toEqual([9, 1, 10 * 5760]);
    expect(a.samples.subarray(4 * 5760, 5 * 5760).every((v) => v === 0)).toBe(true);
    expect(Math.max(...a.samples.subarray(5 * 5760, 6 * 5760))).toBeGreaterThan(4000);
  });
});

describe('opusFrames against libopus (RFC 6716 §3.4)', async () => {
  const opus = await loadOpus();

  it('calls a packet of up to 60 ms invalid exactly when libopus refuses it, over 20,000 random ones', () => {
    // mulberry32: the same packets every run.
    let seed = 0x0b05;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const d = opus.decoder();
    const out = new Int16Array(2880);
    const seen = { valid: 0, invalid: 0 };
    /** The packets (hex) on which the two disagree. */
    const disagree: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const p = Uint8Array.from(
        { length: Math.floor(rand() * (rand() < 0.8 ? 12 : 600)) },
        () => rand() * 256,
      );
      // Code 3 with few frames and random v and p bits, so that the counts are not mostly over 120 ms.
      if (p.length > 1 && (p[0] & 3) === 3) p[1] = (p[1] & 0xc0) | (1 + (p[1] % 3));
      // Packets libopus can take in one call only, to judge them.
      if ((opusToc(p)?.samples ?? 0) > 2880) continue;
      const ours = opusFrames(p) !== null;
      if (ours !== (d.decode(p, out, 0) !== null)) disagree.push(Buffer.from(p).toString('hex'));
      seen[ours ? 'valid' : 'invalid']++;
    }
    d.free();
    expect(disagree).toEqual([]);
    // 8,762 valid and 9,069 invalid: both kinds well tried.
    expect(seen.valid).toBeGreaterThan(2000);
    expect(seen.invalid).toBeGreaterThan(2000);
    // 20,000 libopus calls: more than vitest's default 5 s on two busy vCPUs.
  }, 60_000);
});
