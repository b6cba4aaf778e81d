/**
 * The activity spans of each payload type (RtpStreamStats
 * `payloadTypeSpans`): runs of its packets with no pause over SPAN_GAP (2 s),
 * what media.format-not-negotiated judges against the times the RFC 3264
 * offer/answer exchanges (§8: a re-INVITE modifying the session) allowed each
 * type.
 */
import { describe, expect, it } from 'vitest';
import type { RtpHeader } from '../../src/media/rtp-header.js';
import { RtpStreamStats } from '../../src/media/rtp-stats.js';

let seq = 0;

/** The fixed part of every header here: version 2, SSRC 1, 160 bytes of payload. */
const HEADER = {
  version: 2,
  padding: false,
  extension: false,
  csrcCount: 0,
  marker: false,
  ssrc: 1,
} as const;

function rtp(payloadType: number): RtpHeader {
  seq++;
  return {
    ...HEADER,
    payloadType,
    sequence: seq & 0xffff,
    timestamp: (seq * 160) >>> 0,
    headerLength: 12,
    payloadLength: 160,
  };
}

/** Packets of `pt` every 20 ms from `from` up to `to` (s), into `s`. */
function send(s: RtpStreamStats, pt: number, from: number, to: number): void {
  for (let i = 0; from + 0.02 * i <= to + 1e-9; i++) s.add(rtp(pt), from + 0.02 * i, pt === 13, pt === 101);
}

describe('payload type activity spans (RFC 3264 §8 re-negotiation is judged on them)', () => {
  it('a DTMF digit and comfort-noise pauses inside the audio leave each type one span', () => {
    const s = new RtpStreamStats(8000);
    send(s, 0, 100, 105);
    send(s, 101, 105.02, 105.3); // a digit: the audio pauses 0.3 s
    send(s, 0, 105.32, 110);
    for (let t = 110.5; t < 111.9; t += 0.5) s.add(rtp(13), t, true); // silence: CN every 0.5 s, audio 1.9 s quiet
    send(s, 0, 111.9, 115);
    for (let t = 115.5; t < 116.9; t += 0.5) s.add(rtp(13), t, true);
    send(s, 0, 116.9, 120);
    const sum = s.summary();
    expect(sum.payloadTypes).toEqual([0, 101, 13]);
    expect(sum.payloadTypeSpans[0]).toEqual([[100, 120]]);
    expect(sum.payloadTypeSpans[1]).toEqual([[105.02, 105.3]]);
    // CN's own pause, 4 s of talk between its two silences, splits it.
    expect(sum.payloadTypeSpans[2]).toEqual([
      [110.5, 111.5],
      [115.5, 116.5],
    ]);
  });

  it('audio paused 15 s (a T.38 fax) and resumed: two spans, the pause between them', () => {
    const s = new RtpStreamStats(8000);
    send(s, 0, 100, 110);
    send(s, 0, 125, 130);
    const sum = s.summary();
    expect(sum.payloadTypeSpans).toEqual([
      [
        [100, 110],
        [125, 130],
      ],
    ]);
    expect(sum.payloadTypeStart).toEqual([100]);
    expect(sum.payloadTypeEnd).toEqual([130]);
  });

  it('a pause of exactly 2 s does not split; one just over it does', () => {
    const s = new RtpStreamStats(8000);
    s.add(rtp(0), 100);
    s.add(rtp(0), 102);
    s.add(rtp(0), 104.01);
    expect(s.summary().payloadTypeSpans).toEqual([
      [
        [100, 102],
        [104.01, 104.01],
      ],
    ]);
  });

  it('past 16 spans the two closest become one: the 15 longest pauses are kept', () => {
    const s = new RtpStreamStats(8000);
    // 21 bursts of 1 s; the pauses between them 3 s, 3.1 s, ... in a shuffled order.
    const pauses = [
      3.5, 4.1, 3, 4.8, 3.3, 4.4, 3.9, 3.1, 4.6, 3.7, 4, 3.2, 4.9, 3.6, 4.2, 3.4, 4.7, 3.8, 4.3, 4.5,
    ];
    let t = 100;
    const bursts: Array<[number, number]> = [];
    for (let k = 0; k <= pauses.length; k++) {
      s.add(rtp(0), t);
      s.add(rtp(0), t + 1);
      bursts.push([t, t + 1]);
      t += 1 + (pauses[k] ?? 0);
    }
    const spans = s.summary().payloadTypeSpans[0];
    expect(spans).toHaveLength(16);
    expect(spans[0][0]).toBe(100);
    expect(spans[15][1]).toBe(bursts[20][1]);
    const kept = spans.slice(1).map((x, i) => Math.round((x[0] - spans[i][1]) * 10) / 10);
    const longest = [...pauses].sort((a, b) => b - a).slice(0, 15);
    expect([...kept].sort((a, b) => b - a)).toEqual(longest);
    expect(s.summary().payloadTypePackets).toEqual([42]);
  });

  it('past 16 spans with pauses getting shorter: the last span goes on over the new pause', () => {
    const s = new RtpStreamStats(8000);
    let t = 100;
    for (let k = 0; k < 20; k++) {
      s.add(rtp(0), t);
      t += 30 - k;
    }
    const spans = s.summary().payloadTypeSpans[0];
    expect(spans).toHaveLength(16);
    // The first 15 pauses (30 s down to 16 s) are the longest: the rest are inside the last span.
    expect(spans.slice(0, 15).every(([a, b]) => a === b)).toBe(true);
    expect(spans[15]).toEqual([spans[14][0] + 16, t - 11]);
  });
});
