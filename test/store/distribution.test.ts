/** The statistics view's PDD, setup-time and duration distributions, summarised by the store. */
import { describe, expect, it } from 'vitest';
import { distribution } from '../../src/store/distribution.js';

describe('distribution', () => {
  it('bins the values with nice thresholds and gives the median, 95th percentile and maximum', () => {
    const values = Array.from({ length: 100 }, (_, i) => 990 - i * 10);
    const d = distribution(values, 10);
    expect(d.n).toBe(100);
    expect(d.bins.map((b) => [b.x0, b.x1, b.count])).toEqual(
      Array.from({ length: 10 }, (_, i) => [i * 100, (i + 1) * 100, 10]),
    );
    // R-7 quantiles, as d3.quantile: 0.5 of 0..990 by 10 lies between 490 and 500.
    expect(d.median).toBeCloseTo(495, 6);
    expect(d.p95).toBeCloseTo(940.5, 6);
    expect(d.max).toBe(990);
  });

  it('leaves out what is not a finite number, and has no bins without values', () => {
    expect(distribution([])).toEqual({ n: 0, bins: [], median: null, p95: null, max: null });
    const d = distribution([Number.NaN, 5, Number.POSITIVE_INFINITY]);
    expect(d).toMatchObject({ n: 1, median: 5, p95: 5, max: 5 });
    expect(d.bins.reduce((n, b) => n + b.count, 0)).toBe(1);
  });
});
