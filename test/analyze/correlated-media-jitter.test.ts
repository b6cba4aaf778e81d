/**
 * media.jitter (RFC 3550 §6.4.1, A.8): an RTP stream whose interarrival
 * jitter J (J += (|D| − J)/16) reached 50 ms, or averaged 30 ms or more.
 * Each case is a capture made from a named flow and RTP frames (some packets
 * delayed on the wire, their RTP timestamps unchanged), analysed end to end.
 *
 *   alice 10.0.0.1 (RTP on 49170)            bob 10.0.0.2 (RTP on 3456)
 *     |--INVITE (SDP: 10.0.0.1 49170)-------->|
 *     |<--------200 OK (SDP: 10.0.0.2 3456)---|
 *     |--ACK---------------------------------->|
 *     |==RTP every 20 ms, every other late===>|   D = ±late: J tends to `late`
 *     |<=RTP every 20 ms, on time==============|
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
const dir = mkdtempSync(join(tmpdir(), 'sipscope-jitter-'));
let n = 0;

async function analysed(...rtp: TimedFrame[][]) {
  const file = join(dir, `case-${n++}.pcap`);
  writeFileSync(file, writePcap(byTime(flowToFrames(basicCall()), ...rtp), { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  expect(r.streams.length).toBeGreaterThan(0);
  return { streams: r.streams, findings: r.findings.filter((f) => f.rule === 'media.jitter') };
}

/** Every other packet from `from` on, `count` of them, `ms` late. */
const alternate = (from: number, count: number, ms: number) =>
  new Map(Array.from({ length: count }, (_, i) => [from + 2 * i, ms] as [number, number]));

const aToB = { src: A, dst: B, ssrc: 0xa, payloadType: 0, start: T0 + 2.02, end: T0 + 12 };
const bToA = { src: B, dst: A, ssrc: 0xb, payloadType: 8, start: T0 + 2.03, end: T0 + 12 };

describe('media.jitter: RFC 3550 A.8 interarrival jitter J reaching 50 ms or averaging 30 ms', () => {
  it('a burst of packets alternately 60 ms late: J climbs past 50 ms, one warning on that stream only', async () => {
    const { streams, findings } = await analysed(
      rtpFrames({ ...aToB, lateMs: alternate(100, 40, 60) }),
      rtpFrames(bToA),
    );
    const s = streams.find((x) => x.ssrc === '0x0000000A')!;
    expect(s.maxNetworkJitterMs).toBeGreaterThanOrEqual(50);
    expect(s.meanNetworkJitterMs).toBeLessThan(30);
    expect(findings.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    // Arrival order reshuffles (a packet 60 ms late lands after the two sent behind it), so no gap exceeds 40 ms.
    expect(findings[0].text).toBe(
      'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) arrived with interarrival jitter up to 59.6 ms (mean 9.6 ms) over 499 packets; the longest gap between two packets was 40.0 ms',
    );
  });

  it('steady jitter through the whole stream (every other packet 35 ms late): the mean reaches 30 ms although J stays under 50', async () => {
    const { streams, findings } = await analysed(
      rtpFrames(aToB),
      rtpFrames({ ...bToA, lateMs: alternate(1, 249, 35) }),
    );
    const s = streams.find((x) => x.ssrc === '0x0000000B')!;
    expect(s.maxNetworkJitterMs).toBeLessThan(50);
    expect(s.meanNetworkJitterMs).toBeGreaterThanOrEqual(30);
    expect(findings).toHaveLength(1);
    // Its destination, alice's address, came in the INVITE's offer.
    expect(findings[0].messages).toEqual([0]);
  });

  it('must not: a packet on time every 20 ms (J = 0)', async () => {
    expect((await analysed(rtpFrames(aToB), rtpFrames(bToA))).findings).toEqual([]);
  });

  it('must not: a few packets late by 35 ms here and there (J rises ~4 ms and decays)', async () => {
    const late = new Map(Array.from({ length: 30 }, (_, i) => [10 + i * 10, 35] as [number, number]));
    const { streams, findings } = await analysed(rtpFrames({ ...aToB, lateMs: late }), rtpFrames(bToA));
    expect(streams.find((x) => x.ssrc === '0x0000000A')!.maxNetworkJitterMs).toBeLessThan(10);
    expect(findings).toEqual([]);
  });

  it('must not: a short stream (under 50 packets expected), however jittery', async () => {
    const short = { ...aToB, end: aToB.start + 0.8 };
    expect((await analysed(rtpFrames({ ...short, lateMs: alternate(1, 19, 80) }))).findings).toEqual([]);
  });
});
