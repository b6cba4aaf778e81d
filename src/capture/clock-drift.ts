/**
 * The drift of one capture host's clock against another's, from the same
 * differences the offset is measured from (clock-offsets.ts): a message
 * seen in both files at time t in file i gives d = θ(t) ± delay, and with
 * clocks that run at different rates θ(t) = θ + s·t, s the drift (seconds
 * per second; 50 ppm is 180 ms an hour). The one-way delay is a constant of
 * each direction, so a slope between two messages of the same address pair
 * and direction, (d₂ − d₁) / (t₂ − t₁), is s alone: the fit is Theil–Sen's
 * (Sen 1968) over those slopes of every address pair and direction pooled —
 * the median slope, so a queued copy or a stray match does not tilt it —
 * with Sen's 95 % interval: the slopes ranked (N ∓ 1.96·√Var S) / 2, Var S
 * the sum over the groups of n(n − 1)(2n + 5) / 18 (Kendall's S, no ties).
 *
 * Bounded: at most MAX_FIT_POINTS points take part (each group thinned by
 * one stride, every k-th sample kept), so at most MAX_FIT_POINTS² / 2
 * slopes are sorted, whatever the capture's length; the interval is of the
 * points kept (wider than all samples would give, never narrower).
 */

/** The samples of one address pair and direction: times in file i and differences t_j − t_i, alike indexed. */
export interface DriftGroup {
  at: readonly number[];
  d: readonly number[];
}

/** A drift is given from this many matched messages on, spread over this many seconds of file i. */
export const MIN_DRIFT_SAMPLES = 20;
export const MIN_DRIFT_SPAN_SECONDS = 60;
export const MAX_FIT_POINTS = 600;

export interface DriftFit {
  /** Seconds per second (file j's clock gains this much on file i's). */
  slope: number;
  /** Half the width of the slope's 95 % interval. */
  halfWidth: number;
  /** The first and the last matched message, on file i's clock. */
  from: number;
  to: number;
}

/** The first and the last time of the groups' samples (null: none). */
export function sampleSpan(groups: readonly DriftGroup[]): { from: number; to: number } | null {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const g of groups)
    for (const t of g.at) {
      if (t < from) from = t;
      if (t > to) to = t;
    }
  return from <= to ? { from, to } : null;
}

/** The pooled Theil–Sen slope of the groups, or null under MIN_DRIFT_SAMPLES or MIN_DRIFT_SPAN_SECONDS. */
export function fitDrift(groups: readonly DriftGroup[]): DriftFit | null {
  const total = groups.reduce((n, g) => n + g.at.length, 0);
  const span = sampleSpan(groups);
  if (total < MIN_DRIFT_SAMPLES || span === null || span.to - span.from < MIN_DRIFT_SPAN_SECONDS) return null;
  const stride = Math.ceil(total / MAX_FIT_POINTS);
  const slopes: number[] = [];
  let varS = 0;
  for (const g of groups) {
    const idx: number[] = [];
    for (let k = 0; k < g.at.length; k += stride) idx.push(k);
    const n = idx.length;
    varS += (n * (n - 1) * (2 * n + 5)) / 18;
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const dt = g.at[idx[b]] - g.at[idx[a]];
        if (dt !== 0) slopes.push((g.d[idx[b]] - g.d[idx[a]]) / dt);
      }
  }
  if (slopes.length === 0) return null;
  const s = Float64Array.from(slopes).sort();
  const n = s.length;
  const mid = n >> 1;
  const slope = n % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  // Sen's interval: the M1-th and (M2 + 1)-th smallest slopes (1-based), clamped to the slopes there are.
  const c = 1.96 * Math.sqrt(varS);
  const lo = s[Math.max(0, Math.min(n - 1, Math.round((n - c) / 2) - 1))];
  const hi = s[Math.max(0, Math.min(n - 1, Math.round((n + c) / 2)))];
  return { slope, halfWidth: (hi - lo) / 2, from: span.from, to: span.to };
}

/** Parts per million, to 0.1 ppm (what a crystal's rating is given in). */
export function ppm(slope: number): number {
  return Math.round(slope * 1e7) / 10 + 0;
}

/** An interval's half-width in ppm, rounded up to 0.1 ppm and at least that (the drift's own rounding). */
export function ppmUp(halfWidth: number): number {
  return Math.max(1, Math.ceil(halfWidth * 1e7 - 1e-9)) / 10;
}
