/**
 * The search box's `/regex/` run in linear time. A backtracking engine
 * takes exponential time on patterns such as `/(.+)+#/` or `/(a+)+$/`: one
 * such search, typed by anyone who can reach the web UI, held the server's
 * only thread for minutes (a reviewer measured 29 s on a 10-call capture,
 * every other request waiting). V8's experimental engine runs a pattern as
 * an automaton, in time linear in the text, whatever the pattern.
 *
 * That engine takes no `i` flag (V8 11), so case is folded by hand: the text
 * is lower-cased, and so is the pattern outside its escapes (`\D`, `\W`,
 * `\S`, `\B`, `\p{Lu}`, `\cJ` keep their meaning) and group names. What
 * the engine cannot run in linear time (backreferences, lookarounds, large
 * counted repetitions such as `x{1000}`) is refused with that reason,
 * never run on the backtracking engine.
 */
import v8 from 'node:v8';

// Only lets patterns carry the `l` flag (run on the linear engine): nothing else changes.
v8.setFlagsFromString('--enable-experimental-regexp-engine');

/** The pattern with its literal characters lower-cased: escapes, group names and property names kept. */
export function lowerCasedPattern(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (c === '\\') {
      // An escape: `\p{…}`, `\P{…}`, `\u{…}`, `\k<…>` whole; others their two characters.
      const n = p[i + 1] ?? '';
      let end = i + 2;
      if ((n === 'p' || n === 'P' || n === 'u') && p[end] === '{') {
        const close = p.indexOf('}', end);
        end = close < 0 ? p.length : close + 1;
      } else if (n === 'k' && p[end] === '<') {
        const close = p.indexOf('>', end);
        end = close < 0 ? p.length : close + 1;
      }
      out += p.slice(i, end);
      i = end;
    } else if (c === '(' && p.startsWith('(?<', i) && p[i + 3] !== '=' && p[i + 3] !== '!') {
      // A named group: its name as written (a `\k<name>` must find it).
      const close = p.indexOf('>', i);
      const end = close < 0 ? p.length : close + 1;
      out += p.slice(i, end);
      i = end;
    } else {
      out += c.toLowerCase();
      i++;
    }
  }
  return out;
}

/**
 * A case-insensitive test for `source` (a pattern without its slashes) run on the linear
 * engine, or the error: not a valid pattern, or not one it can run in linear time.
 */
export function linearTest(source: string): ((s: string) => boolean) | string {
  let re: RegExp;
  try {
    new RegExp(source, 'i');
  } catch (e) {
    return `q is not a valid regular expression: ${(e as Error).message}`;
  }
  try {
    re = new RegExp(lowerCasedPattern(source), 'l');
  } catch {
    return 'q cannot be searched in linear time: backreferences, lookarounds and counted repetitions over a few dozen are not supported';
  }
  return (s) => re.test(s.toLowerCase());
}
