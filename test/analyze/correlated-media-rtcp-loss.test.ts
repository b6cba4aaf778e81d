/**
 * media.rtcp-loss (RFC 3550 §6.4.1): the receiver of an RTP stream reported
 * in its RTCP more packets lost than the capture point counted — they were
 * lost after it. Each case is a capture made from a named flow, RTP frames
 * and RTCP frames on the ports above the RTP ones, analysed end to end.
 *
 *   alice 10.0.0.1 (RTP 49170, RTCP 49171)    bob 10.0.0.2 (RTP 3456, RTCP 3457)
 *     |--INVITE (SDP: 10.0.0.1 49170)-------->|
 *     |<--------200 OK (SDP: 10.0.0.2 3456)---|
 *     |--ACK---------------------------------->|
 *     |==RTP SSRC 0xA, 20 ms=================>|
 *     |<=RTP SSRC 0xB, 20 ms==================|
 *     |--SR of 0xA (RTCP)--------------------->|   every 5 s
 *     |<-RR of bob about 0xA (RTCP)------------|   every 5 s, 100 ms later
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
import { ALICE, BOB, basicCall, sdp, T0 } from '../fixtures/flows/index.js';
import { compound, ntpMiddle, rtcpFrame, rtcpRr, rtcpSdes, rtcpSr } from '../fixtures/rtcp-build.js';
import { byTime, rtpFrames } from '../fixtures/rtp-frames.js';
import { edit, withBody } from './flow-edit.js';

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const A_RTCP = { ip: ALICE.ip, port: 49171 };
const B_RTCP = { ip: BOB.ip, port: 3457 };
const dir = mkdtempSync(join(tmpdir(), 'sipscope-rtcp-'));
let n = 0;

async function analysed(...frames: TimedFrame[][]) {
  const file = join(dir, `case-${n++}.pcap`);
  writeFileSync(
    file,
    writePcap(byTime(flowToFrames(basicCall()), ...frames), { linkType: LinkType.ETHERNET }),
  );
  const r = await analyzeCapture(file);
  return { streams: r.streams, findings: r.findings.filter((f) => f.rule === 'media.rtcp-loss') };
}

const aToB = { src: A, dst: B, ssrc: 0xa, payloadType: 0, start: T0 + 2.02, end: T0 + 12 };
const bToA = { src: B, dst: A, ssrc: 0xb, payloadType: 8, start: T0 + 2.03, end: T0 + 12 };

/** Alice's SR every 5 s, bob's RR about 0xA 100 ms after each, reporting `lost(i)` lost in all by then. */
function reports(lost: (i: number) => number): TimedFrame[] {
  const out: TimedFrame[] = [];
  for (let i = 0; i < 2; i++) {
    const at = T0 + 6 + 5 * i;
    const ntp = 3_900_000_000 + at - T0;
    out.push(
      rtcpFrame(A_RTCP, B_RTCP, at, compound(rtcpSr(0xa, ntp, 200 + 250 * i), rtcpSdes(0xa, 'alice'))),
    );
    const block = {
      ssrc: 0xa,
      fraction: i === 0 ? 0 : 20,
      cumulativeLost: lost(i),
      jitter: 40,
      lsr: ntpMiddle(ntp),
      dlsr: 3277,
    };
    out.push(rtcpFrame(B_RTCP, A_RTCP, at + 0.1, compound(rtcpRr(0xb, [block]), rtcpSdes(0xb, 'bob'))));
  }
  return out;
}

describe('media.rtcp-loss: the receiver reported losses the capture point did not see (RFC 3550 §6.4.1)', () => {
  it('bob reports 20 of alice s packets lost while every one passed the capture point: a warning on her stream', async () => {
    const { streams, findings } = await analysed(
      rtpFrames(aToB),
      rtpFrames(bToA),
      reports((i) => 8 + 12 * i),
    );
    const s = streams.find((x) => x.ssrc === '0x0000000A')!;
    expect(s.lost).toBe(0);
    expect(s.rtcp).toEqual({
      reports: 2,
      maxFractionLostPercent: 7.8,
      cumulativeLost: 20,
      // 8 counted by the first report the capture holds, 20 by the last: 12 lost while it ran.
      lostBetweenReports: 12,
      maxJitterMs: 5,
      // 100 ms between SR and RR at the capture point, less DLSR 3277/65536 s (50.003 ms).
      roundTrips: 2,
      meanRoundTripMs: 49.997,
      maxRoundTripMs: 49.997,
      senderPackets: 450,
    });
    expect(streams.find((x) => x.ssrc === '0x0000000B')!.rtcp).toBeUndefined();
    expect(findings.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    expect(findings[0].text).toBe(
      'the receiver of audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) reported in its RTCP 12 packets lost from its first report in the capture to its last (20 since it began receiving, up to 7.8% in one report interval, 2 reports), where the capture point saw no loss of 499 expected: lost after the capture point',
    );
  });

  it('must not: the receiver reports the same losses the capture point counted (lost before it)', async () => {
    const lost = new Set(Array.from({ length: 20 }, (_, i) => 100 + 3 * i));
    const { streams, findings } = await analysed(
      rtpFrames({ ...aToB, lost }),
      rtpFrames(bToA),
      reports((i) => 20 * i),
    );
    expect(streams.find((x) => x.ssrc === '0x0000000A')!.lost).toBe(20);
    expect(findings).toEqual([]);
  });

  it('must not: a few packets reported lost (fewer than 5)', async () => {
    expect(
      (
        await analysed(
          rtpFrames(aToB),
          rtpFrames(bToA),
          reports((i) => 3 * i),
        )
      ).findings,
    ).toEqual([]);
  });

  it('must not: losses counted before the capture began (the cumulative count runs from the start of reception, RFC 3550 §6.4.1)', async () => {
    // The first report the capture holds already says 40 lost, the next no more: none while it ran.
    const { streams, findings } = await analysed(
      rtpFrames(aToB),
      rtpFrames(bToA),
      reports(() => 40),
    );
    expect(streams.find((x) => x.ssrc === '0x0000000A')!.rtcp).toMatchObject({
      cumulativeLost: 40,
      lostBetweenReports: 0,
    });
    expect(findings).toEqual([]);
  });

  it('must not: no RTCP at all (no rtcp figures on the streams either)', async () => {
    const { streams, findings } = await analysed(rtpFrames(aToB), rtpFrames(bToA));
    expect(streams.map((s) => s.rtcp)).toEqual([undefined, undefined]);
    expect(findings).toEqual([]);
  });

  it('two calls between the same hosts whose streams share one SSRC: each stream gets its own receiver s reports, the warning goes on the call that lost', async () => {
    // A device that uses one SSRC for every call (as a replayed pcap does): call 0 on 49170/3456, call 1 20 s later on 49180/3466.
    const call = (
      n: number,
      t0: number,
      alicePort: number,
      bobPort: number,
      lost: number,
    ): TimedFrame[][] => {
      let sip = edit(basicCall({ n, callId: `same-ssrc-${n}@10.0.0.1`, t0 }), 0, (t) =>
        withBody(t, sdp(ALICE, alicePort)),
      );
      sip = edit(sip, 3, (t) => withBody(t, sdp(BOB, bobPort)));
      const a = { ip: ALICE.ip, port: alicePort };
      const b = { ip: BOB.ip, port: bobPort };
      const aRtcp = { ip: ALICE.ip, port: alicePort + 1 };
      const bRtcp = { ip: BOB.ip, port: bobPort + 1 };
      const rtcp: TimedFrame[] = [];
      for (let i = 0; i < 2; i++) {
        const at = t0 + 6 + 5 * i;
        const ntp = 3_900_000_000 + at - T0;
        rtcp.push(rtcpFrame(aRtcp, bRtcp, at, rtcpSr(0xa, ntp, 200 + 250 * i)));
        const block = { ssrc: 0xa, cumulativeLost: lost * i, lsr: ntpMiddle(ntp), dlsr: 3277 };
        rtcp.push(rtcpFrame(bRtcp, aRtcp, at + 0.1, rtcpRr(0xb, [block])));
      }
      return [
        flowToFrames(sip),
        rtpFrames({ src: a, dst: b, ssrc: 0xa, payloadType: 0, start: t0 + 2.02, end: t0 + 12 }),
        rtcp,
      ];
    };
    const file = join(dir, `case-${n++}.pcap`);
    writeFileSync(
      file,
      writePcap(byTime(...call(1, T0, 49170, 3456, 0), ...call(2, T0 + 20, 49180, 3466, 30)), {
        linkType: LinkType.ETHERNET,
      }),
    );
    const r = await analyzeCapture(file);
    expect(r.streams.map((s) => [s.call, s.src, s.ssrc, s.rtcp?.reports, s.rtcp?.cumulativeLost])).toEqual([
      [0, '10.0.0.1:49170', '0x0000000A', 2, 0],
      [1, '10.0.0.1:49180', '0x0000000A', 2, 30],
    ]);
    expect(r.findings.filter((f) => f.rule === 'media.rtcp-loss').map((f) => f.call)).toEqual([1]);
  });
});
