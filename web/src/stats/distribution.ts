/**
 * What the statistics view plots, from `GET /api/captures/:id/stats`: bars
 * sorted for reading and histogram bins of the PDD, setup-time and duration
 * distributions. Pure (d3-array only).
 */
import { bin, max, quantile } from 'd3';

export interface Bar {
  key: string;
  value: number;
}

/** Entries of a count table as bars: by count descending, or by key when `byKey` (numeric keys numerically). */
export function bars(table: Record<string, number> | null | undefined, byKey = false): Bar[] {
  const out = Object.entries(table ?? {})
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .map(([key, value]) => ({ key, value }));
  if (byKey) {
    out.sort((a, b) => {
      const na = Number(a.key);
      const nb = Number(b.key);
      return Number.isNaN(na) || Number.isNaN(nb) ? a.key.localeCompare(b.key) : na - nb;
    });
  } else out.sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  return out;
}

export interface HistBin {
  x0: number;
  x1: number;
  count: number;
}

export interface Distribution {
  bins: HistBin[];
  n: number;
  median: number | null;
  p95: number | null;
  max: number | null;
}

/** Histogram of `values` in about `thresholds` bins (d3.bin's nice thresholds). */
export function distribution(values: readonly number[] | null | undefined, thresholds = 20): Distribution {
  const v = (values ?? []).filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return { bins: [], n: 0, median: null, p95: null, max: null };
  const sorted = [...v].sort((a, b) => a - b);
  const b = bin().thresholds(thresholds)(sorted);
  return {
    bins: b.map((x) => ({ x0: x.x0 ?? 0, x1: x.x1 ?? 0, count: x.length })),
    n: v.length,
    median: quantile(sorted, 0.5) ?? null,
    p95: quantile(sorted, 0.95) ?? null,
    max: max(sorted) ?? null,
  };
}
