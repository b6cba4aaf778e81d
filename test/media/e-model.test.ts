/**
 * The E-model of ITU-T G.107 as the stream quality estimate uses it
 * (src/media/e-model.ts) and the codec values of ITU-T G.113 Appendix I
 * (src/media/codec-impairment.ts). Every expected figure is worked out by
 * hand from the G.107 formulas in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { impairmentOf, voiceCodec } from '../../src/media/codec-impairment.js';
import {
  burstRatio,
  delayImpairment,
  effectiveIe,
  mosFromR,
  R_DEFAULT,
  rFactor,
} from '../../src/media/e-model.js';

describe('G.107 Annex B: MOS from R', () => {
  it('maps R as formula B-4 does', () => {
    // R = 93.2: 1 + 0.035·93.2 + 93.2·33.2·6.8·7e-6 = 1 + 3.262 + 0.147287 = 4.409287
    expect(mosFromR(93.2)).toBeCloseTo(4.409287, 5);
    // R = 70 (G.109 "many users dissatisfied" below): 1 + 2.45 + 70·10·30·7e-6 = 3.45 + 0.147 = 3.597
    expect(mosFromR(70)).toBeCloseTo(3.597, 6);
    // R = 50: 1 + 1.75 + 50·(−10)·50·7e-6 = 2.75 − 0.175 = 2.575
    expect(mosFromR(50)).toBeCloseTo(2.575, 6);
  });

  it('gives 1 below R 0 and 4.5 above R 100, and never less than 1 between', () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(100.5)).toBe(4.5);
    // R = 5: 1 + 0.175 + 5·(−55)·95·7e-6 = 1.175 − 0.182875 = 0.992: kept at 1.
    expect(mosFromR(5)).toBe(1);
  });
});

describe('G.107 §7.5: Ie,eff and the burst ratio', () => {
  it('adds no impairment without loss', () => {
    expect(effectiveIe(11, 19, 0, 1)).toBe(11);
  });

  it('rates random loss by the codec robustness Bpl (formula 7-29)', () => {
    // G.711 with PLC, 1% random: 0 + 95·1/(1/1 + 25.1) = 95/26.1 = 3.639847
    expect(effectiveIe(0, 25.1, 1, 1)).toBeCloseTo(3.639847, 5);
    // G.711 without PLC, 1%: 95/(1 + 4.3) = 17.924528
    expect(effectiveIe(0, 4.3, 1, 1)).toBeCloseTo(17.924528, 5);
    // G.729A, 2%: 11 + 84·2/(2 + 19) = 11 + 8 = 19
    expect(effectiveIe(11, 19, 2, 1)).toBeCloseTo(19, 9);
  });

  it('rates the same loss worse when it comes in bursts', () => {
    // BurstR 2, G.711 PLC, 1%: 95/(0.5 + 25.1) = 3.710938 > 3.639847
    expect(effectiveIe(0, 25.1, 1, 2)).toBeCloseTo(3.710938, 5);
  });

  it('derives BurstR = 1/(p + q) from runs of lost packets (2-state Markov model)', () => {
    // 1000 expected, 10 lost one at a time: p = 10/990, q = 10/10 → 1/(0.010101 + 1) = 0.99
    expect(burstRatio(1000, 10, 10)).toBeCloseTo(0.99, 9);
    // The same 10 in 2 runs of 5: p = 2/990, q = 2/10 → 1/(0.0020202 + 0.2) = 4.95
    expect(burstRatio(1000, 10, 2)).toBeCloseTo(4.95, 9);
    // No loss, or nothing received: 1.
    expect(burstRatio(1000, 0, 0)).toBe(1);
    expect(burstRatio(10, 10, 1)).toBe(1);
  });
});

describe('G.107 delay impairment, simplified', () => {
  it('is 0.024 per ms up to 177.3 ms and climbs 0.11 more per ms past it', () => {
    // 100 ms: 0.024·100 = 2.4
    expect(delayImpairment(100)).toBeCloseTo(2.4, 9);
    // 250 ms: 6 + 0.11·72.7 = 6 + 7.997 = 13.997
    expect(delayImpairment(250)).toBeCloseTo(13.997, 9);
  });

  it('makes R from the defaults less Id and Ie,eff', () => {
    // G.729A, 2% random loss, 100 ms: 93.2 − 2.4 − 19 = 71.8
    const { r, id, ieEff } = rFactor({ ie: 11, bpl: 19, ppl: 2, burstR: 1, delayMs: 100 });
    expect(r).toBeCloseTo(71.8, 9);
    expect(id).toBeCloseTo(2.4, 9);
    expect(ieEff).toBeCloseTo(19, 9);
    // No delay known: Id is 0, R is the defaults' 93.2 for G.711 without loss.
    expect(rFactor({ ie: 0, bpl: 25.1, ppl: 0, burstR: 1, delayMs: null }).r).toBe(R_DEFAULT);
  });
});

describe('G.113 Appendix I codec values', () => {
  it('gives G.711 (with PLC), G.729A and G.723.1 their Ie and Bpl', () => {
    expect(impairmentOf('PCMU/8000')).toMatchObject({ codec: 'PCMU', ie: 0, bpl: 25.1 });
    expect(impairmentOf('pcma/8000')).toMatchObject({ codec: 'PCMA', ie: 0, bpl: 25.1 });
    expect(impairmentOf('G729/8000')).toMatchObject({ codec: 'G729', ie: 11, bpl: 19 });
    expect(impairmentOf('G723/8000')).toMatchObject({ codec: 'G723', ie: 15, bpl: 16.1 });
    expect(impairmentOf('GSM-EFR/8000')).toMatchObject({ codec: 'GSM-EFR', ie: 5, bpl: 10 });
  });

  it('says why a codec without both values gets no MOS', () => {
    expect(impairmentOf('G722/8000')).toEqual({ reason: expect.stringContaining('wideband') });
    expect(impairmentOf('GSM/8000')).toEqual({ reason: expect.stringContaining('no Bpl') });
    expect(impairmentOf('opus/48000/2')).toEqual({
      reason:
        'ITU-T G.113 has no entry for Opus (neither Appendix I Ie nor Appendix IV Ie,wb and Bpl): it is not rated',
    });
    expect(impairmentOf('iLBC/8000')).toEqual({ reason: 'ILBC has no Ie and Bpl in ITU-T G.113 Appendix I' });
    expect(impairmentOf('96')).toEqual({ reason: expect.stringContaining('no codec name') });
  });

  it('rates the voice codec, not comfort noise or telephone events', () => {
    expect(voiceCodec(['telephone-event/8000', 'CN/8000', 'PCMA/8000'])).toBe('PCMA/8000');
    expect(voiceCodec(['telephone-event/8000'])).toBeNull();
  });
});
