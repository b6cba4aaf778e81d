/**
 * A call's RTP as sound, end to end on samples/call-with-rtp.pcap: its
 * caller (10.0.0.1) sends a 440 Hz tone in PCMU with packets 100, 101 and
 * 250 lost and 300–301 late, the callee (10.0.0.2) 660 Hz; the second call
 * has the caller's side only (550 Hz). The packets are read again from the
 * file (stream-packets.ts), laid out by RTP timestamp (RFC 3550 §5.1) and
 * written as WAVE: the caller's side left, the callee's right.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { leftHost, MAX_CALL_STREAMS } from '../../src/media/audio-sides.js';
import { readStreamPackets } from '../../src/media/stream-packets.js';
import { WAV_HEADER_BYTES } from '../../src/media/wav.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CALLEE_MEDIA, CALLER_MEDIA, writeCallWithRtp } from '../fixtures/call-with-rtp.js';
import { T0 } from '../fixtures/flows/builder.js';
import { rtpFrames } from '../fixtures/rtp-frames.js';
import { power } from '../helpers/goertzel.js';

const FILE = new URL('../../samples/call-with-rtp.pcap', import.meta.url).pathname;

/** The samples of a WAVE file of ours (16-bit, after the 44-byte header). */
const pcm = (wav: Uint8Array) =>
  new Int16Array(wav.buffer.slice(wav.byteOffset + WAV_HEADER_BYTES, wav.byteOffset + wav.byteLength));

describe('audio of samples/call-with-rtp.pcap', async () => {
  const r = await analyzeCapture(FILE);
  const call0 = r.streams.filter((s) => s.call === 0);

  it('reads back from the file exactly the packets and payload bytes the stream figures count', async () => {
    const { streams: packets } = await readStreamPackets(FILE, r.streams);
    expect(packets.map((p) => p.length)).toEqual(r.streams.map((s) => s.packets));
    expect(packets.map((p) => p.reduce((n, x) => n + x.payload.length, 0))).toEqual(
      r.streams.map((s) => s.bytes),
    );
  });

  it("puts the caller's side left (440 Hz) and the callee's right (660 Hz), 10 s of each", async () => {
    const w = await callWav(FILE, call0, '10.0.0.1');
    expect(w.left).toEqual([1]);
    expect(w.right).toEqual([0]);
    expect(w.rate).toBe(8000);
    expect(w.duration).toBeCloseTo(9.99, 2);
    const s = pcm(w.wav);
    expect(s.length).toBe(Math.round(9.99 * 8000) * 2);
    expect(power(s, 2, 0, 440, 8000)).toBeGreaterThan(1000 * power(s, 2, 0, 660, 8000));
    expect(power(s, 2, 1, 660, 8000)).toBeGreaterThan(1000 * power(s, 2, 1, 440, 8000));
  });

  it('leaves the lost packets as silence at their place, and plays the late ones where they belong', async () => {
    const s = pcm((await callWav(FILE, call0, '10.0.0.1')).wav);
    // The left stream starts 10 ms (80 samples) after the right one; packet i is 160 samples after packet i - 1.
    const left = (i: number) => Array.from({ length: 160 }, (_, j) => s[(80 + 160 * i + j) * 2]);
    const silent = (i: number) => left(i).every((x) => x === 0);
    expect([99, 100, 101, 102, 249, 250, 251].map(silent)).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect([299, 300, 301, 302].map(silent)).toEqual([false, false, false, false]);
    // The late packets carry the tone's next 20 ms, so the whole second around them is still a clean 440 Hz.
    expect(power(s, 2, 0, 440, 8000, 80 + 160 * 280, 8000)).toBeGreaterThan(
      1000 * power(s, 2, 0, 660, 8000, 80 + 160 * 280, 8000),
    );
  });

  it('writes one stream as mono (the one-way call: 550 Hz)', async () => {
    const st = r.streams.find((x) => x.call === 1)!;
    const w = await streamWav(FILE, st);
    expect(w.wav[22]).toBe(1);
    const s = pcm(w.wav);
    expect(s.length).toBe(499 * 160);
    expect(power(s, 1, 0, 550, 8000)).toBeGreaterThan(1000 * power(s, 1, 0, 440, 8000));
  });
});

describe('what one request may hold', () => {
  it('stops reading payloads at the budget, all streams together, and says the audio was cut', async () => {
    const r = await analyzeCapture(FILE);
    const call0 = r.streams.filter((s) => s.call === 0);
    // 100 packets' worth of payload (160 bytes each) for both streams.
    const read = await readStreamPackets(FILE, call0, { maxPayloadBytes: 100 * 160 });
    expect(read.truncated).toBe(true);
    expect(read.streams.reduce((n, l) => n + l.length, 0)).toBe(100);
    const counted = await readStreamPackets(FILE, call0, { payloads: false, maxPackets: 7 });
    expect([counted.truncated, counted.streams.reduce((n, l) => n + l.length, 0)]).toEqual([true, 7]);
    const whole = await readStreamPackets(FILE, call0, { payloads: false });
    expect(whole.truncated).toBe(false);
    expect(whole.streams.map((l) => l.length)).toEqual(call0.map((s) => s.packets));
    // Without payloads the lengths are still there (the analysis reads them), the bytes are not.
    expect(whole.streams[0].every((p) => p.payload.length === 0 && p.payloadLength === 160)).toBe(true);
  });

  it(`mixes at most ${MAX_CALL_STREAMS} streams of a call, in order of their first packet, and names the others`, async () => {
    // A call whose caller changed SSRC every 100 ms, 18 times: 18 streams, one after the other.
    const file = join(mkdtempSync(join(tmpdir(), 'sipscope-streams-')), 'many-ssrcs.pcap');
    const n = MAX_CALL_STREAMS + 2;
    writeCallWithRtp(
      file,
      'many-ssrcs@10.0.0.1',
      ...Array.from({ length: n }, (_, i) =>
        rtpFrames({
          src: CALLER_MEDIA,
          dst: CALLEE_MEDIA,
          ssrc: 0x100 + i,
          payloadType: 0,
          start: T0 + 2.02 + i * 0.1,
          end: T0 + 2.1 + i * 0.1,
        }),
      ),
    );
    const r = await analyzeCapture(file);
    expect(r.streams.length).toBe(n);
    const w = await callWav(file, r.streams, '10.0.0.1');
    expect(w.left).toEqual(r.streams.slice(0, MAX_CALL_STREAMS).map((s) => s.id));
    expect(w.skipped).toEqual(
      r.streams.slice(MAX_CALL_STREAMS).map((s) => ({
        id: s.id,
        reason: `more than ${MAX_CALL_STREAMS} streams in the call: play it alone`,
      })),
    );
  });
});

describe('leftHost: whose side is left', () => {
  const streams = [
    { src: '10.0.0.2:3456', dst: '10.0.0.1:49170' },
    { src: '10.0.0.1:49170', dst: '10.0.0.2:3456' },
  ];

  it("is the caller's host when its media touches it, whichever stream came first", () => {
    expect(leftHost(streams, '10.0.0.1')).toBe('10.0.0.1');
  });

  it("is the earliest stream's sender when the media does not touch the caller's host (a media relay)", () => {
    expect(leftHost(streams, '192.0.2.9')).toBe('10.0.0.2');
    expect(leftHost(streams, null)).toBe('10.0.0.2');
  });

  it('reads IPv6 hosts in brackets', () => {
    expect(leftHost([{ src: '[2001:db8::1]:4000', dst: '[2001:db8::2]:5000' }], '2001:db8::2')).toBe(
      '2001:db8::2',
    );
  });
});
