import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiteral } from '../../src/store/regex-literal.js';

describe('requiredLiteral: text every match of a /regex/ search contains (the SQLite prefilter)', () => {
  it('reads plain runs, escaped punctuation and anchors, lower-cased', () => {
    expect(requiredLiteral('^100000-')).toBe('100000-');
    expect(requiredLiteral('Alice@Example\\.com$')).toBe('alice@example.com');
    expect(requiredLiteral('^sip:[a-c]lice@')).toBe('lice@');
    expect(requiredLiteral('^many-1[0-4]\\d@')).toBe('many-1');
    expect(requiredLiteral('bob.*@biloxi')).toBe('@biloxi');
  });

  it('ends a run at a character that may be absent or repeated', () => {
    // `s?` may be absent: "sip" is not required, "ip:" is.
    expect(requiredLiteral('s?ip:x')).toBe('ip:x');
    // `a+` is there at least once: "ba" is required, "bac" is not (baac).
    expect(requiredLiteral('ba+c')).toBe('ba');
    expect(requiredLiteral('abc*d')).toBe('ab');
    expect(requiredLiteral('abc{0,2}de')).toBe('ab');
    expect(requiredLiteral('[0-9]+abc')).toBe('abc');
    expect(requiredLiteral('\\d+xy\\w*')).toBe('xy');
  });

  it('answers null for what it does not read: alternation, groups, other escapes, short runs', () => {
    for (const p of [
      'alice|bob',
      '(alice)',
      'a(?=b)cd',
      '\\x41bc',
      '\\u0041bc',
      '(ab)\\1',
      'a',
      'a.b.c',
      '',
      '*ab',
      'é-ab',
    ])
      expect(requiredLiteral(p)).toBeNull();
  });

  it('never names text that a match can lack (random patterns and strings)', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      'c',
      'A',
      'B',
      '1',
      '-',
      '@',
      '.',
      '^',
      '$',
      '*',
      '+',
      '?',
      '{1,2}',
      '{0}',
      '\\.',
      '\\d',
      '\\w',
      '\\b',
      '[ab]',
      '[^a]',
      '[]a]',
      '[^]',
      '(',
      ')',
      '|',
      '(?:',
      '??',
    );
    const text = fc.stringMatching(/^[abcAB1\-@.]{0,12}$/);
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(atom, { maxLength: 10 }),
        fc.array(text, { minLength: 1, maxLength: 20 }),
        (atoms, texts) => {
          const source = atoms.join('');
          let re: RegExp;
          try {
            re = new RegExp(source, 'i');
          } catch {
            return;
          }
          const lit = requiredLiteral(source, 1);
          if (lit === null) return;
          for (const t of texts) {
            if (!re.test(t)) continue;
            checked++;
            expect(t.toLowerCase(), `/${source}/i matched ${JSON.stringify(t)}`).toContain(lit);
          }
        },
      ),
      { numRuns: 3000 },
    );
    // The property had matches to check (a generator that never matched would test nothing).
    expect(checked).toBeGreaterThan(100);
  });
});
