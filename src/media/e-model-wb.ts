/**
 * The wideband E-model of ITU-T G.107.1 (50–7000 Hz speech), in the same
 * simplified form as the narrowband one (e-model.ts): what a capture cannot
 * know at its default, so only the codec, its packet loss and the delay
 * move R. Pure arithmetic: no packet, no record.
 *
 * G.107.1 rates on a scale that reaches 129 where G.107's reaches 100
 * (§6.2, the transmission rating scale of the wideband E-model), and turns
 * R into a MOS by dividing it by 1.29 first (Annex A, formula A-1) and
 * then applying G.107's R→MOS polynomial: a wideband MOS and a
 * narrowband one are on the same 1–4.5 scale, their R are not.
 */
import { delayImpairment, mosFromR } from './e-model.js';

/** Ro,WB, the basic signal-to-noise ratio of the wideband scale (G.107.1 §7.2, formula 7-2). */
export const RO_WB = 129;

/** The factor between the two scales: R_WB / 1.29 is on G.107's (G.107.1 Annex A, A-1; formula 7-13 for Idd). */
export const WB_SCALE = 1.29;

/**
 * Ie,eff,WB (G.107.1 §7.5, formula 7-15):
 * Ie,eff,WB = Ie,WB + (95 − Ie,WB) · Ppl / (Ppl + Bpl), `ppl` in percent.
 * The constant stays 95 as in G.107's 7-29 (it is not moved to the 129
 * scale), and there is no BurstR: G.107.1 rates packet loss as random.
 */
export function effectiveIeWb(ieWb: number, bpl: number, ppl: number): number {
  if (ppl <= 0) return ieWb;
  return ieWb + ((95 - ieWb) * ppl) / (ppl + bpl);
}

/**
 * Id,WB of a mouth-to-ear delay of `delayMs`: G.107.1 takes G.107's delay
 * terms onto its scale (formula 7-13: Idd,WB = 1.29 · Idd); here the whole
 * narrowband fit (e-model.ts delayImpairment) times 1.29, the G.107.1
 * defaults for echo being G.107's (TELR 65 dB).
 */
export function delayImpairmentWb(delayMs: number): number {
  return WB_SCALE * delayImpairment(delayMs);
}

/** MOS from a wideband R (G.107.1 Annex A): Rx = R / 1.29, then G.107 Annex B's polynomial. */
export function mosFromRWb(r: number): number {
  return mosFromR(r / WB_SCALE);
}

/**
 * R = Ro,WB − Is,WB − Id,WB − Ie,eff,WB + A (G.107.1 §7.1), with Is,WB = 0
 * (formula 7-3) and A = 0 (a wired call).
 */
export function rFactorWb(o: { ie: number; bpl: number; ppl: number; delayMs: number | null }): {
  r: number;
  id: number;
  ieEff: number;
} {
  const id = o.delayMs === null ? 0 : delayImpairmentWb(o.delayMs);
  const ieEff = effectiveIeWb(o.ie, o.bpl, o.ppl);
  return { r: RO_WB - id - ieEff, id, ieEff };
}
