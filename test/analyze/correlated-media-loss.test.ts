/**
 * media.packet-loss (RFC 3550 §6.4.1, A.3): an RTP stream whose sequence
 * numbers say 1% or more of its packets never arrived. Each case is a capture
 * made from a named flow and RTP frames, analysed end to end.
 *
 *   alice 10.0.0.1 (RTP on 49170)            bob 10.0.0.2 (RTP on 3456)
 *     |--INVITE (SDP: 10.0.0.1 49170)-------->|
 *     |<--------200 OK (SDP: 10.0.0.2 3456)---|
 *     |--ACK---------------------------------->|
 *     |==RTP seq 1000, 1001, ·, ·, 1004 …====>|   gaps: lost = expected − received
 *     |<=RTP seq 1000, 1001, 1002 …============|
 *     |--BYE / 200---------------------------->|
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE, BOB, basicCall, T0 } from '../fixtures/flows/index.js';
import { byTime, rtpFrames } from '../fixtures/rtp-frames.js';

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const dir = mkdtempSync(join(tmpdir(), 'sipscope-loss-'));
let n = 0;

async function lossFindings(...rtp: TimedFrame[][]) {
  const file = join(dir, `case-${n++}.pcap`);
  writeFileSync(file, writePcap(byTime(flowToFrames(basicCall()), ...rtp), { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  expect(r.streams.length).toBeGreaterThan(0);
  return r.findings.filter((f) => f.rule === 'media.packet-loss');
}

/** Packet indexes `from`, `from + step`, … (`count` of them). */
const every = (from: number, step: number, count: number) =>
  new Set(Array.from({ length: count }, (_, i) => from + i * step));

const aToB = { src: A, dst: B, ssrc: 0xa, payloadType: 0, start: T0 + 2.02, end: T0 + 12 };
const bToA = { src: B, dst: A, ssrc: 0xb, payloadType: 8, start: T0 + 2.03, end: T0 + 12 };

describe('media.packet-loss: RFC 3550 §6.4.1 packets lost = expected − received', () => {
  it('10 of 499 packets lost (2%): one warning on the stream, pointing at the SDP that announced where it went (the 200)', async () => {
    const fs = await lossFindings(rtpFrames({ ...aToB, lost: every(100, 30, 10) }), rtpFrames(bToA));
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    expect(fs[0].text).toBe(
      'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) lost 10 of the 499 packets its sequence numbers say were sent (2%); the longest gap between two packets was 40.0 ms',
    );
  });

  it('a burst of 25 in a row is reported with the gap it left', async () => {
    const fs = await lossFindings(rtpFrames(aToB), rtpFrames({ ...bToA, lost: every(200, 1, 25) }));
    expect(fs).toHaveLength(1);
    // Its destination, alice's address, came in the INVITE's offer.
    expect(fs[0].messages).toEqual([0]);
    expect(fs[0].text).toContain('lost 25 of the 498 packets');
    expect(fs[0].text).toContain('the longest gap between two packets was 520.0 ms');
  });

  it('must not: 3 of 499 lost (0.6%), under 1%', async () => {
    expect(await lossFindings(rtpFrames({ ...aToB, lost: new Set([10, 20, 30]) }), rtpFrames(bToA))).toEqual(
      [],
    );
  });

  it('must not: a short stream (under 50 packets expected) with 2 of 40 lost', async () => {
    expect(await lossFindings(rtpFrames({ ...aToB, end: aToB.start + 0.8, lost: new Set([5, 6]) }))).toEqual(
      [],
    );
  });

  it('must not: duplicates (a mirror port copying packets) make the loss negative, not a loss', async () => {
    const frames = rtpFrames(aToB);
    expect(await lossFindings(frames, frames.slice(0, 20), rtpFrames(bToA))).toEqual([]);
  });

  it('must not: late packets (jitter) are received, not lost', async () => {
    const late = new Map(Array.from({ length: 30 }, (_, i) => [10 + i * 10, 35] as [number, number]));
    expect(await lossFindings(rtpFrames({ ...aToB, lateMs: late }), rtpFrames(bToA))).toEqual([]);
  });
});
