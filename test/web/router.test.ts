/** Hash routes of server/API.md "Web routes": parse, format, and where Esc goes. */
import { describe, expect, it } from 'vitest';
import {
  formatRoute,
  MAX_WITH,
  parentRoute,
  parseRoute,
  parseWith,
  type Route,
} from '../../web/src/router.js';

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

  describe('several calls on one ladder (with/:ids)', () => {
    it('reads the other calls, alone and with a message or a compare after them', () => {
      expect(parseRoute('#/captures/c1/calls/3/with/7,9')).toEqual({
        view: 'ladder',
        capture: 'c1',
        call: 3,
        message: null,
        with: [7, 9],
      });
      expect(parseRoute('#/captures/c1/calls/3/with/9/messages/40')).toEqual({
        view: 'ladder',
        capture: 'c1',
        call: 3,
        message: 40,
        with: [9],
      });
      expect(parseRoute('#/captures/c1/calls/3/with/0,12/messages/40/compare/41/')).toEqual({
        view: 'ladder',
        capture: 'c1',
        call: 3,
        message: 40,
        compare: 41,
        with: [0, 12],
      });
    });

    it('keeps the order given, drops repeats and the main call, and an emptied list is the call alone', () => {
      expect(parseRoute('#/captures/c1/calls/3/with/9,7,9,3,7')).toMatchObject({ call: 3, with: [9, 7] });
      expect(parseRoute('#/captures/c1/calls/3/with/3')).toEqual({
        view: 'ladder',
        capture: 'c1',
        call: 3,
        message: null,
      });
      expect(parseRoute('#/captures/c1/calls/3/with/3,3/messages/5')).toEqual({
        view: 'ladder',
        capture: 'c1',
        call: 3,
        message: 5,
      });
    });

    it('formats what it parses, and never writes the main call, a repeat or an empty list', () => {
      const routes: Route[] = [
        { view: 'ladder', capture: 'c 2', call: 0, message: null, with: [5] },
        { view: 'ladder', capture: 'c2', call: 7, message: 0, with: [9, 1, 4] },
        { view: 'ladder', capture: 'c2', call: 7, message: 12, compare: 3, with: [8] },
      ];
      for (const r of routes) expect(parseRoute(formatRoute(r))).toEqual(r);
      expect(formatRoute({ view: 'ladder', capture: 'c1', call: 3, message: null, with: [7, 9] })).toBe(
        '#/captures/c1/calls/3/with/7,9',
      );
      expect(formatRoute({ view: 'ladder', capture: 'c1', call: 3, message: 40, with: [9, 3, 9] })).toBe(
        '#/captures/c1/calls/3/with/9/messages/40',
      );
      expect(formatRoute({ view: 'ladder', capture: 'c1', call: 3, message: null, with: [] })).toBe(
        '#/captures/c1/calls/3',
      );
      expect(formatRoute({ view: 'ladder', capture: 'c1', call: 3, message: null, with: [3] })).toBe(
        '#/captures/c1/calls/3',
      );
    });

    it('ignores a damaged list, and what follows it: the call alone', () => {
      const alone = { view: 'ladder', capture: 'c1', call: 3, message: null };
      for (const tail of [
        'with',
        'with/',
        'with/7,,9',
        'with/7,x',
        'with/-1',
        'with/07',
        'with/7.5',
        'with/%37',
        'with/1e3',
        'with/7,9/messages/x/foo',
        'with/,/messages/40',
        'with/a/messages/40',
        `with/${Array.from({ length: MAX_WITH + 1 }, (_, i) => i + 10).join(',')}`,
      ]) {
        expect(parseRoute(`#/captures/c1/calls/3/${tail}`), tail).toMatchObject(alone);
      }
      expect(parseRoute('#/captures/c1/calls/3/with/a/messages/40')).toEqual(alone);
      // MAX_WITH ids are still a list.
      const most = Array.from({ length: MAX_WITH }, (_, i) => i + 10);
      expect(parseRoute(`#/captures/c1/calls/3/with/${most.join(',')}`)).toMatchObject({ with: most });
      expect(parseWith('7,9', 3)).toEqual([7, 9]);
      expect(parseWith('', 3)).toBeNull();
      expect(parseWith('7;9', 3)).toBeNull();
    });

    it('Esc keeps the other calls while closing the compare and the message, then goes to the list', () => {
      const cmp: Route = { view: 'ladder', capture: 'c1', call: 3, message: 9, compare: 11, with: [7] };
      const msg = parentRoute(cmp);
      expect(msg).toEqual({ view: 'ladder', capture: 'c1', call: 3, message: 9, with: [7] });
      const ladder = parentRoute(msg);
      expect(ladder).toEqual({ view: 'ladder', capture: 'c1', call: 3, message: null, with: [7] });
      expect(parentRoute(ladder)).toEqual({ view: 'calls', capture: 'c1' });
    });
  });
});
