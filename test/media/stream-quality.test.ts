/**
 * A stream's estimated quality (src/media/stream-quality.ts): the ITU-T
 * G.107 E-model's R and MOS from what the capture showed, end to end on
 * the samples and on captures made of a basic call and its RTP:
 *
 *   alice 10.0.0.1:49170                       bob 10.0.0.2:3456
 *     |--INVITE (SDP)--------------------------->|
 *     |<--------------------------200 OK (SDP)---|
 *     |--ACK------------------------------------>|
 *     |==RTP 20 ms, chosen packets lost/late====>|
 *
 * The figures are worked out by hand in the comments (e-model.test.ts has
 * the formulas).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamQuality } from '../../src/media/stream-quality.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { analyseRtpCall } from '../fixtures/rtp-call-capture.js';
import type { RtpSpec } from '../fixtures/rtp-frames.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

/** The quality of the one stream of a basic call carrying RTP as `spec` says (500 packets, 20 ms). */
async function qualityOf(spec: Partial<RtpSpec>) {
  const r = await analyseRtpCall(spec);
  expect(r.streams.length).toBe(1);
  return r.streams[0].quality;
}

describe('MOS of the samples', () => {
  it('rates samples/call-with-rtp.pcap: 3 lost in 2 runs, 2 packets late within the 60 ms buffer', async () => {
    const r = await analyzeCapture(join(SAMPLES, 'call-with-rtp.pcap'));
    const [back, caller, oneWay] = r.streams;
    // No loss, no RTCP (no delay): R = 93.2, MOS = 1 + 3.262 + 93.2·33.2·6.8·7e-6 = 4.409
    expect(back.quality).toMatchObject({ r: 93.2, mos: 4.41, ppl: 0, delayMs: null });
    expect(oneWay.quality).toMatchObject({ r: 93.2, mos: 4.41 });
    // Caller's stream: packets 100, 101 and 250 lost of 499 (2 runs), 300 and 301 30 and 12 ms late (kept).
    // Ppl = 3/499 = 0.601202%; p = 2/496, q = 2/3, BurstR = 1/(0.004032 + 0.666667) = 1.490981
    // Ie,eff = 95·0.601202/(0.601202/1.490981 + 25.1) = 57.11423/25.503226 = 2.239487
    // R = 93.2 − 2.239487 = 90.960513; MOS = 1 + 3.183618 + 90.960513·30.960513·9.039487·7e-6 = 4.361823
    expect(caller.quality).toMatchObject({
      r: 91,
      mos: 4.36,
      codec: 'PCMU',
      ie: 0,
      bpl: 25.1,
      ppl: 0.6,
      burstR: 1.49,
      ieEff: 2.24,
      lostPackets: 3,
      latePackets: 0,
      lossFrom: 'capture',
      jitterBufferMs: 60,
      delayMs: null,
      id: 0,
    });
  });

  it('rates samples/rtcp-loss-after-capture.pcap with the loss its receiver reported and the round trip', async () => {
    const r = await analyzeCapture(join(SAMPLES, 'rtcp-loss-after-capture.pcap'));
    const [bob, alice] = r.streams;
    // Bob's stream: no loss, RTT 0.998 ms: delay = 0.499 + 60 + 20 = 80.499, Id = 0.024·80.499 = 1.931976
    // R = 93.2 − 1.931976 = 91.268; MOS = 1 + 3.194382 + 91.268·31.268·8.732·7e-6 = 4.368819
    expect(bob.quality).toMatchObject({ r: 91.3, mos: 4.37, delayMs: 80.5, id: 1.93, ppl: 0 });
    // Alice's: the capture saw all 499, bob's RTCP says 25 lost: Ppl = 25/499 = 5.010020%, BurstR 1
    // Ie,eff = 95·5.01002/(5.01002 + 25.1) = 475.9519/30.11002 = 15.807099
    // RTT 40.002: delay = 20.001 + 60 + 20 = 100.001, Id = 2.400024
    // R = 93.2 − 2.400024 − 15.807099 = 74.992877; MOS = 1 + 2.624751 + 74.992877·14.992877·25.007123·7e-6 = 3.821571
    expect(alice.quality).toMatchObject({
      r: 75,
      mos: 3.82,
      ppl: 5.01,
      burstR: 1,
      lostPackets: 25,
      lossFrom: 'rtcp',
      delayMs: 100,
      id: 2.4,
      ieEff: 15.81,
    });
  });
});

describe('loss patterns', () => {
  it('rates 10 packets lost one at a time as random loss', async () => {
    const lost = new Set([50, 100, 150, 200, 250, 300, 350, 400, 450, 480]);
    // 500 expected, 10 lost, 10 runs: Ppl 2%, BurstR = 1/(10/490 + 1) = 0.98
    // Ie,eff = 95·2/(2/0.98 + 25.1) = 190/27.140816 = 7.000526; R = 86.199474
    // MOS = 1 + 3.016982 + 86.199474·26.199474·13.800526·7e-6 = 4.016982 + 0.218170 = 4.235152
    expect(await qualityOf({ lost })).toMatchObject({ ppl: 2, burstR: 0.98, ieEff: 7, r: 86.2, mos: 4.24 });
  });

  it('rates the same 10 packets lost in one burst worse', async () => {
    const lost = new Set([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    // 1 run: BurstR = 1/(1/490 + 1/10) = 9.8; Ie,eff = 190/(2/9.8 + 25.1) = 190/25.304082 = 7.508671
    // R = 85.691329 → MOS = 1 + 2.999197 + 85.691329·25.691329·14.308671·7e-6 = 4.219702
    expect(await qualityOf({ lost })).toMatchObject({ burstR: 9.8, ieEff: 7.51, r: 85.7, mos: 4.22 });
  });

  it('counts packets later than the 60 ms jitter buffer as lost', async () => {
    const lateMs = new Map([
      [200, 100],
      [300, 80],
      [400, 40],
    ]);
    // Packets 200 and 300 are dropped, 400 is played: Ppl = 2/500 = 0.4%, 2 runs
    // BurstR = 1/(2/498 + 2/2) = 0.996; Ie,eff = 38/(0.4/0.996 + 25.1) = 38/25.501606 = 1.490102
    expect(await qualityOf({ lateMs })).toMatchObject({
      latePackets: 2,
      lostPackets: 0,
      ppl: 0.4,
      ieEff: 1.49,
    });
  });

  it('rates G.729 by its own Ie', async () => {
    // Payload type 18 (RFC 3551 static G729/8000), no loss: R = 93.2 − 11 = 82.2 → MOS 4.13
    // 1 + 2.877 + 82.2·22.2·17.8·7e-6 = 4.104372
    expect(await qualityOf({ payloadType: 18, payloadBytes: 20 })).toMatchObject({
      codec: 'G729',
      r: 82.2,
      mos: 4.1,
    });
  });
});

describe('streams without an estimate', () => {
  it('gives no MOS for a codec G.113 has no values for, with the reason', async () => {
    // Payload type 96: no rtpmap in the SDP, so no codec name.
    expect(await qualityOf({ payloadType: 96 })).toEqual({
      r: null,
      mos: null,
      codec: '96',
      reason: 'payload type 96 has no codec name (no SDP rtpmap): its Ie and Bpl are unknown',
    });
    // Payload type 9, G.722: wideband.
    expect(await qualityOf({ payloadType: 9 })).toMatchObject({ r: null, mos: null, codec: 'G722/8000' });
  });

  it('rates no video and no stream of telephone events only', () => {
    const base = { expected: 100, lost: 0, meanDeltaMs: 20 };
    const none = { lossRuns: 0, late: 0, lateRuns: 0 };
    expect(streamQuality({ ...base, media: 'video', codecs: ['H264/90000'] }, none)).toMatchObject({
      mos: null,
      reason: 'video is not audio',
    });
    expect(streamQuality({ ...base, media: 'audio', codecs: ['telephone-event/8000'] }, none)).toMatchObject({
      mos: null,
      codec: null,
    });
  });
});
