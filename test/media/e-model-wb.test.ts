/**
 * The wideband E-model of ITU-T G.107.1 as the stream estimate uses it
 * (src/media/e-model-wb.ts) and the wideband codec figures of ITU-T G.113
 * Appendix IV (src/media/codec-impairment-wb.ts). Every expected figure is
 * worked out by hand from the G.107.1 formulas in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { impairmentOf } from '../../src/media/codec-impairment.js';
import { AMR_WB_KBPS, amrWbImpairment } from '../../src/media/codec-impairment-wb.js';
import { delayImpairment } from '../../src/media/e-model.js';
import { effectiveIeWb, mosFromRWb, RO_WB, rFactorWb } from '../../src/media/e-model-wb.js';
import { minR, poorQuality } from '../../src/media/quality-limits.js';

describe('G.107.1 Annex A: MOS from a wideband R', () => {
  it('divides R by 1.29 (A-1) before the G.107 polynomial (A-2)', () => {
    // R 129 (Ro,WB, nothing impaired): Rx = 100 → 1 + 3.5 + 0 = 4.5
    expect(mosFromRWb(RO_WB)).toBeCloseTo(4.5, 9);
    // R 119 (AMR-WB 23.85 diotic, Ie,wb 10): Rx = 92.248062
    // 1 + 3.228682 + 92.248062·32.248062·7.751938·7e-6 = 4.390104
    expect(mosFromRWb(119)).toBeCloseTo(4.390104, 5);
    // R 90.3 = 70 · 1.29: Rx = 70, the narrowband line of media.poor-quality, MOS 3.597
    expect(mosFromRWb(90.3)).toBeCloseTo(3.597, 6);
  });

  it('keeps the G.107 bounds on Rx: 1 below 0, 4.5 above 100', () => {
    expect(mosFromRWb(-1)).toBe(1);
    expect(mosFromRWb(130)).toBe(4.5);
  });
});

describe('G.107.1 §7.5: Ie,eff,WB (formula 7-15)', () => {
  it('adds no impairment without loss', () => {
    expect(effectiveIeWb(20, 4.3, 0)).toBe(20);
  });

  it('keeps 95 (not 129) as the ceiling and rates loss as random', () => {
    // Ie,wb 20, Bpl,wb 4.3, Ppl 2: 20 + 75·2/(2 + 4.3) = 20 + 23.809524 = 43.809524
    expect(effectiveIeWb(20, 4.3, 2)).toBeCloseTo(43.809524, 5);
    // Much loss tends to 95: Ppl 1000 → 20 + 75·1000/1004.3 = 94.678881
    expect(effectiveIeWb(20, 4.3, 1000)).toBeCloseTo(94.678881, 5);
  });
});

describe('G.107.1 §7.1: R = Ro,WB − Is,WB − Id,WB − Ie,eff,WB + A', () => {
  it('rates AMR-WB 12.65 kbit/s with 2% loss on the 129 scale', () => {
    // Is,WB = 0 (7-3), A = 0, no delay: R = 129 − 43.809524 = 85.190476
    // Rx = 66.039129: 1 + 2.311370 + 66.039129·6.039129·33.960871·7e-6 = 3.406180
    const { r, id, ieEff } = rFactorWb({ ie: 20, bpl: 4.3, ppl: 2, delayMs: null });
    expect(r).toBeCloseTo(85.190476, 5);
    expect(id).toBe(0);
    expect(ieEff).toBeCloseTo(43.809524, 5);
    expect(mosFromRWb(r)).toBeCloseTo(3.40618, 5);
  });

  it('takes the narrowband delay fit onto the wideband scale (formula 7-13: 1.29 · Idd)', () => {
    // 200 ms: narrowband Id = 0.024·200 + 0.11·22.7 = 7.297; times 1.29 = 9.41313
    expect(delayImpairment(200)).toBeCloseTo(7.297, 9);
    const { r, id } = rFactorWb({ ie: 10, bpl: 4.9, ppl: 0, delayMs: 200 });
    expect(id).toBeCloseTo(9.41313, 9);
    expect(r).toBeCloseTo(129 - 10 - 9.41313, 9);
  });
});

describe('G.113 Appendix IV: the wideband codec figures', () => {
  it('gives AMR-WB its diotic Ie,wb (Table IV.3) and Bpl,wb (Table IV.4) for the three modes G.113 rates', () => {
    // RFC 4867 frame types 2, 7 and 8 are 12.65, 23.05 and 23.85 kbit/s.
    expect([AMR_WB_KBPS[2], AMR_WB_KBPS[7], AMR_WB_KBPS[8]]).toEqual([12.65, 23.05, 23.85]);
    expect(amrWbImpairment(2)).toMatchObject({ ie: 20, bpl: 4.3 });
    expect(amrWbImpairment(7)).toMatchObject({ ie: 8, bpl: 4.6 });
    expect(amrWbImpairment(8)).toMatchObject({ ie: 10, bpl: 4.9 });
    expect(impairmentOf('AMR-WB/16000', 2)).toEqual({
      codec: 'AMR-WB',
      ie: 20,
      bpl: 4.3,
      entry: 'AMR-WB (G.722.2) 12.65 kbit/s, diotic (G.113 Tables IV.3 and IV.4)',
      model: 'G.107.1',
    });
  });

  it('does not rate an AMR-WB mode without a Bpl,wb, nor AMR-WB of unknown mode', () => {
    expect(impairmentOf('AMR-WB/16000', 0)).toEqual({
      reason:
        'AMR-WB at 6.6 kbit/s has no Bpl,wb in ITU-T G.113 Appendix IV (Table IV.4 gives it for 12.65, 23.05 and 23.85 kbit/s only)',
    });
    expect(impairmentOf('AMR-WB/16000')).toMatchObject({
      reason: expect.stringMatching(/^AMR-WB is rated by its mode/),
    });
  });

  it('gives G.722 and Opus the reason they stay unrated, and rates G.711 on the narrowband scale', () => {
    expect(impairmentOf('G722/8000')).toMatchObject({
      reason: expect.stringMatching(/^G\.722 is wideband: .*G\.113 Appendix IV/),
    });
    expect(impairmentOf('opus/48000/2')).toMatchObject({
      reason: expect.stringMatching(/no entry for Opus/),
    });
    expect(impairmentOf('PCMA/8000')).toMatchObject({ codec: 'PCMA', ie: 0, model: 'G.107' });
  });
});

describe('media.poor-quality on either scale: MOS under 3.6', () => {
  it('compares a wideband R divided by 1.29 with 70', () => {
    const stream = (r: number, model?: string) => ({ expected: 100, quality: { r, model } });
    // Narrowband: R 69.9 is poor, 70 is not.
    expect(poorQuality(stream(69.9, 'G.107'))).toBe(true);
    expect(poorQuality(stream(70, 'G.107'))).toBe(false);
    // Wideband: R 90.2 (Rx 69.92) is poor, 90.3 (Rx 70) is not; a record without `model` is G.107.
    expect(poorQuality(stream(90.2, 'G.107.1'))).toBe(true);
    expect(poorQuality(stream(90.3, 'G.107.1'))).toBe(false);
    expect(poorQuality(stream(85))).toBe(false);
    expect([minR('G.107'), minR('G.107.1')]).toEqual([70, 90.3]);
  });
});
