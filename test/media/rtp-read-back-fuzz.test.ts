/**
 * Bad input never crashes: RTP read back from a hostile capture — any
 * sequence numbers, timestamps, payload types, payload lengths (odd ones for
 * L16, empty ones), arrival times going backwards — gives sound within the
 * limits or a refusal (AudioRefused), and a packet-by-packet analysis, never
 * an exception. 300 streams from a fixed seed, so a failure is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { AudioRefused, MAX_AUDIO_SAMPLES, stereo, streamAudio } from '../../src/media/rtp-audio.js';
import { analyseStream } from '../../src/media/stream-analysis.js';
import type { RtpPacket } from '../../src/media/stream-packets.js';

/** xorshift32: the same streams every run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const CODECS = new Map([
  [0, 'PCMU/8000'],
  [8, 'PCMA/8000'],
  [10, 'L16/44100/2'],
  [11, 'L16/44100'],
  [13, 'CN/8000'],
  [96, 'AMR/8000'],
  [101, 'telephone-event/8000'],
  [102, 'L16/0'],
  [103, 'PCMU/abc'],
]);
const TYPES = [...CODECS.keys(), 127];

/** Payload types of codecs not decoded (AMR, unnamed, a rate of 0, a rate that is not a number). */
const UNDECODED = [96, 127, 102, 103];

function hostileStream(r: () => number): RtpPacket[] {
  const n = Math.floor(r() * 300);
  // Some streams carry nothing decodable at all: they must be refused, not crash.
  const types = r() < 0.15 ? UNDECODED : TYPES;
  const out: RtpPacket[] = [];
  let seq = Math.floor(r() * 65536);
  let ts = Math.floor(r() * 2 ** 32);
  let at = r() * 1e9;
  for (let i = 0; i < n; i++) {
    const roll = r();
    // Mostly a stream, sometimes anything at all.
    seq = roll < 0.1 ? Math.floor(r() * 65536) : (seq + (roll < 0.2 ? -3 : 1) + 65536) % 65536;
    ts = roll < 0.1 ? Math.floor(r() * 2 ** 32) : (ts + (roll < 0.15 ? 8000 * 3600 : 160)) % 2 ** 32;
    at += roll < 0.05 ? -r() * 100 : roll < 0.08 ? r() * 7200 : 0.02;
    const len = roll < 0.05 ? 0 : Math.floor(r() * 400);
    const payload = new Uint8Array(len);
    for (let j = 0; j < len; j++) payload[j] = Math.floor(r() * 256);
    out.push({
      frame: i + 1,
      ts: at,
      sequence: seq,
      timestamp: ts,
      payloadType: types[Math.floor(r() * types.length)],
      marker: r() < 0.1,
      payloadLength: len,
      payload,
    });
  }
  return out;
}

describe('RTP read back from a hostile capture', () => {
  it('gives bounded sound or a refusal, and an analysis, for 300 hostile streams', () => {
    const r = rng(0x5eed);
    let played = 0;
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const packets = hostileStream(r);
      const a = analyseStream(packets, CODECS);
      expect(a.packets.length).toBe(packets.length);
      try {
        const s = streamAudio(packets, CODECS, 60);
        expect(s.samples.length).toBeLessThanOrEqual(Math.min(60 * s.rate, MAX_AUDIO_SAMPLES));
        expect(Number.isFinite(s.start)).toBe(true);
        const m = stereo([s], [s], 60);
        expect(m.samples.length).toBeLessThanOrEqual(2 * 60 * m.rate);
        played++;
      } catch (e) {
        if (!(e instanceof AudioRefused)) throw e;
        refused++;
      }
    }
    // Both ways out were taken: the generator makes playable and unplayable streams.
    expect(played).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(5);
  });
});
