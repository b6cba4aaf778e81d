/**
 * RTCP Extended Reports (RFC 3611) end to end: a call whose endpoints send
 * XR beside their SR/RR, analysed from a capture built here, each block
 * filed with the stream it is about as RR report blocks are — and, when
 * tshark is installed, the same figures as tshark's RTCP dissector gives.
 *
 *   alice 10.0.0.1 (RTP 49170, RTCP 49171)       bob 10.0.0.2 (RTP 3456, RTCP 3457)
 *     |--INVITE / 200 OK / ACK (SDP)---------------->|
 *     |==RTP SSRC 0xA, 20 ms========================>|
 *     |<=RTP SSRC 0xB, 20 ms=========================|
 *     |--SR 0xA------------------------------------->|  6.0 s
 *     |<-RR 0xB about 0xA + XR 0xB: Statistics       |  6.1 s
 *     |   Summary and VoIP Metrics about 0xA, RRT----|
 *     |--SR 0xA + XR 0xA: DLRR naming bob's RRT,    >|  6.2 s (50 ms held: a 50 ms round trip)
 *     |<-RR 0xB + XR 0xB with a block length that lies|  8.0 s
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { xrLine } from '../../src/cli/stream-report.js';
import type { RtpStreamRecord } from '../../src/media/media-tracker.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { ALICE, BOB, basicCall, T0 } from '../fixtures/flows/index.js';
import { compound, ntpMiddle, rtcpFrame, rtcpRr, rtcpSr } from '../fixtures/rtcp-build.js';
import { rtcpXr, voipSpec, xrDlrr, xrRrt, xrStats, xrVoip } from '../fixtures/rtcp-xr-build.js';
import { byTime, rtpFrames } from '../fixtures/rtp-frames.js';
import { hasTshark } from '../helpers/corpus.js';

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const A_RTCP = { ip: ALICE.ip, port: 49171 };
const B_RTCP = { ip: BOB.ip, port: 3457 };
const NTP0 = 3_900_000_000;
const BOB_RRT = NTP0 + 6.1;

function capture(): string {
  const lying = rtcpXr(0xb, xrVoip(voipSpec(0xa)));
  lying[8 + 3] = 99; // the block's length: 396 bytes, in a packet of 44
  const frames = byTime(
    flowToFrames(basicCall()),
    rtpFrames({ src: A, dst: B, ssrc: 0xa, payloadType: 0, start: T0 + 2.02, end: T0 + 12 }),
    rtpFrames({ src: B, dst: A, ssrc: 0xb, payloadType: 0, start: T0 + 2.03, end: T0 + 12 }),
    [
      rtcpFrame(A_RTCP, B_RTCP, T0 + 6, rtcpSr(0xa, NTP0 + 6, 200)),
      rtcpFrame(
        B_RTCP,
        A_RTCP,
        T0 + 6.1,
        compound(
          rtcpRr(0xb, [{ ssrc: 0xa, highestSequence: 1199 }]),
          rtcpXr(
            0xb,
            xrRrt(BOB_RRT),
            xrStats({ ssrc: 0xa, begin: 1000, end: 1200, lost: 7, dups: 1, jitter: [8, 240, 40, 12] }),
            xrVoip(voipSpec(0xa)),
          ),
        ),
      ),
      rtcpFrame(
        A_RTCP,
        B_RTCP,
        T0 + 6.2,
        compound(
          rtcpSr(0xa, NTP0 + 6.2, 205),
          // Held 50 ms: 3,277 of 1/65536 s (50.003 ms).
          rtcpXr(0xa, xrDlrr([{ ssrc: 0xb, lrr: ntpMiddle(BOB_RRT), dlrr: 3277 }])),
        ),
      ),
      rtcpFrame(B_RTCP, A_RTCP, T0 + 8, compound(rtcpRr(0xb, [{ ssrc: 0xa }]), lying)),
    ],
  );
  const file = join(mkdtempSync(join(tmpdir(), 'sipscope-xr-')), 'xr-call.pcap');
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  return file;
}

const FILE = capture();

describe('RTCP XR filed with its stream', () => {
  it('gives the stream the VoIP Metrics and Statistics Summary its receiver sent, and the DLRR round trip', async () => {
    const r = await analyzeCapture(FILE);
    const alice = r.streams.find((s) => s.ssrc === '0x0000000A');
    const bob = r.streams.find((s) => s.ssrc === '0x0000000B');
    expect(alice?.rtcp?.xr).toEqual({
      voipReports: 1,
      voip: {
        // 13/256, 3/256, 64/256, 5/256 as percent to 0.1.
        lossPercent: 5.1,
        discardPercent: 1.2,
        burstDensityPercent: 25,
        gapDensityPercent: 2,
        burstDurationMs: 120,
        gapDurationMs: 2400,
        roundTripDelayMs: 42,
        endSystemDelayMs: 65,
        signalLevelDbm: -18,
        noiseLevelDbm: -62,
        rerlDb: 45,
        gmin: 16,
        rFactor: 78,
        extRFactor: null,
        mosLq: 3.8,
        mosCq: 3.6,
        plc: 'standard',
        jitterBuffer: 'adaptive',
        jbNominalMs: 40,
        jbMaximumMs: 80,
        jbAbsMaxMs: 200,
      },
      statsReports: 1,
      statsLost: 7,
      statsDuplicates: 1,
      // 6.2 − 6.1 − 3277/65536 = 0.1 − 0.050003 s.
      roundTrips: 1,
      meanRoundTripMs: 49.997,
      maxRoundTripMs: 49.997,
      malformed: 0,
    });
    // The lying block is counted on the stream of the reporter (bob sends 0xB), the RR before it read.
    expect(bob?.rtcp?.xr).toMatchObject({ voipReports: 0, voip: null, malformed: 1 });
    expect(alice?.rtcp?.reports).toBe(2);
    // No LSR in the RRs, so the estimate takes its delay from the DLRR round trip:
    // 49.997/2 + 60 + 20 = 104.999 ms, Id = 0.024·104.999 = 2.519976, R = 93.2 − 2.519976 = 90.680024
    // MOS = 1 + 3.173801 + 90.680024·30.680024·9.319976·7e-6 = 4.173801 + 0.181502 = 4.355303
    expect(alice?.quality).toMatchObject({ delayMs: 105, id: 2.52, r: 90.7, mos: 4.36 });
    // The CLI's --stream head and ladder note: the receiver's own figures beside the estimate.
    expect(xrLine(alice as RtpStreamRecord)).toEqual([
      'RTCP XR: its receiver reported MOS-LQ 3.8, MOS-CQ 3.6, R 78 (loss 5.1%, discarded 1.2%, round trip 42 ms, end system delay 65 ms, adaptive jitter buffer 40/80 ms, PLC standard; 1 VoIP Metrics reports); statistics summary: 7 lost, 1 duplicates; DLRR round trip 50.0 ms mean, 50.0 ms max',
    ]);
    expect(xrLine(bob as RtpStreamRecord)).toEqual(['RTCP XR: 1 malformed XR blocks']);
  });

  it.skipIf(!hasTshark)(
    'reads every VoIP Metrics, Statistics Summary and DLRR field as tshark does',
    async () => {
      const r = await analyzeCapture(FILE);
      const xr = r.streams.find((s) => s.ssrc === '0x0000000A')?.rtcp?.xr;
      const v = xr?.voip;
      // Our figure for each tshark field of the VoIP Metrics block (RFC 3611 §4.7).
      const voip: Array<[string, unknown]> = [
        ['rtcp.ssrc.fraction', v?.lossPercent],
        ['rtcp.ssrc.discarded', v?.discardPercent],
        ['rtcp.xr.voipmetrics.burstdensity', v?.burstDensityPercent],
        ['rtcp.xr.voipmetrics.gapdensity', v?.gapDensityPercent],
        ['rtcp.xr.voipmetrics.burstduration', v?.burstDurationMs],
        ['rtcp.xr.voipmetrics.gapduration', v?.gapDurationMs],
        ['rtcp.xr.voipmetrics.rtdelay', v?.roundTripDelayMs],
        ['rtcp.xr.voipmetrics.esdelay', v?.endSystemDelayMs],
        ['rtcp.xr.voipmetrics.signallevel', v?.signalLevelDbm],
        ['rtcp.xr.voipmetrics.noiselevel', v?.noiseLevelDbm],
        ['rtcp.xr.voipmetrics.rerl', v?.rerlDb],
        ['rtcp.xr.voipmetrics.gmin', v?.gmin],
        ['rtcp.xr.voipmetrics.rfactor', v?.rFactor],
        ['rtcp.xr.voipmetrics.moslq', v?.mosLq],
        ['rtcp.xr.voipmetrics.moscq', v?.mosCq],
        ['rtcp.xr.voipmetrics.plc', v?.plc],
        ['rtcp.xr.voipmetrics.jba', v?.jitterBuffer],
        ['rtcp.xr.voipmetrics.jbnominal', v?.jbNominalMs],
        ['rtcp.xr.voipmetrics.jbmax', v?.jbMaximumMs],
        ['rtcp.xr.voipmetrics.jbabsmax', v?.jbAbsMaxMs],
        ['rtcp.xr.stats.lost', xr?.statsLost],
        ['rtcp.xr.stats.dups', xr?.statsDuplicates],
      ];
      const extra = ['frame.time_epoch', 'rtcp.xr.timestamp', 'rtcp.xr.dlrr', '_ws.expert.message'];
      const names = [...voip.map(([f]) => f), ...extra];
      const out = execFileSync(
        'tshark',
        [
          '-r',
          FILE,
          '-Y',
          'rtcp.pt == 207',
          '-T',
          'fields',
          '-E',
          'occurrence=l',
          ...names.flatMap((f) => ['-e', f]),
        ],
        { encoding: 'utf8' },
      );
      const rows = out
        .trim()
        .split('\n')
        .map((l) => Object.fromEntries(l.split('\t').map((x, i) => [names[i], x])));
      expect(rows.length).toBe(3);
      const [bobXr, aliceXr, lying] = rows;
      // tshark gives the fractions in 256ths (the RR's block before it aside: its last occurrence) and the
      // rest as sent; PLC and JBA by their numbers (3: standard, adaptive).
      const asOurs = (f: string, x: string): unknown => {
        if (/fraction|discarded|density$/.test(f)) return Math.round((Number(x) / 256) * 1000) / 10;
        if (f.endsWith('.plc')) return ['unspecified', 'disabled', 'enhanced', 'standard'][Number(x)];
        if (f.endsWith('.jba')) return ['unknown', 'reserved', 'non-adaptive', 'adaptive'][Number(x)];
        return Number(x);
      };
      for (const [f, ours] of voip) expect([f, asOurs(f, bobXr[f])]).toEqual([f, ours]);
      // The round trip (RFC 3611 §4.5): the DLRR's arrival − the RRT's − DLRR, as tshark times the frames.
      const rtt =
        (Number(aliceXr['frame.time_epoch']) - Number(bobXr['frame.time_epoch'])) * 1000 -
        Number(aliceXr['rtcp.xr.dlrr']) / 65.536;
      expect(xr?.meanRoundTripMs).toBeCloseTo(rtt, 3);
      // The block whose length lies: tshark calls the packet malformed, we count it.
      expect(lying['_ws.expert.message']).toContain('Malformed Packet');
      expect(r.streams.find((s) => s.ssrc === '0x0000000B')?.rtcp?.xr?.malformed).toBe(1);
    },
  );
});
