/**
 * A piece of text that every match of a search regex must contain, so that
 * the SQLite store (sqlite-call-list.ts) can skip, with SQLite's own `LIKE`
 * over each call's texts, the calls a regex cannot match, and run the regex
 * (a JavaScript function called per row) only on the others: `/^100000-/`
 * over 200,000 calls took ~116 ms as one call per row, most of it parsing
 * each call's texts for a regex that fails at once.
 *
 * Conservative by construction: it reads only a plain subset of the pattern
 * syntax and answers null for anything else (alternation, groups, most
 * escapes, non-ASCII text), since a wrong answer would hide calls that
 * match. The answer is ASCII, lower-cased: with the `i` flag and without
 * `u`, an ASCII letter matches only itself in either case (ECMA-262
 * Canonicalize maps no non-ASCII character to an ASCII one), which is what
 * `LIKE` compares case-insensitively.
 */

/** Characters taken as themselves when unescaped: none is special in a pattern outside a class. */
const PLAIN = /^[a-z0-9@\-_:;=,%~!#&'"<>/ ]$/i;
/** Escapes of one character that stand for the character itself. */
const ESCAPED_SELF = /^[.\-/\\@:_=,%~!#&'"<> ]$/;
/** Escapes of one character that match one character of a class (or none: \b, \B): they end a run. */
const ESCAPED_CLASS = /^[dDwWsSbB]$/;

/**
 * The longest run of at least `min` characters that every match of the
 * regex `source` (flags `i`) contains, lower-cased; null when the pattern
 * is beyond this reader or has no such run.
 */
export function requiredLiteral(source: string, min = 2): string | null {
  if (source.includes('|')) return null;
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    let literal: string | null = null;
    if (c === '\\') {
      const e = source[++i];
      if (e === undefined) return null;
      if (ESCAPED_SELF.test(e)) literal = e;
      // \x41, \u0041, \cA, back-references, \k<name>…: not read here.
      else if (!ESCAPED_CLASS.test(e)) return null;
    } else if (c === '[') {
      // A class matches one character: skip it (escapes inside included).
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return null;
      i = j;
    } else if (PLAIN.test(c)) literal = c;
    else if (c !== '.' && c !== '^' && c !== '$' && c !== ']') {
      // Groups, a quantifier with nothing before it, non-ASCII text…: not read here.
      return null;
    }
    // The quantifier of this atom, if any.
    const q = source[i + 1];
    const n = quantifierLength(source, i + 1);
    i += n;
    if (literal === null || (n > 0 && q !== '+')) {
      // One character of a class, a zero-width assertion, or an atom that may be absent: the run ends.
      end();
      continue;
    }
    run += literal.toLowerCase();
    // `x+`: x is there, but maybe repeated: what follows is not next to it for sure.
    if (n > 0) end();
  }
  end();
  return best.length >= min ? best : null;
}

/**
 * Source characters of the quantifier at `at` (`*`, `+`, `?`, `*?`, `{2,5}`…);
 * 0 when none. Any `{…}` counts as one that may repeat zero times.
 */
function quantifierLength(source: string, at: number): number {
  const c = source[at];
  let n = 0;
  if (c === '*' || c === '?' || c === '+') n = 1;
  else if (c === '{') {
    const close = source.indexOf('}', at);
    n = close < 0 ? source.length - at : close - at + 1;
  }
  // A lazy quantifier (`*?`).
  if (n > 0 && source[at + n] === '?') n++;
  return n;
}
