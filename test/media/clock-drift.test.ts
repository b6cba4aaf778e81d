/**
 * Max skew, clock drift and freq drift of an RTP stream (src/media/clock-drift.ts),
 * as Wireshark's RTP Stream Analysis dialog gives them: the slope r of the
 * least-squares line of RTP time (RFC 3550 §5.1: timestamps count sampling
 * instants) on arrival time; clock drift = duration · (r − 1), freq drift =
 * rate · r. tshark prints none of these (4.0's -z rtp,streams stops at
 * jitter), so the expected values are worked out here from the packets: on a
 * stream whose sender's clock runs at a steady rate, every point is on one
 * line, so r is the first-to-last ratio of RTP time to arrival time.
 */
import { describe, expect, it } from 'vitest';
import { ClockDrift } from '../../src/media/clock-drift.js';
import { analyseStream } from '../../src/media/stream-analysis.js';
import type { RtpPacket } from '../../src/media/stream-packets.js';
import { streamPacket } from '../fixtures/rtp-frames.js';

const CODECS = new Map([
  [0, 'PCMU/8000'],
  [13, 'CN/8000'],
  [101, 'telephone-event/8000'],
  [96, 'H264/90000'],
]);

/**
 * `count` 20 ms G.711 packets (160 ticks each) from a sender whose sample
 * clock runs at `senderHz` while the capture's runs at 8000 Hz: packet i is
 * stamped 160·i (plus `firstTimestamp`, modulo 2^32) and arrives 160·i /
 * senderHz s after the first. `skip` leaves packets out (silence
 * suppression: the sender sends nothing, its sequence numbers go on from
 * the last one sent, RFC 3550 §5.1).
 */
/** The figures of a sender whose clock keeps real time, on a clean network. */
const EXACT = { maxSkewMs: 0, clockDriftMs: 0, freqDriftHz: 8000, freqDriftPercent: 0 };

interface SenderOptions {
  firstTimestamp?: number;
  skip?: (i: number) => boolean;
  marker?: (i: number) => boolean;
}

function senderStream(
  senderHz: number,
  count: number,
  { firstTimestamp = 0, skip = () => false, marker = () => false }: SenderOptions = {},
): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (let i = 0; i < count; i++)
    if (!skip(i))
      out.push(
        streamPacket(i, {
          sequence: 1000 + out.length,
          ts: 5 + (160 * i) / senderHz,
          timestamp: (firstTimestamp + 160 * i) % 2 ** 32,
          marker: marker(i),
        }),
      );
  return out;
}

/** The ratio r worked out from the first and last packets: RTP seconds over arrival seconds (no wrap in between). */
function endpointRatio(packets: readonly RtpPacket[], rate: number, ticks: number): number {
  const a = packets[0];
  const b = packets[packets.length - 1];
  return ticks / rate / (b.ts - a.ts);
}

describe('clock drift and freq drift, as Wireshark RTP Stream Analysis computes them', () => {
  it('a sender at exactly 8000 Hz: no drift, freq drift 8000 Hz, max skew 0 (RFC 3550 §5.1 timestamps keep real time)', () => {
    const a = analyseStream(senderStream(8000, 500), CODECS);
    expect(a.summary).toMatchObject(EXACT);
  });

  it('network jitter scatters the skew but does not drift: Wireshark max skew is the largest one with its sign', () => {
    // Arrivals 0, +2, −1, +3, −4 ms off their time in turn: a pattern with no trend.
    const off = [0, 0.002, -0.001, 0.003, -0.004];
    const packets = senderStream(8000, 500).map((p, i) => ({ ...p, ts: p.ts + off[i % 5] }));
    const a = analyseStream(packets, CODECS);
    // Skew = RTP time − arrival: the packet 4 ms early has +4, the one 3 ms late −3.
    expect(a.summary.maxSkewMs).toBe(4);
    expect(Math.max(...a.packets.map((p) => Math.abs(p.skewMs ?? 0)))).toBe(4);
    // A finite run of the pattern leans the line a little: under 10 ppm here (0.08 Hz, 0.1 ms over 10 s).
    expect(Math.abs(a.summary.clockDriftMs ?? 99)).toBeLessThan(0.1);
    expect(Math.abs((a.summary.freqDriftHz ?? 0) - 8000)).toBeLessThan(0.08);
  });

  it('a sender clock 0.1 % fast (8008 samples a second of arrival): freq drift 8008 Hz, clock drift +1 ms a second', () => {
    const packets = senderStream(8008, 2503); // 2502 steps of 160/8008 s: 49.99 s
    const duration = packets[packets.length - 1].ts - packets[0].ts;
    const r = endpointRatio(packets, 8000, 160 * 2502);
    expect(r).toBeCloseTo(1.001, 12);
    const a = analyseStream(packets, CODECS);
    // To 0.001 of their unit: what the summary rounds to.
    expect(a.summary.freqDriftHz).toBeCloseTo(8000 * r, 3);
    expect(a.summary.freqDriftPercent).toBeCloseTo(0.1, 4);
    expect(a.summary.clockDriftMs).toBeCloseTo(duration * (r - 1) * 1000, 3);
    expect(a.summary.clockDriftMs).toBeCloseTo(49.99, 2);
    // The last packet's timestamp is 49.99 ms ahead of its arrival: positive skew, as Wireshark signs it.
    expect(a.summary.maxSkewMs).toBe(a.packets[a.packets.length - 1].skewMs);
    expect(a.summary.maxSkewMs).toBeCloseTo(49.99, 2);
  });

  it('a sender clock 0.1 % slow (7992 Hz): negative drift, max skew negative', () => {
    const packets = senderStream(7992, 2500);
    const duration = packets[packets.length - 1].ts - packets[0].ts;
    const r = endpointRatio(packets, 8000, 160 * 2499);
    const a = analyseStream(packets, CODECS);
    expect(a.summary.freqDriftHz).toBeCloseTo(7992, 3);
    expect(a.summary.freqDriftPercent).toBeCloseTo(-0.1, 4);
    expect(a.summary.clockDriftMs).toBeCloseTo(duration * (r - 1) * 1000, 3);
    expect(a.summary.clockDriftMs).toBeLessThan(-50);
    expect(a.summary.maxSkewMs).toBe(a.packets[a.packets.length - 1].skewMs);
  });

  it('RFC 3550 §5.1: the same figures when the 32-bit timestamp wraps inside the stream', () => {
    const plain = analyseStream(senderStream(8008, 1000), CODECS).summary;
    const packets = senderStream(8008, 1000, { firstTimestamp: 2 ** 32 - 160 * 300 });
    expect(packets[299].timestamp).toBe(2 ** 32 - 160);
    expect(packets[300].timestamp).toBe(0);
    const wrapped = analyseStream(packets, CODECS);
    expect(wrapped.summary).toMatchObject({
      maxSkewMs: plain.maxSkewMs,
      clockDriftMs: plain.clockDriftMs,
      freqDriftHz: plain.freqDriftHz,
      freqDriftPercent: plain.freqDriftPercent,
    });
    // And the packet skew runs on across the wrap.
    expect(wrapped.packets[300].skewMs).toBeCloseTo(wrapped.packets[299].skewMs as number, 1);
  });

  it('RFC 3550 §5.1: a 90 kHz stream whose timestamps go round 2^32 twice keeps its skew (each step a signed 32-bit difference)', () => {
    // One packet every 100 s, 9,000,000 ticks apart, from a sender 0.1 % fast: 1000 packets, 9e9 ticks.
    const packets = Array.from({ length: 1000 }, (_, i) =>
      streamPacket(i, {
        ts: 5 + (9_000_000 * i) / 90_090,
        timestamp: (9_000_000 * i) % 2 ** 32,
        payloadType: 96,
      }),
    );
    const a = analyseStream(packets, CODECS);
    expect(a.clockRate).toBe(90000);
    expect(a.summary.freqDriftHz).toBeCloseTo(90_090, 3);
    // Skew grows by 0.1 % of arrival time to the end: 999 · 9e6 / 90090 s · 0.001 ≈ 99.8 s.
    const last = a.packets[999].skewMs as number;
    expect(last).toBeCloseTo(((999 * 9_000_000) / 90_090) * 0.001 * 1000, 0);
    expect(a.summary.maxSkewMs).toBe(last);
  });

  it('a new talkspurt after 2 s of silence (marker bit, RFC 3551 §4.1): the timestamps kept counting, so no drift from the gap', () => {
    const gap = { skip: (i: number) => i >= 100 && i < 200, marker: (i: number) => i === 200 };
    const exact = analyseStream(senderStream(8000, 400, gap), CODECS);
    expect(exact.packets[100].status).toBe('marker');
    expect(exact.summary).toMatchObject(EXACT);
    const fast = analyseStream(senderStream(8008, 400, gap), CODECS);
    expect(fast.summary.freqDriftHz).toBeCloseTo(8008, 3);
    expect(fast.summary.freqDriftPercent).toBeCloseTo(0.1, 4);
  });

  it('a DTMF event (RFC 4733: its packets carry the start timestamp) stays off max skew and the line, as Wireshark means', () => {
    // Packets 100–109 an event stamped as packet 100; the voice resumes on time.
    const packets = senderStream(8000, 300).map((p, i) =>
      i >= 100 && i < 110 ? { ...p, payloadType: 101, timestamp: 160 * 100, marker: i === 100 } : p,
    );
    const a = analyseStream(packets, CODECS);
    // The packet table still shows each event packet's skew against the start timestamp.
    expect(a.packets[109].skewMs).toBe(-180);
    expect(a.packets[110].skewMs).toBe(0);
    expect(a.summary).toMatchObject(EXACT);
  });

  it('packets of a payload type without a known clock rate stay off the line, as Wireshark leaves them (clock rate 0)', () => {
    // Packets 100–104 of PT 100 (no codec: Cisco NSE, say) stamped far off; the PCMU around them on time.
    const packets = senderStream(8000, 300).map((p, i) =>
      i >= 100 && i < 105 ? { ...p, payloadType: 100, timestamp: p.timestamp + 800_000 } : p,
    );
    const a = analyseStream(packets, CODECS);
    expect(a.packets[100].skewMs).toBe(100_000);
    expect(a.summary).toMatchObject(EXACT);
  });

  it('one packet: max skew 0, no line to give a drift (Wireshark shows 0)', () => {
    const a = analyseStream([streamPacket(0)], CODECS);
    expect(a.summary).toMatchObject({
      maxSkewMs: 0,
      clockDriftMs: null,
      freqDriftHz: null,
      freqDriftPercent: null,
    });
  });

  it('no figure without a known clock rate, nor without packets', () => {
    const a = analyseStream(
      [streamPacket(0, { payloadType: 98 }), streamPacket(1, { payloadType: 98 })],
      CODECS,
    );
    expect(a.clockRate).toBeNull();
    expect(a.summary).toMatchObject({
      maxSkewMs: null,
      clockDriftMs: null,
      freqDriftHz: null,
      freqDriftPercent: null,
    });
    expect(new ClockDrift(8000).figures().maxSkewMs).toBeNull();
  });

  it('packets all at one instant give no line (a zero arrival span), not a division by zero', () => {
    const d = new ClockDrift(8000);
    d.add(1, 0);
    d.add(1, 160);
    expect(d.figures()).toEqual({
      maxSkewMs: 20,
      clockDriftMs: null,
      freqDriftHz: null,
      freqDriftPercent: null,
    });
  });
});
