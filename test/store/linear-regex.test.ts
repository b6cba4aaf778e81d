/**
 * The search's `/regex/` on V8's linear-time engine (src/store/linear-regex.ts):
 * a pattern that makes a backtracking engine take exponential time, typed in
 * the web UI's search box, must not hold the server; case is still folded.
 */
import { describe, expect, it } from 'vitest';
import { textMatcher } from '../../src/store/call-query.js';
import { linearTest, lowerCasedPattern } from '../../src/store/linear-regex.js';

const must = (q: string) => {
  const t = textMatcher(q);
  if (typeof t === 'string') throw new Error(`${q} refused: ${t}`);
  return t;
};

describe('regex search in linear time', () => {
  it('catastrophic patterns answer: /(.+)+#/ and /(a+)+$/ over a 1,000-character field', () => {
    // A backtracking engine tries ~2^n ways to split these before failing: n = 1,000 would never end.
    const from = `sip:${'a'.repeat(996)}`;
    expect(must('/(.+)+#/')(from)).toBe(false);
    expect(must('/(a+)+$/')(`${from}!`)).toBe(false);
    expect(must('/(a|aa)+b/')(from)).toBe(false);
    expect(must('/(.+)+#/')(`${from}#`)).toBe(true);
  });

  it('case-insensitive as before (flag i): letters fold, escapes keep their meaning', () => {
    expect(must('/ALICE@/')('sip:alice@example.com')).toBe(true);
    expect(must('/^sip:[A-C]lice@/')('SIP:Alice@example.com')).toBe(true);
    // \D is "not a digit", not \d: an escape's letter is not lower-cased.
    expect(must('/^\\D+$/')('Alice')).toBe(true);
    expect(must('/^\\D+$/')('alice1')).toBe(false);
    expect(must('/\\bBOB\\b/')('sip:bob@x')).toBe(true);
    expect(must('/^\\S+@\\W/')('Bob@.x')).toBe(true);
    expect(must('/^100000-/')('100000-7@127.0.0.1')).toBe(true);
  });

  it('lowerCasedPattern keeps escapes, \\p{…} names and group names as written', () => {
    expect(lowerCasedPattern('A\\DB\\p{Lu}(?<Name>X)\\k<Name>[A-Z]\\u{1F600}')).toBe(
      'a\\Db\\p{Lu}(?<Name>x)\\k<Name>[a-z]\\u{1F600}',
    );
    expect(lowerCasedPattern('(?=A)(?!B)(?<=C)(?<!D)')).toBe('(?=a)(?!b)(?<=c)(?<!d)');
  });

  it('what the linear engine cannot run is refused with the reason, never run by backtracking', () => {
    for (const q of ['/(a)\\1/', '/(?=a)b/', '/(?<!x)y/', '/x{1000}/']) {
      const t = textMatcher(q);
      expect(typeof t, q).toBe('string');
      expect(t, q).toMatch(/cannot be searched in linear time/);
    }
    expect(linearTest('(')).toMatch(/not a valid regular expression/);
  });
});
