/**
 * Cutting a pasted text file into SIP messages for `sipscope lint`.
 *
 * People paste messages from logs, RFCs, mails and tickets: line ends are
 * CRLF or bare LF, messages are separated by blank lines, bodies may contain
 * blank lines of their own. A message starts at a start line; its end is the
 * end of its body, found by Content-Length when that lands on the next start
 * line (or the end of the file), else just before the next start line that
 * follows a blank line.
 *
 * The text is latin1 (one char per byte), so offsets are byte offsets.
 */

export interface TextChunk {
  /** Offset of the message's first byte in the (normalised) text. */
  offset: number;
  /** One past its last byte. */
  end: number;
  /** 1-based line number of its first line. */
  line: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** End of the line content starting at `i` (before CR LF / LF), and where the next line starts. */
function lineAt(s: string, i: number): { contentEnd: number; next: number } {
  const nl = s.indexOf('\n', i);
  if (nl < 0) return { contentEnd: s.length, next: s.length };
  return { contentEnd: nl > i && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl, next: nl + 1 };
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

const RESPONSE_LINE = /^SIP\/\d+\.\d+ +\d/i;
const REQUEST_LINE = /^[!-~]+ +\S+ +SIP\/\d+\.\d+ *$/i;

/** True when the line at `i` looks like a request or status line. */
export function isStartLine(s: string, i: number): boolean {
  const { contentEnd } = lineAt(s, i);
  const line = s.slice(i, Math.min(contentEnd, i + 2048));
  return RESPONSE_LINE.test(line) || REQUEST_LINE.test(line);
}

/** Skips blank lines from `i`; returns the start of the first non-blank line (or s.length). */
function skipBlankLines(s: string, i: number): number {
  while (i < s.length) {
    const { contentEnd, next } = lineAt(s, i);
    if (!isBlank(s, i, contentEnd)) return i;
    i = next;
  }
  return s.length;
}

/** Index just after the empty line that ends the headers starting at `start`, or -1. */
function headerEnd(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    const { contentEnd, next } = lineAt(s, i);
    if (contentEnd === i && i > start) return next;
    if (next === i) return -1;
    i = next;
  }
  return -1;
}

/** Content-Length (or compact `l`) in the header block, -1 when absent or not a number. */
function contentLength(s: string, start: number, end: number): number {
  const m = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*\r?$/im.exec(s.slice(start, end));
  return m === null ? -1 : Number(m[1]);
}

/**
 * Where the message ends when Content-Length cannot say: before the next
 * start line that follows a blank line (`afterBlank`: the line before `from`
 * is one), with trailing blank lines left out; the end of the text when there
 * is none.
 */
function endByStartLine(s: string, from: number, afterBlank: boolean): number {
  let lastContentEnd = from;
  let prevBlank = afterBlank;
  let i = from;
  while (i < s.length) {
    const { contentEnd, next } = lineAt(s, i);
    const blank = isBlank(s, i, contentEnd);
    if (!blank && prevBlank && isStartLine(s, i)) return lastContentEnd;
    if (!blank) lastContentEnd = next;
    prevBlank = blank;
    i = next;
  }
  return lastContentEnd;
}

function lineNumber(s: string, offset: number, from: { offset: number; line: number }): number {
  let line = from.line;
  for (let i = from.offset; i < offset; i++) if (s.charCodeAt(i) === LF) line++;
  return line;
}

/** Splits `s` into message chunks (see the module comment). Blank input gives no chunk. */
export function splitMessages(s: string): TextChunk[] {
  const out: TextChunk[] = [];
  let pos = 0;
  let mark = { offset: 0, line: 1 };
  for (;;) {
    const start = skipBlankLines(s, pos);
    if (start >= s.length) break;
    const hEnd = headerEnd(s, start);
    let end: number;
    if (hEnd < 0) {
      end = endByStartLine(s, lineAt(s, start).next, false);
    } else {
      const cl = contentLength(s, start, hEnd);
      const byLength = hEnd + cl;
      if (
        cl >= 0 &&
        byLength <= s.length &&
        (skipBlankLines(s, byLength) >= s.length || atLineStartAndStart(s, byLength))
      ) {
        end = byLength;
      } else {
        end = endByStartLine(s, hEnd, true);
      }
    }
    if (end <= start) end = lineAt(s, start).next;
    const line = lineNumber(s, start, mark);
    mark = { offset: start, line };
    out.push({ offset: start, end, line });
    pos = end;
  }
  return out;
}

/** The text after `i` (blank lines skipped) begins a start line, and `i` is at a line start. */
function atLineStartAndStart(s: string, i: number): boolean {
  if (i > 0 && s.charCodeAt(i - 1) !== LF) return false;
  const j = skipBlankLines(s, i);
  return j < s.length && isStartLine(s, j);
}

/**
 * Pasted text loses its CRs more often than not. A text with no CR at all is
 * taken to be CRLF text whose CRs were lost: every LF becomes CRLF, so that
 * Content-Length values computed on the original bytes fit again. Text with
 * any CR is left as it is (a bare LF there is a real finding).
 */
export function normaliseLineEnds(s: string): { text: string; normalised: boolean } {
  if (s.indexOf('\r') >= 0 || s.indexOf('\n') < 0) return { text: s, normalised: false };
  return { text: s.replace(/\n/g, '\r\n'), normalised: true };
}
