/**
 * The E-model of ITU-T G.107, in the simplified form monitoring tools use
 * (VoIPmonitor, SBCs, RFC 3611's R factor): every parameter the capture
 * cannot know (loudness ratings, room noise, sidetone, echo loss) at its
 * G.107 default, so only three impairments move R — delay (Id), the codec
 * and its packet loss (Ie,eff) — and the advantage factor A is 0 (a wired
 * call). Pure arithmetic: no packet, no record.
 */

/**
 * R with every G.107 parameter at its default (G.107 Table 3, §7.1: "the
 * default values … result in a very high quality with a rating factor of
 * R = 93.2"): Ro − Is less the Id of the defaults. Delay and the codec are
 * taken off it below.
 */
export const R_DEFAULT = 93.2;

/**
 * Id, the delay impairment, of a mouth-to-ear delay of `delayMs` with the
 * G.107 defaults for echo (TELR 65 dB, perfect echo cancelling): the usual
 * fit of G.107's Idte + Idle + Idd (Cole and Rosenbluth, "Voice over IP
 * performance monitoring", ACM SIGCOMM CCR 2001):
 * Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3), H the step function —
 * nearly nothing below 177 ms, then a steep climb (G.114's 150 ms bound).
 */
export function delayImpairment(delayMs: number): number {
  const d = Math.max(0, delayMs);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/**
 * Ie,eff (G.107 §7.5, formula 7-29):
 * Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl), with `ppl` the
 * packet-loss probability in percent, `bpl` the codec's packet-loss
 * robustness and `burstR` the burst ratio (1: random loss; above 1: losses
 * come together, which G.107 rates worse).
 */
export function effectiveIe(ie: number, bpl: number, ppl: number, burstR: number): number {
  if (ppl <= 0) return ie;
  return ie + ((95 - ie) * ppl) / (ppl / burstR + bpl);
}

/**
 * BurstR of a loss pattern (G.107 §7.5, from the 2-state Markov model of
 * loss): BurstR = 1 / (p + q), p the probability that a packet is lost when
 * the one before arrived, q that it arrives when the one before was lost.
 * From counts: `runs` runs of consecutive losses holding `lost` packets, out
 * of `expected`: p = runs / (expected − lost), q = runs / lost. Random loss
 * gives ~1. No loss, or nothing received, is 1 (the ratio is not defined).
 */
export function burstRatio(expected: number, lost: number, runs: number): number {
  const received = expected - lost;
  if (lost <= 0 || received <= 0) return 1;
  const r = Math.min(Math.max(runs, 1), lost);
  return 1 / (r / received + r / lost);
}

/**
 * MOS (conversational quality, estimated) from R, G.107 Annex B (B-4):
 * 1 for R < 0, 4.5 above 100, else 1 + 0.035R + R(R − 60)(100 − R)·7·10⁻⁶,
 * kept at 1 at least (the polynomial dips just under it for R below ~6.5).
 */
export function mosFromR(r: number): number {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** R = R_DEFAULT − Id − Ie,eff + A (A = 0: a wired call), G.107 §7.1 simplified as above. */
export function rFactor(o: {
  ie: number;
  bpl: number;
  ppl: number;
  burstR: number;
  delayMs: number | null;
}): {
  r: number;
  id: number;
  ieEff: number;
} {
  const id = o.delayMs === null ? 0 : delayImpairment(o.delayMs);
  const ieEff = effectiveIe(o.ie, o.bpl, o.ppl, o.burstR);
  return { r: R_DEFAULT - id - ieEff, id, ieEff };
}
