/** The call list's marked calls (web/src/calls/selection.ts): toggled by id, ordered by start, cleared. */
import { describe, expect, it } from 'vitest';
import { CallSelection } from '../../web/src/calls/selection.js';
import { MAX_WITH } from '../../web/src/router.js';

describe('marked calls', () => {
  it('toggles by id: a second mark of the same call unmarks it', () => {
    const s = new CallSelection();
    expect(s.toggle({ id: 4, start: 10 })).toBe(true);
    expect(s.toggle({ id: 2, start: 12 })).toBe(true);
    expect([s.size, s.has(4), s.has(2), s.has(3)]).toEqual([2, true, true, false]);
    // The same call seen on another row (a new sort) is the same mark.
    expect(s.toggle({ id: 4, start: 10 })).toBe(false);
    expect([s.size, s.has(4)]).toEqual([1, false]);
  });

  it('orders the calls by start time, then id, whatever the order they were marked in', () => {
    const s = new CallSelection();
    for (const c of [
      { id: 9, start: 30.5 },
      { id: 1, start: 31 },
      { id: 7, start: 30.5 },
      { id: 3, start: 2 },
    ])
      s.toggle(c);
    expect(s.ordered()).toEqual([3, 7, 9, 1]);
    expect(s.ladder()).toEqual({ call: 3, with: [7, 9, 1] });
  });

  it('has a ladder from two calls on, and none once cleared', () => {
    const s = new CallSelection();
    expect(s.ladder()).toBeNull();
    s.toggle({ id: 5, start: 1 });
    expect(s.ladder()).toBeNull();
    s.toggle({ id: 6, start: 0 });
    expect(s.ladder()).toEqual({ call: 6, with: [5] });
    s.clear();
    expect([s.size, s.ordered(), s.ladder()]).toEqual([0, [], null]);
  });

  it('has no ladder for more calls than a route carries', () => {
    const s = new CallSelection();
    for (let i = 0; i <= MAX_WITH; i++) s.toggle({ id: i, start: i });
    expect(s.ladder()?.with.length).toBe(MAX_WITH);
    s.toggle({ id: 1000, start: 0 });
    expect(s.ladder()).toBeNull();
  });
});
