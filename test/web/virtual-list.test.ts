/** The virtualised call list: which rows are drawn, where, and the bounded page cache. */
import { describe, expect, it } from 'vitest';
import { PageCache } from '../../web/src/calls/page-cache.js';
import { rowTop, rowWindow, scrollToRow } from '../../web/src/calls/virtual-window.js';

describe('row window', () => {
  const base = { viewportHeight: 600, rowHeight: 30, total: 100_000, overscan: 5 };

  it('draws only the rows in view plus the overscan, whatever the list length', () => {
    const w = rowWindow({ ...base, scrollTop: 30 * 50_000 });
    expect(w.first).toBe(50_000 - 5);
    expect(w.last).toBe(50_000 + 20 + 5);
    expect(w.scrollHeight).toBe(3_000_000);
    const i = { ...base, scrollTop: 30 * 50_000 };
    expect(rowTop(i, w, 50_000)).toBe(30 * 50_000);
    const top = rowWindow({ ...base, scrollTop: 0 });
    expect([top.first, top.last]).toEqual([0, 25]);
    const empty = rowWindow({ ...base, total: 0, scrollTop: 0 });
    expect(empty.last - empty.first).toBe(0);
  });

  it('compresses a list taller than the browser allows and still reaches the last row', () => {
    const big = { ...base, total: 2_000_000, maxHeight: 1_000_000 };
    const end = rowWindow({ ...big, scrollTop: 1_000_000 });
    expect(end.scrollHeight).toBe(1_000_000);
    expect(end.last).toBe(2_000_000);
    const i = { ...big, scrollTop: 1_000_000 - 600 };
    const w = rowWindow(i);
    // The last row ends at the bottom edge of the viewport.
    expect(rowTop(i, w, 2_000_000 - 1) + 30).toBeCloseTo(1_000_000, 6);
    const mid = rowWindow({ ...big, scrollTop: (1_000_000 - 600) / 2 });
    expect(Math.abs(mid.exactFirst - (2_000_000 - 20) / 2)).toBeLessThan(1);
  });

  it('scrolls as little as needed to show a row the keyboard moved to', () => {
    const i = { ...base, scrollTop: 3000 }; // rows 100..119 in view
    expect(scrollToRow(i, 110)).toBe(3000);
    expect(scrollToRow(i, 120)).toBe(121 * 30 - 600);
    expect(scrollToRow(i, 99)).toBe(99 * 30);
    const big = { ...base, total: 2_000_000, maxHeight: 1_000_000, scrollTop: 0 };
    const s = scrollToRow(big, 1_999_999);
    const w = rowWindow({ ...big, scrollTop: s });
    expect(w.last).toBe(2_000_000);
  });
});

describe('page cache', () => {
  it('fetches each missing page once and serves rows from it', () => {
    const c = new PageCache<number>({ pageSize: 10, maxPages: 3 });
    const g = c.reset();
    expect(c.claimMissing(5, 25)).toEqual([0, 1, 2]);
    expect(c.claimMissing(5, 25)).toEqual([]); // in flight
    c.put(
      g,
      1,
      Array.from({ length: 10 }, (_, k) => 10 + k),
    );
    expect(c.get(13)).toBe(13);
    expect(c.get(3)).toBeUndefined();
  });

  it('drops answers of an earlier query', () => {
    const c = new PageCache<number>({ pageSize: 10 });
    const old = c.reset();
    c.claimMissing(0, 10);
    const now = c.reset();
    expect(c.put(old, 0, [1, 2, 3])).toBe(false);
    expect(c.get(0)).toBeUndefined();
    expect(c.claimMissing(0, 10)).toEqual([0]);
    expect(c.put(now, 0, [7])).toBe(true);
    expect(c.get(0)).toBe(7);
  });

  it('stays bounded, evicting the least recently used page and counting it', () => {
    const c = new PageCache<number>({ pageSize: 1, maxPages: 2 });
    const g = c.reset();
    c.claimMissing(0, 3);
    c.put(g, 0, [0]);
    c.put(g, 1, [1]);
    c.get(0); // page 0 used last
    c.put(g, 2, [2]);
    expect(c.size).toBe(2);
    expect(c.evictions).toBe(1);
    expect(c.get(1)).toBeUndefined();
    expect(c.get(0)).toBe(0);
    expect(c.claimMissing(0, 3)).toEqual([1]);
  });
});
