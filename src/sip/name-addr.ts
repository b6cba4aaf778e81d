/**
 * name-addr / addr-spec with header parameters, as in From, To, Contact,
 * Route, Record-Route, Reply-To, Refer-To, P-Asserted-Identity (RFC 3261 §20,
 * §25.1):
 *
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 *
 * RFC 3261 §20.10: "If the URI is not enclosed in angle brackets, any
 * semicolon-delimited parameters are header-parameters, not URI parameters."
 * and: "when the header field value contains a display name, the URI
 * including all URI parameters is enclosed in "<" and ">". [...] if the URI
 * contains a comma, question mark or semicolon, the URI MUST be enclosed in
 * angle brackets."
 */
import { LWS, skipLws, TOKEN, trimLwsEnd, unfold } from './chars.js';
import { addIssue, type IssueSink } from './issue.js';
import { type Params, parseParams, scanQuoted, unquote } from './params.js';
import { checkFresh, cleanUriKind, firstUnsafe } from './uri.js';

export interface NameAddr {
  /** Display name, unquoted (quoted-pairs resolved); absent when none was written. */
  display?: string;
  /** The URI as written, without `<>`. */
  uri: string;
  /** Byte offset of `uri` in the message. */
  uriOffset: number;
  /** The `tag` header parameter (From/To, RFC 3261 §19.3). */
  tag?: string;
  /** Header parameters (not the URI's own), names lowercased; read-only (one frozen object when there are none). */
  params: Params;
  /** Byte offset of the element in the message. */
  offset: number;
  length: number;
}

/** The `params` of every NameAddr without header parameters (frozen: shared by all of them). */
const NO_PARAMS: Params = Object.freeze({}) as Params;

function isLws(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Parses one element `s[start, end)`. With an issue sink, the URI is parsed
 * too and its problems reported; without one (lazy accessors) it is not.
 * Returns `null` for an empty element.
 */
export function parseNameAddr(s: string, start: number, end: number, issues: IssueSink): NameAddr | null {
  let i = skipLws(s, start, end);
  end = trimLwsEnd(s, i, end);
  const offset = i;
  if (i >= end) {
    addIssue(issues, 'syntax.header-value', 'error', 'empty value where a name-addr is required', start, 0);
    return null;
  }
  let display: string | undefined;
  let laquot = -1;
  if (s.charCodeAt(i) === 0x22) {
    const close = scanQuoted(s, i, end);
    if (close < 0) {
      // RFC 4475 §3.1.2.6 (quotbal).
      addIssue(
        issues,
        'syntax.unterminated-quote',
        'error',
        'display name quoted string is not terminated (RFC 3261 §25.1)',
        i,
        end - i,
      );
      const lt = s.lastIndexOf('<', end - 1);
      if (lt <= i)
        return {
          display: unquote(s, i, end),
          uri: '',
          uriOffset: end,
          params: {},
          offset,
          length: end - offset,
        };
      display = unfold(s.slice(i + 1, trimLwsEnd(s, i + 1, lt)));
      laquot = lt;
    } else {
      display = unquote(s, i, close);
      const j = skipLws(s, close, end);
      if (j >= end || s.charCodeAt(j) !== 0x3c) {
        addIssue(
          issues,
          'syntax.name-addr',
          'error',
          'a quoted display name must be followed by "<URI>" (RFC 3261 §25.1 name-addr)',
          close,
          end - close,
        );
        return { display, uri: '', uriOffset: j, params: {}, offset, length: end - offset };
      }
      laquot = j;
    }
  } else {
    for (let k = i; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c === 0x3c) {
        laquot = k;
        break;
      }
      if (c === 0x3b) break; // header parameters of a bare addr-spec
      if (c === 0x22) {
        const close = scanQuoted(s, k, end);
        if (close < 0) break;
        k = close - 1;
      }
    }
    if (laquot > i) {
      const dEnd = trimLwsEnd(s, i, laquot);
      // RFC 4475 §3.1.2.15 (baddn): an unquoted display name is tokens and LWS only.
      for (let k = issues === null ? dEnd : i; k < dEnd; k++) {
        const c = s.charCodeAt(k);
        if (!isLws(c) && (c > 0xff || TOKEN[c] === 0)) {
          addIssue(
            issues,
            'syntax.display-name',
            'error',
            `display name has "${s[k]}", which needs a quoted string (RFC 3261 §25.1 display-name)`,
            i,
            dEnd - i,
          );
          break;
        }
      }
      display = unfold(s.slice(i, dEnd));
    }
  }
  let uriStart: number;
  let uriEnd: number;
  let uri: string;
  /** The URI's kind when `checkUri` already found it clean (then it has no char to escape). */
  let clean: string | undefined;
  /** First char of the URI that must be escaped (only looked for when issues are wanted). */
  let unsafe = -1;
  if (laquot >= 0) {
    const gt = s.indexOf('>', laquot + 1);
    const close = gt < 0 || gt >= end ? end : gt;
    if (close === end) {
      addIssue(
        issues,
        'syntax.unterminated-angle',
        'error',
        '"<" without a matching ">" (RFC 3261 §25.1)',
        laquot,
        end - laquot,
      );
    }
    uriStart = skipLws(s, laquot + 1, close);
    uriEnd = trimLwsEnd(s, uriStart, close);
    uri = s.slice(uriStart, uriEnd);
    // Whitespace is among the chars a URI must escape: look for it only after the first of those.
    if (issues !== null) {
      clean = cleanUriKind(uri);
      if (clean === undefined) unsafe = firstUnsafe(s, uriStart, uriEnd);
    }
    let inner = -1;
    for (let k = unsafe < 0 ? uriEnd : unsafe; k < uriEnd; k++) {
      if (isLws(s.charCodeAt(k))) {
        inner = k;
        break;
      }
    }
    if (uriStart > laquot + 1 || uriEnd < close || inner >= 0) {
      // RFC 4475 §3.1.2.14 (badaspec): "< sip:t.watson@example.org >".
      addIssue(
        issues,
        'syntax.addr-spec-space',
        'error',
        'whitespace inside "<...>" around or within the URI (RFC 3261 §25.1 name-addr)',
        laquot,
        (close < end ? close + 1 : end) - laquot,
      );
    }
    i = close < end ? close + 1 : end;
  } else {
    uriStart = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 0x3b || (c < 0x100 && LWS[c] === 1)) break;
      i++;
    }
    uriEnd = i;
    uri = s.slice(uriStart, uriEnd);
    if (issues !== null) {
      clean = cleanUriKind(uri);
      if (clean === undefined) unsafe = firstUnsafe(s, uriStart, uriEnd);
    }
    const q = s.indexOf('?', uriStart);
    if (q >= 0 && q < uriEnd) {
      // RFC 4475 §3.1.2.13 (regbadct): a URI with headers must be in "<>".
      addIssue(
        issues,
        'syntax.uri-not-enclosed',
        'error',
        'a URI containing "?" must be enclosed in "<>" (RFC 3261 §20.10)',
        uriStart,
        uriEnd - uriStart,
      );
    }
  }
  // Most Contacts and a dialog-forming To have no header parameter: they share one empty object.
  const semi = skipLws(s, i, end);
  const params = semi < end && s.charCodeAt(semi) === 0x3b ? {} : NO_PARAMS;
  // All fields present (undefined when absent) so every NameAddr has one shape.
  const na: NameAddr = {
    display,
    uri,
    uriOffset: uriStart,
    tag: undefined,
    params,
    offset,
    length: end - offset,
  };
  i = params === NO_PARAMS ? semi : parseParams(s, i, end, params, issues);
  if (i < end) {
    addIssue(
      issues,
      'syntax.header-value',
      'error',
      `unexpected "${s.slice(i, Math.min(end, i + 20))}" after the URI (RFC 3261 §25.1)`,
      i,
      end - i,
    );
  }
  const tag = na.params.tag;
  if (typeof tag === 'string') na.tag = tag;
  else if (tag === true)
    addIssue(
      issues,
      'syntax.param',
      'error',
      'tag parameter without a value (RFC 3261 §19.3)',
      offset,
      end - offset,
    );
  if (issues !== null && uri !== '' && clean === undefined) checkFresh(uri, uriStart, issues, unsafe < 0);
  return na;
}
