/**
 * The PDD, setup-time and duration distributions of the statistics view
 * (`GET /api/captures/:id/stats`), summarised where the values are: the
 * histogram bins, the median, the 95th percentile and the maximum. The API
 * used to send every call's value and let the browser bin them: for 200,000
 * calls that was 3.5 MB of JSON and up to 2 s of the server's event loop.
 */
import { bin, quantileSorted } from 'd3-array';

export interface HistBin {
  /** The bin is [x0, x1) (the last one [x0, x1]). */
  x0: number;
  x1: number;
  count: number;
}

export interface Distribution {
  /** Values summarised (finite numbers only). */
  n: number;
  /** d3's nice bins, about `thresholds` of them; empty without values. */
  bins: HistBin[];
  median: number | null;
  p95: number | null;
  max: number | null;
}

/** Histogram bins (d3.bin's nice thresholds), median, 95th percentile and maximum of the finite `values`. */
export function distribution(values: Iterable<number>, thresholds = 20): Distribution {
  const kept: number[] = [];
  for (const x of values) if (typeof x === 'number' && Number.isFinite(x)) kept.push(x);
  if (kept.length === 0) return { n: 0, bins: [], median: null, p95: null, max: null };
  // A typed array sorts numerically, natively: the 200,000 values of a big capture in ~15 ms.
  const sorted = Float64Array.from(kept).sort();
  const bins = bin<number, number>().thresholds(thresholds)(sorted);
  // d3's quantileSorted reads any array-like by index; its types ask for an Array.
  const asc = sorted as unknown as number[];
  return {
    n: sorted.length,
    bins: bins.map((b) => ({ x0: b.x0 ?? 0, x1: b.x1 ?? 0, count: b.length })),
    median: quantileSorted(asc, 0.5)!,
    p95: quantileSorted(asc, 0.95)!,
    max: sorted[sorted.length - 1],
  };
}
