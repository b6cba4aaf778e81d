/**
 * RTP stream statistics: sequence accounting of RFC 3550 A.1 and the
 * interarrival jitter of §6.4.1 / A.8, on streams made up packet by packet.
 */
import { describe, expect, it } from 'vitest';
import type { RtpHeader } from '../../src/media/rtp-header.js';
import { formatSsrc, RtpStreamStats } from '../../src/media/rtp-stats.js';

const SSRC = 0x06c156fd;

/** A G.711 packet header: 160 payload bytes (20 ms at 8000 Hz). */
function rtp(sequence: number, timestamp: number, extra: Partial<RtpHeader> = {}): RtpHeader {
  return {
    version: 2,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequence,
    timestamp,
    ssrc: SSRC,
    headerLength: 12,
    payloadLength: 160,
    ...extra,
  };
}

/** Stats of packets given as [sequence, RTP timestamp, arrival in seconds]. */
function stream(packets: [number, number, number][], clockRate: number | null = 8000): RtpStreamStats {
  const s = new RtpStreamStats(clockRate);
  for (const [seq, ts, at] of packets) s.add(rtp(seq, ts), at);
  return s;
}

/** n packets of an in-order 20 ms G.711 stream from sequence `seq0`, arriving exactly every 20 ms. */
function g711(n: number, seq0 = 1000, ts0 = 8000): [number, number, number][] {
  return Array.from({ length: n }, (_, i) => [(seq0 + i) % 65536, (ts0 + 160 * i) % 2 ** 32, 100 + 0.02 * i]);
}

describe('in-order 20 ms G.711 stream at exact 20 ms arrivals', () => {
  const s = stream(g711(50)).summary();

  it('has no loss, no sequence error, no jitter', () => {
    expect(s).toMatchObject({ packets: 50, expected: 50, lost: 0, lostPercent: 0, sequenceErrors: 0 });
    expect(s).toMatchObject({ meanJitterMs: 0, maxJitterMs: 0 });
  });

  it('has 20 ms between packets', () => {
    expect(s).toMatchObject({ minDeltaMs: 20, meanDeltaMs: 20, maxDeltaMs: 20, durationMs: 980 });
  });

  it('sums payload bytes and keeps the capture times', () => {
    expect(s).toMatchObject({ bytes: 50 * 160, start: 100, payloadTypes: [0], markers: 0 });
    expect(s.end).toBeCloseTo(100.98, 9);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('sequence accounting (RFC 3550 A.1)', () => {
  it('one packet dropped: lost 1, one sequence error', () => {
    const s = stream(g711(10).filter((_, i) => i !== 4)).summary();
    expect(s).toMatchObject({ packets: 9, expected: 10, lost: 1, lostPercent: 10, sequenceErrors: 1 });
  });

  it('16-bit wrap 65534, 65535, 0, 1: expected 4, lost 0', () => {
    const s = stream(g711(4, 65534)).summary();
    expect(s).toMatchObject({ expected: 4, lost: 0, sequenceErrors: 0 });
  });

  it('a loss across the wrap counts once', () => {
    const s = stream(g711(5, 65534).filter((_, i) => i !== 2)).summary();
    expect(s).toMatchObject({ expected: 5, lost: 1, sequenceErrors: 1 });
  });

  it('a duplicate: lost -1 (more received than expected), one sequence error', () => {
    const p = g711(5);
    const s = stream([...p.slice(0, 3), p[2], ...p.slice(3)]).summary();
    expect(s).toMatchObject({ packets: 6, expected: 5, lost: -1, lostPercent: -20, sequenceErrors: 1 });
  });

  it('two packets swapped: nothing lost, two sequence errors (the early one and the late one)', () => {
    const p = g711(5);
    const s = stream([p[0], p[2], p[1], p[3], p[4]]).summary();
    expect(s).toMatchObject({ expected: 5, lost: 0, sequenceErrors: 2 });
  });

  it('a late packet first does not move the base: expected stays from the first packet', () => {
    const p = g711(5);
    const s = stream([p[1], p[0], p[2], p[3], p[4]]).summary();
    expect(s).toMatchObject({ packets: 5, expected: 4, lost: -1, sequenceErrors: 1 });
  });

  it('a jump of MAX_DROPOUT (3000) or more followed by its successor restarts the numbering', () => {
    const s = stream([...g711(3, 100), ...g711(3, 40000, 99999)]).summary();
    expect(s).toMatchObject({ packets: 6, expected: 6, lost: 0, sequenceErrors: 1 });
  });

  it('a lone packet far off is a sequence error that moves nothing', () => {
    const p = g711(5, 100);
    const s = stream([p[0], p[1], [30000, 0, 100.03], p[2], p[3], p[4]]).summary();
    expect(s).toMatchObject({ packets: 6, expected: 5, lost: -1, sequenceErrors: 1 });
  });

  it('a gap below MAX_DROPOUT is loss', () => {
    const s = stream([...g711(2, 100), ...g711(2, 2100)]).summary();
    expect(s).toMatchObject({ expected: 2002, lost: 1998, lostPercent: 99.8, sequenceErrors: 1 });
  });
});

describe('interarrival jitter (RFC 3550 §6.4.1, A.8)', () => {
  it('alternate 15 and 25 ms arrivals of 20 ms packets: |D| is 5 ms each time', () => {
    // Arrivals 0, 15, 40, 55, 80, ... ms; RTP timestamps 160 apart = 20 ms.
    const n = 10;
    const p: [number, number, number][] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      p.push([i, 160 * i, at]);
      at += i % 2 === 0 ? 0.015 : 0.025;
    }
    const s = stream(p);
    // J(k) = J(k-1) + (|D| - J(k-1)) / 16 with J(0) = 0 and |D| = 5 ms
    // gives J(k) = 5 (1 - (15/16)^k), for k = 1 .. n-1.
    const j = (k: number) => 5 * (1 - (15 / 16) ** k);
    let sum = 0;
    for (let k = 1; k < n; k++) sum += j(k);
    expect(s.jitterMs).toBeCloseTo(j(n - 1), 9);
    const summary = s.summary();
    expect(summary.maxJitterMs).toBeCloseTo(j(n - 1), 3);
    expect(summary.meanJitterMs).toBeCloseTo(sum / (n - 1), 3);
    expect(summary.maxJitterMs).toBeGreaterThan(0);
    expect(summary).toMatchObject({ minDeltaMs: 15, maxDeltaMs: 25, lost: 0 });
    expect(summary.meanDeltaMs).toBeCloseTo((5 * 15 + 4 * 25) / 9, 3);
  });

  it('a constant network delay is no jitter; a delay step is', () => {
    const s = stream(g711(3).map(([q, t, a], i) => [q, t, a + (i === 2 ? 0.01 : 0)]));
    // D(1,2) = 30 ms - 20 ms = 10 ms: J = 10/16 ms.
    expect(s.jitterMs).toBeCloseTo(10 / 16, 9);
  });

  it('RTP timestamps wrapping at 2^32 keep the jitter at 0', () => {
    const s = stream(g711(4, 7, 2 ** 32 - 320));
    expect(s.summary()).toMatchObject({ meanJitterMs: 0, maxJitterMs: 0 });
  });

  it('unknown clock rate: no jitter, the rest as usual', () => {
    const s = stream(g711(5), null);
    expect(s.jitterMs).toBeNull();
    expect(s.summary()).toMatchObject({ meanJitterMs: null, maxJitterMs: null, meanDeltaMs: 20, lost: 0 });
  });

  it('a clock rate learnt later counts jitter from the next packet', () => {
    const p = g711(4);
    const s = stream(p.slice(0, 2), null);
    s.setClockRate(8000);
    for (const [seq, ts, at] of p.slice(2)) s.add(rtp(seq, ts), at + 0.005);
    // D(1,2) = 25 - 20 = 5 ms, then D(2,3) = 0.
    expect(s.jitterMs).toBeCloseTo(5 / 16 - 5 / 256, 9);
  });
});

describe("the network's jitter (media.jitter's): A.8's estimate over voice packets only", () => {
  it('equals J on a plain voice stream', () => {
    const p = g711(10).map(([q, t, a], i): [number, number, number] => [q, t, a + (i % 2) * 0.005]);
    const x = stream(p).summary();
    expect(x.maxNetworkJitterMs).toBe(x.maxJitterMs);
    expect(x.meanNetworkJitterMs).toBe(x.meanJitterMs);
  });

  it('RFC 4733 §2.5.1.2: a DTMF event keeps its start timestamp over its packets; J climbs, the network share does not', () => {
    const s = new RtpStreamStats(8000);
    const voice = (i: number) => s.add(rtp(i, 160 * i), 0.02 * i);
    for (let i = 0; i < 20; i++) voice(i);
    // Ten event packets (payload type 101) 20 ms apart, all stamped with the event's start (packet 20's instant).
    for (let i = 20; i < 30; i++) s.add(rtp(i, 160 * 20, { payloadType: 101 }), 0.02 * i, false, true);
    for (let i = 30; i < 50; i++) voice(i);
    const x = s.summary();
    expect(x.maxJitterMs).toBeGreaterThan(15);
    expect(x.maxNetworkJitterMs).toBe(0);
    expect(x.meanNetworkJitterMs).toBe(0);
  });

  it('a jump of the RTP timestamps by 5 s (a sender that restarted its clock) lifts J by 5 s/16, not the network share', () => {
    const p = g711(40).map(([q, t, a], i): [number, number, number] => [q, i >= 20 ? t + 40_000 : t, a]);
    const x = stream(p).summary();
    expect(x.maxJitterMs).toBeCloseTo(5000 / 16, 3);
    expect(x.maxNetworkJitterMs).toBe(0);
  });

  it('a forward jump of the timestamps of any size past 0.2 s moves nothing (0.9 s would have given 56 ms)', () => {
    for (const jump of [0.25, 0.9, 1.5]) {
      const p = g711(60).map(([q, t, a], i): [number, number, number] => [
        q,
        i >= 30 ? t + jump * 8000 : t,
        a,
      ]);
      expect(stream(p).summary().maxNetworkJitterMs).toBe(0);
    }
  });

  it('a stall of the network (packets held 1.5 s, then let go in a burst) counts in full, as in J', () => {
    // Packets 30..104 are held until packet 105's time and arrive 0.1 ms apart.
    const p = g711(150).map(([q, t, a], i): [number, number, number] => [
      q,
      t,
      i >= 30 && i < 105 ? 100 + 0.02 * 105 + (i - 30) * 0.0001 : a,
    ]);
    const x = stream(p).summary();
    expect(x.maxNetworkJitterMs).toBeGreaterThan(50);
    expect(x.maxNetworkJitterMs).toBeCloseTo(x.maxJitterMs!, 0);
  });

  it('a pause the timestamps did not count (packets resume at their pace 3 s later) is no delay', () => {
    const p = g711(60).map(([q, t, a], i): [number, number, number] => [q, t, i >= 30 ? a + 3 : a]);
    const x = stream(p).summary();
    expect(x.maxJitterMs).toBeGreaterThan(150);
    expect(x.maxNetworkJitterMs).toBe(0);
  });

  it('comfort noise and the packet after it are left out, as they are from J', () => {
    const s = new RtpStreamStats(8000);
    for (let i = 0; i < 10; i++) s.add(rtp(i, 160 * i), 0.02 * i);
    // CN at packet 10, then voice resumes 500 ms later with timestamps that counted the pause.
    s.add(rtp(10, 1600, { payloadType: 13 }), 0.2, true);
    for (let i = 11; i < 20; i++) s.add(rtp(i, 160 * i + 4000), 0.02 * i + 0.5);
    expect(s.summary().maxNetworkJitterMs).toBe(0);
  });

  it('delay that varies packet to packet by 60 ms counts in both', () => {
    const p = g711(30).map(([q, t, a], i): [number, number, number] => [q, t, a + (i % 2) * 0.06]);
    const x = stream(p).summary();
    expect(x.maxNetworkJitterMs).toBeGreaterThan(40);
    expect(x.maxNetworkJitterMs).toBe(x.maxJitterMs);
  });
});

describe('summary', () => {
  it('formats the SSRC as 0x and 8 upper-case hex digits', () => {
    expect(formatSsrc(0x06c156fd)).toBe('0x06C156FD');
    expect(formatSsrc(0)).toBe('0x00000000');
    expect(formatSsrc(0xffffffff)).toBe('0xFFFFFFFF');
    expect(stream(g711(1)).summary().ssrc).toBe('0x06C156FD');
  });

  it('one packet: no deltas and no jitter yet', () => {
    expect(stream(g711(1)).summary()).toMatchObject({
      packets: 1,
      expected: 1,
      lost: 0,
      durationMs: 0,
      minDeltaMs: null,
      meanDeltaMs: null,
      maxDeltaMs: null,
      meanJitterMs: null,
      maxJitterMs: null,
    });
  });

  it('no packet: zeros and nulls', () => {
    expect(new RtpStreamStats(8000).summary()).toMatchObject({
      ssrc: '0x00000000',
      packets: 0,
      expected: 0,
      lost: 0,
      lostPercent: 0,
      start: 0,
      end: 0,
      durationMs: 0,
      minDeltaMs: null,
      meanJitterMs: null,
    });
  });

  it('keeps the first 8 distinct payload types in order of appearance, their packets, and counts markers', () => {
    const s = new RtpStreamStats(8000);
    const pts = [0, 101, 0, 13, 101, 96, 97, 98, 99, 100, 102, 8];
    for (const [i, pt] of pts.entries())
      s.add(rtp(i, 160 * i, { payloadType: pt, marker: pt === 101 }), i * 0.02);
    expect(s.summary()).toMatchObject({
      payloadTypes: [0, 101, 13, 96, 97, 98, 99, 100],
      payloadTypePackets: [2, 2, 1, 1, 1, 1, 1, 1],
      markers: 2,
    });
  });

  it('rounds ms to 3 decimals and the loss to 0.1 %', () => {
    const s = stream([
      [1, 0, 0],
      [3, 320, 0.0201234],
    ]).summary();
    expect(s).toMatchObject({ maxDeltaMs: 20.123, lostPercent: 33.3 });
  });
});
