/**
 * Splitting comma-separated header values (RFC 3261 §7.3.1):
 *
 *   "Multiple header field rows with the same field-name MAY be present in a
 *    message if and only if the entire field-value for that header field is
 *    defined as a comma-separated list [...]. It MUST be possible to combine
 *    the multiple header field rows into one "field-name: field-value" pair,
 *    without changing the semantics of the message, by appending each
 *    subsequent field-value to the first, each separated by a comma."
 *
 * A comma inside a quoted string (`"Bell, Alexander"`) or inside `<...>`
 * (a URI may hold commas in its user part) does not separate elements.
 */
import { skipLws, trimLwsEnd, unfold } from './chars.js';
import { addIssue, type IssueSink } from './issue.js';
import { scanQuoted } from './params.js';

export interface ListElement {
  /** The element, trimmed, folding collapsed. */
  value: string;
  /** Byte offset of the element's first byte. */
  offset: number;
  length: number;
}

/**
 * Splits `s[start, end)` at top-level commas. An empty range gives no element
 * (several list headers may be empty, e.g. `Supported:`); an empty element
 * between commas is an issue and is left out. An unterminated quoted string
 * (RFC 4475 §3.1.2.6) is an issue; the rest of the value is then one element.
 */
export function splitList(s: string, start: number, end: number, issues: IssueSink): ListElement[] {
  const r = splitRanges(s, start, end, issues);
  const out: ListElement[] = [];
  for (let k = 0; k < r.length; k += 2)
    out.push({ value: unfold(s.slice(r[k], r[k + 1])), offset: r[k], length: r[k + 1] - r[k] });
  return out;
}

/** `splitList` without the strings: element bounds as flat [start, end, start, end...] pairs. */
export function splitRanges(s: string, start: number, end: number, issues: IssueSink): number[] {
  const out: number[] = [];
  splitInto(s, start, end, issues, out);
  return out;
}

/** Above this much text after a value, `hasCommaOrQuote` scans by hand rather than with indexOf. */
const INDEXOF_SPAN = 4096;

/** True when `s[start, end)` holds a comma or a DQUOTE. */
function hasCommaOrQuote(s: string, start: number, end: number): boolean {
  if (s.length - start <= INDEXOF_SPAN) {
    // indexOf runs natively and much faster than a loop; it may look past `end`, bounded above.
    const comma = s.indexOf(',', start);
    if (comma >= 0 && comma < end) return true;
    const quote = s.indexOf('"', start);
    return quote >= 0 && quote < end;
  }
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x2c || c === 0x22) return true;
  }
  return false;
}

/**
 * `splitRanges` writing into `out` from index 0 (a scratch array the caller
 * reuses); returns how many numbers it wrote (twice the element count).
 */
export function splitInto(s: string, start: number, end: number, issues: IssueSink, out: number[]): number {
  let n = 0;
  start = skipLws(s, start, end);
  end = trimLwsEnd(s, start, end);
  if (start >= end) return n;
  // Fast path for the common single value: no comma and no quote means one element
  // (an unclosed "<" there is left to the element's own parser to report).
  if (!hasCommaOrQuote(s, start, end)) {
    out[n++] = start;
    out[n++] = end;
    return n;
  }
  let elemStart = start;
  let i = start;
  while (i <= end) {
    const c = i < end ? s.charCodeAt(i) : 0x2c; // a virtual comma closes the last element
    if (c === 0x22) {
      const close = scanQuoted(s, i, end);
      if (close < 0) {
        addIssue(
          issues,
          'syntax.unterminated-quote',
          'error',
          'quoted string is not terminated (RFC 3261 §25.1)',
          i,
          end - i,
        );
        i = end;
        continue;
      }
      i = close;
      continue;
    }
    if (c === 0x3c) {
      const close = s.indexOf('>', i + 1);
      if (close < 0 || close >= end) {
        addIssue(
          issues,
          'syntax.unterminated-angle',
          'error',
          '"<" without a matching ">" (RFC 3261 §25.1)',
          i,
          end - i,
        );
        i = end;
        continue;
      }
      i = close + 1;
      continue;
    }
    if (c === 0x2c) {
      const es = skipLws(s, elemStart, i);
      const ee = trimLwsEnd(s, es, i);
      if (ee > es) {
        out[n++] = es;
        out[n++] = ee;
      } else {
        addIssue(
          issues,
          'syntax.empty-list-element',
          'error',
          'empty element in a comma-separated header value (RFC 3261 §7.3.1)',
          i < end ? i : es,
          i < end ? 1 : 0,
        );
      }
      elemStart = i + 1;
    }
    i++;
  }
  return n;
}
