/**
 * RTP to sound (src/media/rtp-audio.ts), as Wireshark's RTP Player lays it
 * out: each packet's payload at its RTP timestamp (RFC 3550 §5.1), in
 * sequence order (A.1: the 16-bit wrap, duplicates played once, a restart),
 * lost packets and silence suppression (RFC 3551 §4.1) as silence, comfort
 * noise (RFC 3389) and telephone events (RFC 4733) silent, codecs decoded
 * here PCMU/PCMA (G.711), G.722 (RFC 3551 §4.5.2: an RTP clock of 8,000 for
 * audio sampled at 16,000) and L16 (RFC 3551 §4.5.11).
 */
import { describe, expect, it } from 'vitest';
import { ALAW_TO_PCM, ULAW_TO_PCM } from '../../src/media/g711.js';
import { G722Decoder } from '../../src/media/g722.js';
import { AudioRefused, MAX_AUDIO_SAMPLES, stereo, streamAudio } from '../../src/media/rtp-audio.js';
import type { RtpPacket } from '../../src/media/stream-packets.js';
import { G722_FRAMES } from '../fixtures/g722-webrtc.js';

const PCMU = new Map([
  [0, 'PCMU/8000'],
  [13, 'CN/8000'],
  [101, 'telephone-event/8000'],
]);

/** 20 ms of G.711 (160 bytes), every byte `b`. */
const bytes = (b: number, n = 160) => new Uint8Array(n).fill(b);

/** Packet `i` of a 20 ms stream: sequence 1000 + i, timestamp 4000 + 160·i, arriving at 10 + 0.02·i s. */
function pkt(i: number, over: Partial<RtpPacket> = {}): RtpPacket {
  const payload = over.payload ?? bytes(0x80 + (i % 16));
  return {
    frame: 1 + i,
    ts: 10 + 0.02 * i,
    sequence: (1000 + i) & 0xffff,
    timestamp: (4000 + 160 * i) >>> 0,
    payloadType: 0,
    marker: false,
    ...over,
    payloadLength: payload.length,
    payload,
  };
}

/** The first sample of each 20 ms slot: which packet's byte is there (or 0: silence). */
const slots = (samples: Int16Array, n: number) => Array.from({ length: n }, (_, i) => samples[i * 160]);

describe('streamAudio: a PCMU stream laid out by RTP timestamp', () => {
  it('decodes each payload byte through the µ-law table, packet after packet', () => {
    const a = streamAudio(
      [0, 1, 2].map((i) => pkt(i)),
      PCMU,
    );
    expect(a.rate).toBe(8000);
    expect(a.samples.length).toBe(480);
    expect(a.start).toBe(10);
    expect(slots(a.samples, 3)).toEqual([ULAW_TO_PCM[0x80], ULAW_TO_PCM[0x81], ULAW_TO_PCM[0x82]]);
    expect(a.decoded).toBe(3);
  });

  it('leaves a lost packet as 20 ms of silence where it would have been (RFC 3550: the timestamp says so)', () => {
    const a = streamAudio(
      [0, 1, 3].map((i) => pkt(i)),
      PCMU,
    );
    expect(a.samples.length).toBe(640);
    expect(slots(a.samples, 4)).toEqual([ULAW_TO_PCM[0x80], ULAW_TO_PCM[0x81], 0, ULAW_TO_PCM[0x83]]);
    expect(a.samples.subarray(320, 480).every((x) => x === 0)).toBe(true);
  });

  it('puts a late packet back in its place by sequence number', () => {
    const late = pkt(1, { ts: 10.09 });
    const a = streamAudio([pkt(0), pkt(2), pkt(3), late, pkt(4)], PCMU);
    expect(slots(a.samples, 5)).toEqual([0x80, 0x81, 0x82, 0x83, 0x84].map((b) => ULAW_TO_PCM[b]));
  });

  it('plays a duplicate once', () => {
    const a = streamAudio([pkt(0), pkt(1), pkt(1), pkt(2)], PCMU);
    expect(a.duplicates).toBe(1);
    expect(a.samples.length).toBe(480);
  });

  it('follows the sequence across its 16-bit wrap (65535 → 0)', () => {
    const base = 65534 - 1000;
    const list = [0, 1, 2, 3].map((i) => pkt(base + i, { ts: 10 + 0.02 * i, timestamp: 160 * i }));
    expect(list.map((p) => p.sequence)).toEqual([65534, 65535, 0, 1]);
    // Arrival order with the packet after the wrap late: sequence order still puts it third.
    const a = streamAudio([list[0], list[1], list[3], list[2]], PCMU);
    expect(a.samples.length).toBe(640);
    expect(slots(a.samples, 4)).toEqual(list.map((p) => ULAW_TO_PCM[p.payload[0]]));
  });

  it('keeps a silence-suppressed pause (no packets, the timestamp moves on) as long as it was', () => {
    // 2 s of silence between packets 1 and 2: both the timestamp and the arrival say so.
    const after = pkt(2, { ts: 10.02 + 2, timestamp: 4000 + 160 + 16000, marker: true });
    const a = streamAudio([pkt(0), pkt(1), after], PCMU);
    expect(a.samples.length).toBe(320 + 16000 - 160 + 160);
    expect(a.samples[160 + 16000]).toBe(ULAW_TO_PCM[after.payload[0]]);
  });

  it('places a packet by its arrival when its timestamp jumps against it (a sender that restarted its clock)', () => {
    // The timestamp says 10 minutes later; it arrived 20 ms after the one before.
    const jumped = pkt(2, { timestamp: 4000 + 320 + 8000 * 600 });
    const a = streamAudio([pkt(0), pkt(1), jumped, pkt(3, { timestamp: 4000 + 480 + 8000 * 600 })], PCMU);
    expect(a.samples.length).toBe(640);
    expect(slots(a.samples, 4)).toEqual([0x80, 0x81, 0x82, 0x83].map((b) => ULAW_TO_PCM[b]));
  });

  it('starts over after a sequence jump (RFC 3550 A.1 restart) instead of sorting the new run first', () => {
    const restarted = [0, 1].map((i) => pkt(2 + i, { sequence: 7 + i }));
    const a = streamAudio([pkt(0), pkt(1), ...restarted], PCMU);
    expect(slots(a.samples, 4)).toEqual([0x80, 0x81, 0x82, 0x83].map((b) => ULAW_TO_PCM[b]));
  });

  it('makes comfort noise and telephone events silent, keeping their time', () => {
    const cn = pkt(1, { payloadType: 13, payload: bytes(0x40, 1) });
    const dtmf = pkt(2, { payloadType: 101, payload: bytes(0x05, 4) });
    const a = streamAudio([pkt(0), cn, dtmf, pkt(3)], PCMU);
    expect(a.silent).toBe(2);
    expect(slots(a.samples, 4)).toEqual([ULAW_TO_PCM[0x80], 0, 0, ULAW_TO_PCM[0x83]]);
  });

  it('decodes PCMA through the A-law table', () => {
    const a = streamAudio([pkt(0, { payloadType: 8, payload: bytes(0xd5) })], new Map([[8, 'PCMA/8000']]));
    expect(a.samples[0]).toBe(ALAW_TO_PCM[0xd5]);
    expect(a.samples[0]).toBe(8);
  });

  it('decodes L16 (16-bit big-endian) and mixes stereo down to mono', () => {
    const p = new Uint8Array([0x01, 0x00, 0x03, 0x00, 0xff, 0xfe, 0xff, 0xfc]); // (256, 768), (-2, -4)
    const mono = streamAudio([pkt(0, { payloadType: 11, payload: p })], new Map([[11, 'L16/44100']]));
    expect(mono.rate).toBe(44100);
    expect(Array.from(mono.samples)).toEqual([256, 768, -2, -4]);
    const st = streamAudio([pkt(0, { payloadType: 10, payload: p })], new Map([[10, 'L16/44100/2']]));
    expect(Array.from(st.samples)).toEqual([512, -3]);
  });

  it('refuses a stream of codecs it does not decode, naming them and those it does', () => {
    const amr = [0, 1].map((i) => pkt(i, { payloadType: 96 }));
    expect(() => streamAudio(amr, new Map([[96, 'AMR/8000']]))).toThrow(AudioRefused);
    expect(() => streamAudio(amr, new Map([[96, 'AMR/8000']]))).toThrow(
      'no packet is PCMU, PCMA, G.722, L16 or Opus (the stream has AMR/8000): that audio is not decoded here',
    );
    expect(() => streamAudio([], PCMU)).toThrow(AudioRefused);
  });

  it('stops at the longest audio it makes, and says so', () => {
    const a = streamAudio(
      [0, 1, 2, 3].map((i) => pkt(i)),
      PCMU,
      0.05,
    );
    expect(a.samples.length).toBe(400);
    expect(a.truncated).toBe(true);
    expect(streamAudio([pkt(0)], PCMU, 0.05).truncated).toBe(false);
  });
});

describe('streamAudio: a G.722 stream, its RTP clock at 8,000 and its sound at 16,000 (RFC 3551 §4.5.2)', () => {
  const G722 = new Map([
    [9, 'G722/8000'],
    [13, 'CN/8000'],
  ]);
  /** Packet `i` with the libwebrtc-encoded payload `i` (160 bytes: 20 ms, 320 samples; timestamps 160 apart). */
  const g722 = (i: number, over: Partial<RtpPacket> = {}) =>
    pkt(i, { payloadType: 9, payload: Uint8Array.from(Buffer.from(G722_FRAMES[i], 'hex')), ...over });
  /** What one decoder makes of these payloads in this order, one after the other. */
  const decoded = (indexes: number[]) => {
    const d = new G722Decoder();
    const out = new Int16Array(indexes.length * 320);
    indexes.forEach((k, n) => {
      d.decode(Uint8Array.from(Buffer.from(G722_FRAMES[k], 'hex')), out, n * 320);
    });
    return out;
  };

  it('is at 16,000 Hz, two samples a timestamp unit, one decoder carrying its state from packet to packet', () => {
    const a = streamAudio(
      [0, 1, 2].map((i) => g722(i)),
      G722,
    );
    expect(a.rate).toBe(16000);
    // The timestamps span 480 units (3 × 160): 960 samples.
    expect(a.samples.length).toBe(2 * 480);
    expect(a.decoded).toBe(3);
    expect(Array.from(a.samples)).toEqual(Array.from(decoded([0, 1, 2])));
  });

  it('leaves a lost 20 ms packet as 2 × 160 samples of silence, and decodes the next with the state as it was', () => {
    const a = streamAudio(
      [0, 1, 3].map((i) => g722(i)),
      G722,
    );
    expect(a.samples.length).toBe(2 * 640);
    expect(a.samples.subarray(640, 960).every((x) => x === 0)).toBe(true);
    // As Wireshark: no concealment, the decoder goes on from packet 1 to packet 3.
    const inTurn = decoded([0, 1, 3]);
    expect(Array.from(a.samples.subarray(0, 640))).toEqual(Array.from(inTurn.subarray(0, 640)));
    expect(Array.from(a.samples.subarray(960))).toEqual(Array.from(inTurn.subarray(640)));
    expect(a.samples.subarray(960).some((x) => x !== 0)).toBe(true);
  });

  it('keeps comfort noise silent at 16,000 Hz, the decoder untouched by it', () => {
    const cn = pkt(1, { payloadType: 13, payload: bytes(0x40, 1) });
    const a = streamAudio([g722(0), cn, g722(2)], G722);
    expect(a.silent).toBe(1);
    expect(a.samples.length).toBe(960);
    expect(a.samples.subarray(320, 640).every((x) => x === 0)).toBe(true);
    expect(Array.from(a.samples.subarray(640))).toEqual(Array.from(decoded([0, 2]).subarray(320)));
  });

  it('places a packet by its arrival (in timestamp units of 8,000 a second) when its timestamp cannot be trusted', () => {
    const jumped = g722(2, { timestamp: 4000 + 320 + 8000 * 600 });
    const a = streamAudio([g722(0), g722(1), jumped], G722);
    // Arrived 20 ms after packet 1: 160 units on, 320 samples.
    expect(a.samples.length).toBe(960);
    expect(Array.from(a.samples)).toEqual(Array.from(decoded([0, 1, 2])));
  });

  it('counts its limit in samples at 16,000 Hz', () => {
    const a = streamAudio(
      [0, 1, 2, 3].map((i) => g722(i)),
      G722,
      0.05,
    );
    expect(a.samples.length).toBe(800);
    expect(a.truncated).toBe(true);
  });

  it('does not decode G.722 at another clock rate, nor in stereo', () => {
    const p = [g722(0)];
    expect(() => streamAudio(p, new Map([[9, 'G722/16000']]))).toThrow(/G722\/16000/);
    expect(() => streamAudio(p, new Map([[9, 'G722/8000/2']]))).toThrow(AudioRefused);
  });
});

describe('stereo: two directions side by side', () => {
  const one = (start: number, value: number, n: number) => ({
    rate: 8000,
    samples: new Int16Array(n).fill(value),
    start,
    decoded: 1,
    silent: 0,
    undecodable: 0,
    recovered: 0,
    duplicates: 0,
    truncated: false,
  });

  it('puts left and right in their channels, each at its first packet time from the earliest', () => {
    const m = stereo([one(10, 100, 4)], [one(10.0005, -50, 4)]);
    // 0.5 ms later is 4 samples at 8 kHz.
    expect(m.start).toBe(10);
    expect(Array.from(m.samples)).toEqual([100, 0, 100, 0, 100, 0, 100, 0, 0, -50, 0, -50, 0, -50, 0, -50]);
  });

  it('adds up the streams of one channel, clipped to 16 bits', () => {
    const m = stereo([one(1, 30000, 2), one(1, 30000, 2)], []);
    expect(Array.from(m.samples)).toEqual([32767, 0, 32767, 0]);
  });

  it('stops at MAX_AUDIO_SAMPLES a channel whatever the rate: a stream an hour after another does not make an hour of L16', () => {
    const at = (start: number) => ({ ...one(start, 7, 1), rate: 44100 });
    const m = stereo([at(0)], [at(3600)]);
    expect(m.samples.length).toBe(2 * MAX_AUDIO_SAMPLES);
    expect(m.truncated).toBe(true);
    expect([m.samples[0], m.samples[1]]).toEqual([7, 0]);
  });

  it('plays at the highest rate of its streams, the lower ones resampled up (linear interpolation)', () => {
    const wide = { ...one(1, 0, 4), rate: 16000, samples: new Int16Array([1, 2, 3, 4]) };
    const ramp = { ...one(1, 0, 2), samples: new Int16Array([0, 100]) };
    // The 8 kHz stream first: the mix is still at 16 kHz; between its samples, their mean; its last one held.
    const m = stereo([ramp], [wide]);
    expect(m.rate).toBe(16000);
    expect(Array.from(m.samples)).toEqual([0, 1, 50, 2, 100, 3, 100, 4]);
  });

  it('goes past 16,000 Hz only when every stream does: a short L16/44,100 side cut a half-hour G.711 call at 5.4 minutes, now at 15', () => {
    const long = { ...one(0, 5, 8000 * 1800), rate: 8000 };
    const l16 = { ...one(0, 9, 44100), rate: 44100 };
    const m = stereo([long], [l16]);
    expect(m.rate).toBe(16000);
    // MAX_AUDIO_SAMPLES a channel: 15 minutes at 16,000 Hz (326 s at 44,100).
    expect(m.samples.length / 2 / m.rate).toBe(900);
    expect(m.truncated).toBe(true);
    // Down to 16 kHz, the L16 second is 16,000 samples.
    expect(m.samples.filter((x, k) => k % 2 === 1 && x === 9).length).toBe(16000);
    expect(stereo([l16], [{ ...l16 }]).rate).toBe(44100);
  });

  it('mixes a G.722 side with a PCMU side at 16,000 Hz: the G.722 samples as decoded, the PCMU ones doubled', () => {
    const pcmu = streamAudio(
      [0, 1].map((i) => pkt(i, { payload: bytes(0x80) })),
      PCMU,
    );
    const wide = streamAudio(
      [0, 1].map((i) =>
        pkt(i, { payloadType: 9, payload: Uint8Array.from(Buffer.from(G722_FRAMES[i], 'hex')) }),
      ),
      new Map([[9, 'G722/8000']]),
    );
    const m = stereo([pcmu], [wide]);
    expect(m.rate).toBe(16000);
    expect(m.samples.length).toBe(2 * 640);
    const left = m.samples.filter((_, k) => k % 2 === 0);
    const right = m.samples.filter((_, k) => k % 2 === 1);
    expect(left.every((x) => x === ULAW_TO_PCM[0x80])).toBe(true);
    expect(Array.from(right)).toEqual(Array.from(wide.samples));
  });
});
