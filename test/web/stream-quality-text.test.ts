/**
 * The MOS cell of the call view's streams table and its tooltip
 * (web/src/media/stream-quality-text.ts): the server's E-model estimate
 * (ITU-T G.107) shown with what it is made of, the warning colour where
 * media.poor-quality fires (R under 70), the reason when there is none.
 */
import { describe, expect, it } from 'vitest';
import type { RtpStream } from '../../web/src/api/types.js';
import { qualityCell, qualityFacts } from '../../web/src/media/stream-quality-text.js';
import { bareStream } from './ladder-fixtures.js';

const stream = (quality: RtpStream['quality'], expected = 500): RtpStream => ({
  ...bareStream(0, 100, '10.0.0.1:4000', '10.0.0.2:5000', { expected }),
  quality,
});

const rated = (r: number, mos: number): RtpStream['quality'] => ({
  r,
  mos,
  codec: 'G729',
  ie: 11,
  bpl: 19,
  ieEff: 19,
  ppl: 2,
  burstR: 1,
  lostPackets: 10,
  latePackets: 0,
  lossFrom: 'capture',
  jitterBufferMs: 60,
  delayMs: 100,
  id: 2.4,
  assumptions: ['G.729A + VAD'],
});

describe('the MOS cell', () => {
  it('shows the MOS, its tooltip the R, the codec values, the loss and the delay', () => {
    const c = qualityCell(stream(rated(71.8, 3.66)));
    expect(c).toEqual({
      mos: '3.66',
      poor: false,
      title:
        'R 71.8 (E-model, ITU-T G.107, estimated from the capture); G729: Ie 11, Bpl 19, Ie,eff 19; loss 2%: 10 lost, 0 later than the 60 ms jitter buffer, burst ratio 1; one-way delay 100 ms (Id 2.4). Assumed: G.729A + VAD',
    });
  });

  it('takes the warning colour under R 70 (MOS 3.6), on streams long enough to judge', () => {
    expect(qualityCell(stream(rated(69.9, 3.59))).poor).toBe(true);
    expect(qualityCell(stream(rated(69.9, 3.59), 40)).poor).toBe(false);
  });

  it('names the wideband E-model (G.107.1) and its scale, and warns under MOS 3.6 there too (R 90.3)', () => {
    const wb = (r: number, mos: number): RtpStream['quality'] =>
      ({
        ...(rated(r, mos) as object),
        model: 'G.107.1',
        codec: 'AMR-WB',
        ie: 20,
        bpl: 4.3,
        ieEff: 43.81,
        delayMs: null,
        recoveredPackets: 2,
        assumptions: ['AMR-WB (G.722.2) 12.65 kbit/s, diotic (G.113 Tables IV.3 and IV.4)'],
      }) as RtpStream['quality'];
    const c = qualityCell(stream(wb(85.2, 3.41)));
    expect(c.title).toBe(
      'R 85.2 (wideband E-model, ITU-T G.107.1, on its 0–129 scale, estimated from the capture); AMR-WB: Ie,wb 20, Bpl,wb 4.3, Ie,eff 43.81; loss 2%: 10 lost, 0 later than the 60 ms jitter buffer, burst ratio 1, 2 recovered by RED; delay not counted. Assumed: AMR-WB (G.722.2) 12.65 kbit/s, diotic (G.113 Tables IV.3 and IV.4)',
    );
    // R 85.2 would be fine on G.107's scale; on G.107.1's it is Rx 66.0, under 70: poor. R 95 (Rx 73.6) is not.
    expect(c.poor).toBe(true);
    expect(qualityCell(stream(wb(95, 3.83))).poor).toBe(false);
  });

  it('says why a stream has no MOS, and nothing for an older server', () => {
    expect(qualityCell(stream({ r: null, mos: null, codec: 'OPUS', reason: 'no values' }))).toEqual({
      mos: '–',
      poor: false,
      title: 'no MOS: no values',
    });
    expect(qualityCell(stream(undefined))).toEqual({ mos: '–', poor: false, title: null });
  });
});

describe('what the receiver reported in RTCP XR (RFC 3611 §4.7)', () => {
  const xr = {
    voipReports: 2,
    voip: {
      lossPercent: 5.1,
      discardPercent: 1.2,
      burstDensityPercent: 25,
      gapDensityPercent: 2,
      burstDurationMs: 120,
      gapDurationMs: 2400,
      roundTripDelayMs: 42,
      endSystemDelayMs: 65,
      signalLevelDbm: -18,
      noiseLevelDbm: null,
      rerlDb: 45,
      gmin: 16,
      rFactor: 78,
      extRFactor: null,
      mosLq: 3.8,
      mosCq: null,
      plc: 'standard' as const,
      jitterBuffer: 'adaptive' as const,
      jbNominalMs: 40,
      jbMaximumMs: 80,
      jbAbsMaxMs: 200,
    },
    statsReports: 0,
    statsLost: null,
    statsDuplicates: null,
    roundTrips: 1,
    meanRoundTripMs: 49.997,
    maxRoundTripMs: 49.997,
    malformed: 0,
  };
  const rtcp = {
    reports: 0,
    maxFractionLostPercent: null,
    cumulativeLost: null,
    lostBetweenReports: null,
    maxJitterMs: null,
    roundTrips: 0,
    meanRoundTripMs: null,
    maxRoundTripMs: null,
    senderPackets: null,
    xr,
  };
  const XR_TEXT =
    'its receiver reported (RTCP XR): MOS-LQ 3.8, MOS-CQ unavailable, R 78; loss 5.1%, discarded 1.2%, round trip 42 ms, end system delay 65 ms, adaptive jitter buffer 40/80 ms; XR round trip (DLRR) 49.997 ms';

  it('ends the MOS tooltip with the endpoint figures, next to the estimate', () => {
    const s = { ...stream(rated(71.8, 3.66)), rtcp };
    expect(qualityCell(s).title?.split('\n')[1]).toBe(XR_TEXT);
    expect(qualityFacts(s).map((f) => f.key)).toEqual(['MOS (estimate)', 'RTCP XR']);
    expect(qualityFacts(s)[1].value).toBe(XR_TEXT);
  });

  it('shows them for a stream the estimate does not rate', () => {
    const s = { ...stream({ r: null, mos: null, codec: 'OPUS', reason: 'no values' }), rtcp };
    expect(qualityCell(s).title).toBe(`no MOS: no values\n${XR_TEXT}`);
  });
});
