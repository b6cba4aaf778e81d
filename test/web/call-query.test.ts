/** The call list's filters as the API's query parameters (server/API.md "Calls"). */
import { describe, expect, it } from 'vitest';
import { callQuery, DEFAULT_FILTER, kindParam, regexError, toggleSort } from '../../web/src/calls/query.js';

const params = (s: string) => Object.fromEntries(new URLSearchParams(s));

describe('call list query', () => {
  it('asks for the default sort and one window only', () => {
    expect(params(callQuery(DEFAULT_FILTER, 400, 200))).toEqual({
      sort: 'start',
      order: 'asc',
      offset: '400',
      limit: '200',
    });
  });

  it('hides OPTIONS and REGISTER in one click by excluding their kinds', () => {
    expect(kindParam({ kinds: [], hideOptionsRegister: true })).toBe('!options,!registration');
    expect(kindParam({ kinds: ['call', 'options'], hideOptionsRegister: true })).toBe('call');
    expect(kindParam({ kinds: ['options'], hideOptionsRegister: true })).toBe('!options');
    expect(kindParam({ kinds: ['call', 'message'], hideOptionsRegister: false })).toBe('call,message');
  });

  it('passes state, method, has-findings, text and sort', () => {
    const q = callQuery(
      {
        ...DEFAULT_FILTER,
        q: ' /^alice.*@ex/ ',
        states: ['busy', 'rejected'],
        method: 'invite',
        hasFindings: 'yes',
        sort: 'pddMs',
        order: 'desc',
      },
      0,
      5000,
    );
    expect(params(q)).toEqual({
      q: '/^alice.*@ex/',
      state: 'busy,rejected',
      method: 'INVITE',
      hasFindings: 'true',
      sort: 'pddMs',
      order: 'desc',
      offset: '0',
      limit: '1000',
    });
    expect(params(callQuery({ ...DEFAULT_FILTER, hasFindings: 'no' }, 0, 1)).hasFindings).toBe('false');
  });

  it('flips the order when the same header is clicked again', () => {
    const a = toggleSort(DEFAULT_FILTER, 'durationMs');
    expect([a.sort, a.order]).toEqual(['durationMs', 'asc']);
    const b = toggleSort(a, 'durationMs');
    expect([b.sort, b.order]).toEqual(['durationMs', 'desc']);
    const c = toggleSort(b, 'from');
    expect([c.sort, c.order]).toEqual(['from', 'asc']);
  });

  it('tells an invalid /regex/ before the server answers 400, and leaves plain text alone', () => {
    expect(regexError('/(unclosed/')).not.toBeNull();
    expect(regexError('/^ok$/')).toBeNull();
    expect(regexError('(not a regex')).toBeNull();
  });
});
