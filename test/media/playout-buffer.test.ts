/**
 * The fixed jitter buffer model (src/media/playout-buffer.ts): a packet is
 * late, as a receiver would drop it, when it arrives more than 60 ms after
 * the time its RTP timestamp (RFC 3550 §5.1) gives it from the packet the
 * buffer started from.
 */
import { describe, expect, it } from 'vitest';
import { PlayoutBuffer } from '../../src/media/playout-buffer.js';

/** 20 ms packets at 8000 Hz from t 0; `delay(i)` the extra transit of packet i (s); `marker(i)` its marker bit. */
function feed(n: number, delay: (i: number) => number, marker: (i: number) => boolean = () => false) {
  const b = new PlayoutBuffer();
  for (let i = 0; i < n; i++) b.add(i * 160, i * 0.02 + delay(i), 8000, marker(i));
  return b;
}

describe('fixed 60 ms jitter buffer', () => {
  it('keeps packets up to 60 ms late and drops those later', () => {
    const b = feed(100, (i) => (i === 10 ? 0.03 : i === 20 ? 0.06 : i === 30 ? 0.061 : i === 40 ? 0.2 : 0));
    expect(b.late).toBe(2);
    expect(b.lateRuns).toBe(2);
  });

  it('counts the packets held behind a stall as one run', () => {
    // A 210 ms stall at packet 50: it and the ones queued behind it arrive together at 1.21 s.
    // Packet 50+k was due at 1.0 + 0.02k: late by 0.21 − 0.02k, over 60 ms for k = 0..7.
    const b = feed(100, (i) => (i >= 50 && i <= 60 ? 1.21 - i * 0.02 : 0));
    expect(b.late).toBe(8);
    expect(b.lateRuns).toBe(1);
  });

  it('starts again after 10 late packets in a row instead of dropping everything when the clocks drift apart', () => {
    // 100 ppm: the arrivals fall 2 µs a packet behind the timestamps, 300 ms over 150,000 packets (50 min):
    // past 60 ms (30,000 packets) the next 10 are late, then the buffer starts from the tenth: at 30,000,
    // 60,000, 90,000 and 120,000 packets (the fifth would be past 150,000).
    const b = feed(150_000, (i) => i * 2e-6);
    expect(b.late).toBe(40);
    expect(b.lateRuns).toBe(4);
  });

  it('starts again from a packet earlier than the buffer holds', () => {
    // Packets 100 on arrive 100 ms sooner (a shorter route): the buffer starts from packet 100, so the
    // old delay coming back at 300 is 100 ms late; 10 of them, then the buffer follows it.
    const b = feed(400, (i) => (i >= 100 && i < 300 ? -0.1 : 0));
    expect(b.late).toBe(10);
  });

  it('starts again at a talkspurt whose timestamps did not count the pause', () => {
    // From packet 200 the sender's timestamps lag the arrival by 500 ms (a hold it did not count), marker set.
    const b = feed(
      400,
      (i) => (i >= 200 ? 0.5 : 0),
      (i) => i === 200,
    );
    expect(b.late).toBe(0);
    // Without the marker the first packets after it are late until the reference window moves on.
    expect(feed(400, (i) => (i >= 200 ? 0.5 : 0)).late).toBeGreaterThan(0);
  });

  it('judges nothing without a clock rate', () => {
    const b = new PlayoutBuffer();
    b.add(0, 0, null, false);
    b.add(160, 5, null, false);
    expect(b.late).toBe(0);
  });
});
