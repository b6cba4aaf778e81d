/**
 * Header parameters and quoted strings (RFC 3261 §25.1, §7.3.1):
 *
 *   generic-param = token [ EQUAL gen-value ]
 *   gen-value     = token / host / quoted-string
 *   quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 *   quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 *   SEMI = SWS ";" SWS   EQUAL = SWS "=" SWS
 *
 * Scanners work on the message text between two offsets, so offsets in issues
 * are byte offsets; CR and LF count as whitespace because a folded value
 * still holds them.
 */
import { LWS, scanToken, skipLws, unfold } from './chars.js';
import { addIssue, type IssueSink } from './issue.js';

export type Params = Record<string, string | true>;

/**
 * From the opening `"` at `i`, returns the index just past the closing quote,
 * or -1 when the string is not terminated before `end`.
 */
export function scanQuoted(s: string, i: number, end: number): number {
  for (let k = i + 1; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x5c)
      k++; // backslash: skip the escaped char
    else if (c === 0x22) return k + 1;
  }
  return -1;
}

/** Content of a quoted string `s[start, end)` (quotes included) with quoted-pairs resolved. */
export function unquote(s: string, start: number, end: number): string {
  let inner = s.slice(start + 1, s.charCodeAt(end - 1) === 0x22 && end - 1 > start ? end - 1 : end);
  if (inner.indexOf('\\') >= 0) inner = inner.replace(/\\([\s\S])/g, '$1');
  return unfold(inner);
}

/** Parameter names seen in nearly every message; none is an Object.prototype member. */
const COMMON = [
  'tag',
  'branch',
  'received',
  'rport',
  'lr',
  'transport',
  'user',
  'maddr',
  'ttl',
  'expires',
  'q',
  'method',
  'ob',
  'line',
  'reg-id',
  'alias',
  'gr',
];
const COMMON_SET = new Set(COMMON);
/** Indexes into COMMON by name length. */
const COMMON_BY_LENGTH: number[][] = [];
for (let k = 0; k < COMMON.length; k++) (COMMON_BY_LENGTH[COMMON[k].length] ??= []).push(k);

/** Index in COMMON of the name written at `s[start, end)` in any case, or -1. */
function commonIndex(s: string, start: number, end: number): number {
  const list = COMMON_BY_LENGTH[end - start];
  if (list === undefined) return -1;
  for (let k = 0; k < list.length; k++) {
    const name = COMMON[list[k]];
    let i = 0;
    for (; i < name.length; i++) {
      let c = s.charCodeAt(start + i);
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== name.charCodeAt(i)) break;
    }
    if (i === name.length) return list[k];
  }
  return -1;
}

/**
 * Lowercased name of the parameter written at `s[start, end)`. Common names
 * come back as the same constant strings, which saves an allocation and makes
 * the property store on the params object cheap (no string internalisation).
 */
export function paramName(s: string, start: number, end: number): string {
  const k = commonIndex(s, start, end);
  return k >= 0 ? COMMON[k] : s.slice(start, end).toLowerCase();
}

/** Adds a parameter unless already there (first wins); safe for any name, `__proto__` included. */
export function setParam(out: Params, name: string, value: string | true): void {
  if (COMMON_SET.has(name) ? out[name] !== undefined : Object.hasOwn(out, name)) return;
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true });
  else out[name] = value;
}

/**
 * `setParam` for COMMON[k], with a store of a constant property name: V8
 * handles those with a cheap map transition instead of a generic keyed store.
 */
function setCommon(out: Params, k: number, value: string | true): void {
  switch (k) {
    case 0:
      if (out.tag === undefined) out.tag = value;
      return;
    case 1:
      if (out.branch === undefined) out.branch = value;
      return;
    case 2:
      if (out.received === undefined) out.received = value;
      return;
    case 3:
      if (out.rport === undefined) out.rport = value;
      return;
    case 4:
      if (out.lr === undefined) out.lr = value;
      return;
    case 5:
      if (out.transport === undefined) out.transport = value;
      return;
    default: {
      const name = COMMON[k];
      if (out[name] === undefined) out[name] = value;
    }
  }
}

/** Chars that end an unquoted parameter value inside a header: LWS ; , " < > */
const VALUE_END = new Uint8Array(256);
for (let c = 0; c < 256; c++) VALUE_END[c] = LWS[c];
for (const c of ';,"<>') VALUE_END[c.charCodeAt(0)] = 1;

/**
 * Parses `*( SEMI generic-param )` from `i`, adding each parameter to `out`
 * (names lowercased, the first occurrence wins, quoted values unquoted). Stops
 * at the first char that does not continue a parameter list and returns its
 * index: the caller decides whether what follows is allowed.
 */
export function parseParams(s: string, i: number, end: number, out: Params, issues: IssueSink): number {
  for (;;) {
    i = skipLws(s, i, end);
    if (i >= end || s.charCodeAt(i) !== 0x3b) return i;
    const semi = i;
    i = skipLws(s, i + 1, end);
    const nameStart = i;
    i = scanToken(s, i, end);
    if (i === nameStart) {
      // RFC 4475 §3.1.2.1 (badinv01): ";;" is an empty parameter, not a parameter.
      addIssue(
        issues,
        'syntax.param',
        'error',
        'empty or malformed parameter after ";" (RFC 3261 §25.1)',
        semi,
        1,
      );
      if (i < end && s.charCodeAt(i) !== 0x3b && s.charCodeAt(i) !== 0x2c) {
        // Skip junk up to the next parameter so the scan keeps moving.
        while (i < end && s.charCodeAt(i) !== 0x3b) i++;
      }
      continue;
    }
    const k = commonIndex(s, nameStart, i);
    const name = k >= 0 ? COMMON[k] : s.slice(nameStart, i).toLowerCase();
    let j = skipLws(s, i, end);
    if (j < end && s.charCodeAt(j) === 0x3d) {
      j = skipLws(s, j + 1, end);
      let value: string;
      if (j < end && s.charCodeAt(j) === 0x22) {
        const close = scanQuoted(s, j, end);
        if (close < 0) {
          addIssue(
            issues,
            'syntax.unterminated-quote',
            'error',
            'quoted parameter value is not terminated (RFC 3261 §25.1)',
            j,
            end - j,
          );
          value = unquote(s, j, end);
          i = end;
        } else {
          value = unquote(s, j, close);
          i = close;
        }
      } else {
        const vs = j;
        if (j < end && s.charCodeAt(j) === 0x5b) {
          // host = IPv6reference "[" IPv6address "]"
          const close = s.indexOf(']', j);
          j = close < 0 || close >= end ? end : close + 1;
        }
        while (j < end) {
          const c = s.charCodeAt(j);
          if (c < 0x100 && VALUE_END[c] === 1) break;
          j++;
        }
        if (j === vs) {
          addIssue(
            issues,
            'syntax.param',
            'error',
            `parameter "${name}" has "=" but no value (RFC 3261 §25.1)`,
            semi,
            j - semi,
          );
        }
        value = s.slice(vs, j);
        i = j;
      }
      if (k >= 0) setCommon(out, k, value);
      else setParam(out, name, value);
    } else if (k >= 0) setCommon(out, k, true);
    else setParam(out, name, true);
  }
}
