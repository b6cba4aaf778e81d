/**
 * The first line of a SIP message (RFC 3261 §7.1, §7.2):
 *
 *   Request-Line = Method SP Request-URI SP SIP-Version CRLF
 *   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 *
 * `parseStartLine` answers `null` only when the line is not SIP at all (an
 * HTTP line, binary junk). A line that is recognisably SIP but broken (extra
 * spaces, unknown version, 4294967301 as a status code, a missing part) gives
 * best-effort fields plus error issues.
 */
import { isDigit, TOKEN } from './chars.js';
import { addIssue, type IssueSink } from './issue.js';

export interface RequestLine {
  kind: 'request';
  method: string;
  /** Request-URI as written (without the `<>` some senders wrongly add). */
  uri: string;
  /** Byte offset of `uri` in the text. */
  uriOffset: number;
  version: string;
}

export interface StatusLine {
  kind: 'response';
  version: string;
  /** Status-Code as a number, even when out of range (an issue says so); 0 when absent. */
  status: number;
  reason: string;
}

export type StartLine = RequestLine | StatusLine;

const SP = 0x20;
const HT = 0x09;

function startsWithSipSlash(s: string, i: number, end: number): boolean {
  return (
    end - i >= 4 &&
    (s.charCodeAt(i) | 0x20) === 0x73 && // s
    (s.charCodeAt(i + 1) | 0x20) === 0x69 && // i
    (s.charCodeAt(i + 2) | 0x20) === 0x70 && // p
    s.charCodeAt(i + 3) === 0x2f // /
  );
}

/**
 * RFC 3261 §7.1: "SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT" and "The
 * SIP-Version string is case-insensitive". Only 2.0 is understood: anything
 * else would be answered 505 Version Not Supported (RFC 3261 §21.5.6).
 */
function checkVersion(s: string, start: number, end: number, issues: IssueSink): void {
  if (isSip20(s, start, end)) return;
  const v = s.slice(start, end);
  if (/^sip\/2\.0$/i.test(v)) return;
  const well = /^sip\/\d+\.\d+$/i.test(v);
  addIssue(
    issues,
    'syntax.version',
    'error',
    well
      ? `unsupported SIP version ${v} (RFC 3261 §7.1: SIP/2.0)`
      : `malformed SIP-Version "${v}" (RFC 3261 §7.1)`,
    start,
    end - start,
  );
}

/** `s[start, end)` is "SIP/2.0" in any case, compared in place. */
function isSip20(s: string, start: number, end: number): boolean {
  return (
    end - start === 7 &&
    startsWithSipSlash(s, start, end) &&
    s.charCodeAt(start + 4) === 0x32 &&
    s.charCodeAt(start + 5) === 0x2e &&
    s.charCodeAt(start + 6) === 0x30
  );
}

const SIP_2_0 = 'SIP/2.0';

/** The version as written: the constant when it is exactly "SIP/2.0" (no allocation), else a slice. */
function versionString(s: string, start: number, end: number): string {
  return end - start === 7 && s.startsWith(SIP_2_0, start) ? SIP_2_0 : s.slice(start, end);
}

/** Methods handed out as constants when written exactly so (RFC 3261 §7.1 and extensions). */
const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'UPDATE',
  'INFO',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'MESSAGE',
  'PUBLISH',
];

/** The method written at `s[start, end)`: one of METHODS when it is exactly that, else a slice. */
export function methodString(s: string, start: number, end: number): string {
  const n = end - start;
  for (let k = 0; k < METHODS.length; k++) {
    const m = METHODS[k];
    if (m.length === n && s.startsWith(m, start)) return m;
  }
  return s.slice(start, end);
}

/** Reason-Phrases handed out as constants when written exactly so. */
const REASONS = ['Trying', 'Ringing', 'OK', 'Session Progress', 'Unauthorized', 'Request Terminated'];

function reasonString(s: string, start: number, end: number): string {
  const n = end - start;
  for (let k = 0; k < REASONS.length; k++) {
    const r = REASONS[k];
    if (r.length === n && s.startsWith(r, start)) return r;
  }
  return s.slice(start, end);
}

/** Start/end pairs of the words of a Request-Line (reused: parsing is not re-entrant). */
const PARTS = new Int32Array(516);

/** Parses the start line `s[start, end)` (line end excluded). */
export function parseStartLine(s: string, start: number, end: number, issues: IssueSink): StartLine | null {
  if (startsWithSipSlash(s, start, end)) return parseStatusLine(s, start, end, issues);
  return parseRequestLine(s, start, end, issues);
}

function parseStatusLine(s: string, start: number, end: number, issues: IssueSink): StatusLine {
  let i = start;
  while (i < end && s.charCodeAt(i) !== SP && s.charCodeAt(i) !== HT) i++;
  const version = versionString(s, start, i);
  checkVersion(s, start, i, issues);
  const sepStart = i;
  while (i < end && (s.charCodeAt(i) === SP || s.charCodeAt(i) === HT)) i++;
  if (i === end) {
    addIssue(
      issues,
      'syntax.status-code',
      'error',
      'Status-Line has no Status-Code (RFC 3261 §7.2)',
      start,
      end - start,
    );
    return { kind: 'response', version, status: 0, reason: '' };
  }
  if (i - sepStart !== 1 || s.charCodeAt(sepStart) !== SP) {
    addIssue(
      issues,
      'syntax.start-line',
      'error',
      'Status-Line elements must be separated by exactly one SP (RFC 3261 §7.2)',
      sepStart,
      i - sepStart,
    );
  }
  const codeStart = i;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  const codeEnd = i;
  let status = 0;
  for (let k = codeStart; k < codeEnd; k++) status = status * 10 + (s.charCodeAt(k) - 0x30);
  // RFC 3261 §7.2: "The Status-Code is a 3-digit integer result code"; §21 defines 1xx..6xx.
  const nextOk = codeEnd === end || s.charCodeAt(codeEnd) === SP;
  if (codeEnd - codeStart !== 3 || status < 100 || status > 699 || !nextOk) {
    let bad = codeEnd;
    while (bad < end && s.charCodeAt(bad) !== SP) bad++;
    addIssue(
      issues,
      'syntax.status-code',
      'error',
      `Status-Code "${s.slice(codeStart, bad)}" is not a 3-digit code in 100..699 (RFC 3261 §7.2, §21)`,
      codeStart,
      bad - codeStart,
    );
    if (!nextOk) i = bad;
  }
  if (i === end) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase: the SP is required,
    // the Reason-Phrase may be empty. Harmless, so only a warning.
    if (codeEnd === i) {
      addIssue(
        issues,
        'syntax.start-line',
        'warning',
        'no SP after the Status-Code (RFC 3261 §7.2 requires one even with an empty Reason-Phrase)',
        i,
        0,
      );
    }
    return { kind: 'response', version, status, reason: '' };
  }
  checkReasonControls(s, i + 1, end, issues);
  return { kind: 'response', version, status, reason: reasonString(s, i + 1, end) };
}

/**
 * RFC 3261 §25.1: "Reason-Phrase = *(reserved / unreserved / escaped /
 * UTF8-NONASCII / UTF8-CONT / SP / HTAB)": no control character but HTAB.
 * One (an ESC, a BEL) makes the line malformed; the message is still read.
 */
function checkReasonControls(s: string, start: number, end: number, issues: IssueSink): void {
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if ((c < SP && c !== HT) || c === 0x7f) {
      addIssue(
        issues,
        'syntax.start-line',
        'error',
        `control character 0x${c.toString(16).padStart(2, '0')} in the Reason-Phrase (RFC 3261 §25.1)`,
        k,
        1,
      );
      return;
    }
  }
}

/** The separator `s[a, b)` is exactly one SP. */
function singleSp(s: string, a: number, b: number): boolean {
  return b - a === 1 && s.charCodeAt(a) === SP;
}

function looksLikeUri(s: string, start: number, end: number): boolean {
  if (start < end && s.charCodeAt(start) === 0x3c) return true; // '<'
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(s.slice(start, Math.min(end, start + 40)));
  return m !== null;
}

function parseRequestLine(s: string, start: number, end: number, issues: IssueSink): RequestLine | null {
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) break;
    i++;
  }
  if (i === start || i === end || s.charCodeAt(i) !== SP) return null;
  const method = methodString(s, start, i);
  // Split the rest on SP/HTAB, remembering where each part is.
  const parts = PARTS; // start, end pairs
  let count = 0;
  while (i < end) {
    while (i < end && (s.charCodeAt(i) === SP || s.charCodeAt(i) === HT)) i++;
    if (i === end) break;
    const ps = i;
    while (i < end && s.charCodeAt(i) !== SP && s.charCodeAt(i) !== HT) i++;
    parts[count++] = ps;
    parts[count++] = i;
    if (count > 512) break; // a very long line of words is not a request line
  }
  const n = count / 2;
  if (n === 0) return null;
  let v = -1; // index of the part holding the version
  for (let k = n - 1; k >= 0; k--) {
    if (startsWithSipSlash(s, parts[2 * k], parts[2 * k + 1])) {
      v = k;
      break;
    }
  }
  let version = '';
  let uriStart: number;
  let uriEnd: number;
  if (v < 0) {
    // "INVITE sip:alan@jasomi.com": SIP-like, the version is missing.
    if (n !== 1 || !looksLikeUri(s, parts[0], parts[1])) return null;
    addIssue(
      issues,
      'syntax.start-line',
      'error',
      'Request-Line has no SIP-Version (RFC 3261 §7.1)',
      start,
      end - start,
    );
    uriStart = parts[0];
    uriEnd = parts[1];
  } else {
    version = versionString(s, parts[2 * v], parts[2 * v + 1]);
    checkVersion(s, parts[2 * v], parts[2 * v + 1], issues);
    if (v === 0) {
      addIssue(
        issues,
        'syntax.start-line',
        'error',
        'Request-Line has no Request-URI (RFC 3261 §7.1)',
        start,
        end - start,
      );
      return { kind: 'request', method, uri: '', uriOffset: parts[0], version };
    }
    if (v < n - 1) {
      const from = parts[2 * v + 2];
      addIssue(
        issues,
        'syntax.start-line',
        'error',
        'unexpected text after the SIP-Version (RFC 3261 §7.1)',
        from,
        parts[2 * n - 1] - from,
      );
    }
    uriStart = parts[0];
    uriEnd = parts[2 * v - 1];
    if (v > 1) {
      // RFC 4475 §3.1.2.8: LWS inside the Request-URI.
      addIssue(
        issues,
        'syntax.request-uri-lws',
        'error',
        'Request-URI contains whitespace (RFC 3261 §7.1, §25.1: no LWS in a Request-URI)',
        uriStart,
        uriEnd - uriStart,
      );
    }
  }
  // RFC 3261 §7.1: "The elements are separated by single space (SP) characters."
  // RFC 4475 §3.1.2.9 (lwsstart) and §3.1.2.10 (trws).
  const lastEnd = parts[2 * n - 1];
  if (lastEnd < end) {
    addIssue(
      issues,
      'syntax.trailing-space',
      'error',
      'whitespace at the end of the Request-Line (RFC 3261 §7.1)',
      lastEnd,
      end - lastEnd,
    );
  }
  const method1 = start + method.length;
  let badSep = !singleSp(s, method1, parts[0]);
  if (v > 0 && !singleSp(s, parts[2 * v - 1], parts[2 * v])) badSep = true;
  if (badSep) {
    addIssue(
      issues,
      'syntax.start-line',
      'error',
      'Request-Line elements must be separated by exactly one SP (RFC 3261 §7.1)',
      start,
      end - start,
    );
  }
  // RFC 4475 §3.1.2.7: "<sip:user@example.com>" is not a Request-URI.
  if (s.charCodeAt(uriStart) === 0x3c) {
    addIssue(
      issues,
      'syntax.request-uri-enclosed',
      'error',
      'Request-URI must not be enclosed in "<>" (RFC 3261 §7.1)',
      uriStart,
      uriEnd - uriStart,
    );
    const close = s.lastIndexOf('>', uriEnd - 1);
    uriStart++;
    if (close >= uriStart) uriEnd = close;
  }
  return { kind: 'request', method, uri: s.slice(uriStart, uriEnd), uriOffset: uriStart, version };
}
