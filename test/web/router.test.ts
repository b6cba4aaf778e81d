/** Hash routes of server/API.md "Web routes": parse, format, and where Esc goes. */
import { describe, expect, it } from 'vitest';
import { formatRoute, parentRoute, parseRoute, type Route } from '../../web/src/router.js';

describe('hash routes', () => {
  it('reads every route API.md names', () => {
    expect(parseRoute('')).toEqual({ view: 'captures' });
    expect(parseRoute('#/')).toEqual({ view: 'captures' });
    expect(parseRoute('#/captures/c1')).toEqual({ view: 'calls', capture: 'c1' });
    expect(parseRoute('#/captures/c1/calls/12')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 12,
      message: null,
    });
    expect(parseRoute('#/captures/c1/calls/12/messages/340')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 12,
      message: 340,
    });
    expect(parseRoute('#/captures/c1/calls/12/messages/340/compare/345')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 12,
      message: 340,
      compare: 345,
    });
    expect(parseRoute('#/captures/c1/findings')).toEqual({ view: 'findings', capture: 'c1' });
    expect(parseRoute('#/captures/c1/stats')).toEqual({ view: 'stats', capture: 'c1' });
  });

  it('formats what it parses, escaping the capture id', () => {
    const routes: Route[] = [
      { view: 'captures' },
      { view: 'calls', capture: 'c 1/../x' },
      { view: 'ladder', capture: 'c2', call: 0, message: null },
      { view: 'ladder', capture: 'c2', call: 7, message: 0 },
      { view: 'ladder', capture: 'c2', call: 7, message: 0, compare: 3 },
      { view: 'findings', capture: 'c3' },
      { view: 'stats', capture: 'c3' },
    ];
    for (const r of routes) expect(parseRoute(formatRoute(r))).toEqual(r);
    expect(formatRoute({ view: 'calls', capture: 'a/b' })).toBe('#/captures/a%2Fb');
  });

  it('falls back to the nearest sensible view on a damaged link', () => {
    expect(parseRoute('#/nothing')).toEqual({ view: 'captures' });
    expect(parseRoute('#/captures/%E0%A4%A')).toEqual({ view: 'captures' });
    expect(parseRoute('#/captures/c1/calls/abc')).toEqual({ view: 'calls', capture: 'c1' });
    expect(parseRoute('#/captures/c1/calls/-1')).toEqual({ view: 'calls', capture: 'c1' });
    expect(parseRoute('#/captures/c1/calls/3/messages/x')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 3,
      message: null,
    });
  });

  it('a compare of a message with itself, or with no first message, is not a compare', () => {
    expect(parseRoute('#/captures/c1/calls/3/messages/9/compare/9')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 3,
      message: 9,
    });
    expect(parseRoute('#/captures/c1/calls/3/messages/x/compare/9')).toMatchObject({ message: null });
    expect(parseRoute('#/captures/c1/calls/3/messages/9/compare/x')).toEqual({
      view: 'ladder',
      capture: 'c1',
      call: 3,
      message: 9,
    });
  });

  it('Esc closes the compare, then the message, then the ladder, then the capture', () => {
    const cmp: Route = { view: 'ladder', capture: 'c1', call: 3, message: 9, compare: 11 };
    expect(parentRoute(cmp)).toEqual({ view: 'ladder', capture: 'c1', call: 3, message: 9 });
    const msg: Route = { view: 'ladder', capture: 'c1', call: 3, message: 9 };
    const ladder = parentRoute(msg);
    expect(ladder).toEqual({ view: 'ladder', capture: 'c1', call: 3, message: null });
    expect(parentRoute(ladder)).toEqual({ view: 'calls', capture: 'c1' });
    expect(parentRoute({ view: 'stats', capture: 'c1' })).toEqual({ view: 'captures' });
    expect(parentRoute({ view: 'captures' })).toEqual({ view: 'captures' });
  });
});
