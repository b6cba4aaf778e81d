/**
 * One RTP stream packet by packet (src/media/stream-analysis.ts), as
 * Wireshark's RTP Stream Analysis lists it: arrival delta, the running
 * interarrival jitter (RFC 3550 A.8), skew from the RTP timestamps, and a
 * status for a packet out of sequence (A.1), a payload type change or a
 * talkspurt's marker (RFC 3551 §4.1).
 */
import { describe, expect, it } from 'vitest';
import { analyseStream } from '../../src/media/stream-analysis.js';
import { streamPacket } from '../fixtures/rtp-frames.js';

const PCMU = new Map([
  [0, 'PCMU/8000'],
  [13, 'CN/8000'],
  [101, 'telephone-event/8000'],
]);

/** Packet `i` of a 20 ms stream (streamPacket). */
const pkt = streamPacket;

describe('analyseStream', () => {
  it('gives a clean stream 20 ms deltas, no jitter, no skew, every packet ok', () => {
    const a = analyseStream(
      [0, 1, 2, 3].map((i) => pkt(i)),
      PCMU,
    );
    expect(a.clockRate).toBe(8000);
    expect(a.packets.map((p) => [p.frame, p.deltaMs, p.jitterMs, p.skewMs, p.status])).toEqual([
      [10, 0, 0, 0, 'ok'],
      [11, 20, 0, 0, 'ok'],
      [12, 20, 0, 0, 'ok'],
      [13, 20, 0, 0, 'ok'],
    ]);
  });

  it('says how many sequence numbers a gap skipped, and counts them lost as the summary does', () => {
    const a = analyseStream([pkt(0), pkt(1), pkt(4), pkt(5)], PCMU);
    expect(a.packets.map((p) => [p.status, p.lostBefore])).toEqual([
      ['ok', 0],
      ['ok', 0],
      ['sequence', 2],
      ['ok', 0],
    ]);
    expect([a.summary.lost, a.summary.sequenceErrors]).toEqual([2, 1]);
  });

  it('flags a late packet and a duplicate as out of sequence, with nothing lost before them', () => {
    const a = analyseStream([pkt(0), pkt(2), pkt(1, { ts: 5.045 }), pkt(2, { ts: 5.05 }), pkt(3)], PCMU);
    expect(a.packets.map((p) => [p.sequence, p.status, p.lostBefore])).toEqual([
      [1000, 'ok', 0],
      [1002, 'sequence', 1],
      [1001, 'sequence', 0],
      [1002, 'sequence', 0],
      [1003, 'ok', 0],
    ]);
  });

  it('measures skew against the RTP timestamps (negative: late) and the jitter it makes (A.8: J += (|D| − J)/16)', () => {
    const a = analyseStream([pkt(0), pkt(1), pkt(2, { ts: 5.04 + 0.016 }), pkt(3)], PCMU);
    const late = a.packets[2];
    expect([late.deltaMs, late.skewMs]).toEqual([36, -16]);
    expect(late.jitterMs).toBe(1);
    // The next one on time: D = −16 ms; J = 1 + (16 − 1)/16.
    expect(a.packets[3].jitterMs).toBe(1.938);
    expect(a.summary.maxJitterMs).toBe(1.938);
  });

  it('marks a payload type change and the marker of a talkspurt', () => {
    const a = analyseStream(
      [pkt(0), pkt(1, { payloadType: 101 }), pkt(2, { payloadType: 101 }), pkt(3, { marker: true })],
      PCMU,
    );
    expect(a.packets.map((p) => p.status)).toEqual(['ok', 'payload-type', 'ok', 'payload-type']);
    expect(analyseStream([pkt(0), pkt(1, { marker: true })], PCMU).packets[1].status).toBe('marker');
  });

  it('has no jitter nor skew without a clock rate', () => {
    const a = analyseStream([pkt(0, { payloadType: 96 }), pkt(1, { payloadType: 96 })], new Map());
    expect(a.clockRate).toBeNull();
    expect(a.packets.map((p) => [p.jitterMs, p.skewMs])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(a.summary.maxJitterMs).toBeNull();
  });
});
