import { describe, expect, it } from 'vitest';
import { MAX_LIMIT, MAX_PATTERN_LENGTH, parseCallQuery, textMatcher } from '../../src/store/call-query.js';

const parse = (s: string) => parseCallQuery(new URLSearchParams(s));

describe('call list query parameters', () => {
  it('reads lists with ! exclusions, booleans, sort, order and paging', () => {
    expect(parse('kind=call,!Options, !registration&state=completed&method=invite&hasFindings=true')).toEqual(
      {
        ok: true,
        query: {
          kind: { include: ['call'], exclude: ['options', 'registration'] },
          state: { include: ['completed'], exclude: [] },
          method: { include: ['invite'], exclude: [] },
          hasFindings: true,
        },
      },
    );
    expect(parse('sort=pddMs&order=desc&offset=20&limit=50')).toEqual({
      ok: true,
      query: { sort: 'pddMs', order: 'desc', offset: 20, limit: 50 },
    });
    expect(parse('q=&kind=&sort=')).toEqual({ ok: true, query: {} });
    // A method is any token (RFC 3261 §25.1): one that no call has is still a filter.
    expect(parse('method=publish,!x-custom').ok).toBe(true);
    expect(parse('kind=Other&state=In-Call').ok).toBe(true);
  });

  it('refuses values it cannot read, naming the parameter', () => {
    for (const [qs, name] of [
      ['sort=color', 'sort'],
      ['order=up', 'order'],
      ['hasFindings=yes', 'hasFindings'],
      ['offset=-1', 'offset'],
      [`limit=${MAX_LIMIT + 1}`, 'limit'],
      ['limit=0', 'limit'],
      ['q=/(/', 'regular expression'],
      [`q=${'a'.repeat(MAX_PATTERN_LENGTH + 1)}`, 'q'],
      // What the list does not read is not dropped in silence: the answer would be unfiltered.
      ['q[]=zzzz', 'unknown parameter "q[]"'],
      ['kind[x]=call', 'unknown parameter "kind[x]"'],
      ['sortt=from', 'unknown parameter "sortt"'],
      ['q=a&q=b', 'q is given more than once'],
      // A kind or a state that is none of their few words is a typo, not a filter that matches nothing.
      ['kind=cal', 'kind "cal" is none of call, registration'],
      ['kind=call,!option', 'kind "option"'],
      ['state=answered', 'state "answered" is none of setup, ringing, in-call'],
    ]) {
      const r = parse(qs);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(name);
    }
  });

  it('matches free text case-insensitively and /re/ as a regular expression', () => {
    const text = textMatcher('ALICE@');
    const re = textMatcher('/^sip:[a-c]lice@/');
    if (typeof text === 'string' || typeof re === 'string') throw new Error('valid patterns refused');
    expect(text('sip:alice@example.com')).toBe(true);
    expect(text('sip:bob@example.com')).toBe(false);
    expect(re('SIP:Alice@example.com')).toBe(true);
    expect(re('tel:alice@')).toBe(false);
    // A slash alone, or at one end only, is plain text.
    const slash = textMatcher('/');
    if (typeof slash === 'string') throw new Error('refused');
    expect(slash('a/b')).toBe(true);
  });
});
