/**
 * `sipscope lint`'s core, usable without the CLI: raw SIP messages as people
 * paste them in a text file → parsed messages and their findings, with the
 * message-scope rules of the registry.
 */
import { contentLength } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { latin1, parseSip } from '../sip/parse.js';
import { wireText } from '../sip/wire-text.js';
import { createAnalyzer } from './analyzer.js';
import { atLeast, type Finding, type Severity } from './finding.js';
import { normaliseLineEnds, splitMessages, type TextChunk } from './lint-split.js';
import { RULES } from './registry.js';
import type { Rule } from './rule.js';
import { contentLengthMismatch } from './rules/content-length-mismatch.js';
import { startLineMalformed } from './rules/start-line-malformed.js';

export interface LintOptions {
  /** Rules to run (default: every rule; correlated ones have nothing to look at yet and stay silent). */
  rules?: readonly Rule[];
  /** Findings milder than this are left out (default `info`). */
  minSeverity?: Severity;
  /**
   * Take the whole text as one UDP datagram (RFC 3261 §18.3: bytes after the
   * Content-Length body are discarded) instead of splitting it into messages.
   */
  datagram?: boolean;
}

export interface LintMessage {
  /** 0-based position in the file: the id findings refer to. */
  index: number;
  /** 1-based line of the input where the message starts. */
  line: number;
  /** The parsed message; null when the text is not a SIP message at all. */
  message: SipMessage | null;
  /** The message's first line as written. */
  firstLine: string;
}

export interface LintResult {
  messages: LintMessage[];
  findings: Finding[];
  /** The input had no CR at all and its LFs were read as CRLF (see `normaliseLineEnds`). */
  normalisedLineEnds: boolean;
}

function bytesOf(s: string, from: number, to: number): Uint8Array {
  const b = new Uint8Array(to - from);
  for (let i = from; i < to; i++) b[i - from] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Lints `input` (file bytes, or a latin1 string where one char is one byte). */
export function lintText(input: Uint8Array | string, opts: LintOptions = {}): LintResult {
  const raw = typeof input === 'string' ? input : latin1(input);
  const { text, normalised } = normaliseLineEnds(raw);
  const chunks: TextChunk[] = opts.datagram ? datagramChunk(text) : splitMessages(text);
  const rules = opts.rules ?? RULES;
  const min = opts.minSeverity ?? 'info';
  const findings: Finding[] = [];
  const analyzer = createAnalyzer({ rules, minSeverity: min, onFinding: (f) => findings.push(f) });
  const messages: LintMessage[] = [];
  for (const c of chunks) {
    const index = messages.length;
    const msg = parseSip(bytesOf(text, c.offset, c.end));
    const nl = text.indexOf('\n', c.offset);
    const firstLine = text.slice(c.offset, nl < 0 || nl > c.end ? c.end : nl).replace(/\r$/, '');
    messages.push({ index, line: c.line, message: msg, firstLine });
    if (msg !== null) {
      const before = findings.length;
      analyzer.onMessage(msg, index);
      if (normalised && lengthFitsAsPasted(msg)) dropLengthFindings(findings, before);
    } else if (rules.includes(startLineMalformed) && atLeast(startLineMalformed.severity, min)) {
      findings.push({
        rule: startLineMalformed.id,
        severity: startLineMalformed.severity,
        rfc: startLineMalformed.rfc.ref,
        messages: [index],
        call: null,
        // As the analyzer's findings: the quoted line said as sent (UTF-8), not as the parser holds it.
        text: wireText(`"${firstLine.slice(0, 60)}" is not a SIP request line or status line`),
        range: { message: index, offset: 0, length: firstLine.length },
      });
    }
  }
  analyzer.end();
  return { messages, findings, normalisedLineEnds: normalised };
}

/**
 * With LF-only input read as CRLF, a Content-Length may have been computed
 * on the LF text as pasted (RFC 5118's archive is written that way): when it
 * fits the body counted without the CRs we added, the length is consistent
 * and no content-length.mismatch finding is kept for the message.
 */
function lengthFitsAsPasted(m: SipMessage): boolean {
  const cl = contentLength(m);
  if (cl === undefined) return false;
  let added = 0;
  const t = m.text;
  for (let i = m.bodyOffset; i < t.length; i++) if (t.charCodeAt(i) === 0x0d) added++;
  return cl === t.length - m.bodyOffset - added;
}

function dropLengthFindings(findings: Finding[], from: number): void {
  let w = from;
  for (let r = from; r < findings.length; r++) {
    if (findings[r].rule !== contentLengthMismatch.id) findings[w++] = findings[r];
  }
  findings.length = w;
}

function datagramChunk(text: string): TextChunk[] {
  let i = 0;
  let line = 1;
  while (i < text.length && (text[i] === '\r' || text[i] === '\n')) {
    if (text[i] === '\n') line++;
    i++;
  }
  return i < text.length ? [{ offset: i, end: text.length, line }] : [];
}

/** 1-based input line of byte `offset` of a linted message. */
export function lineOfOffset(m: LintMessage, offset: number): number {
  let line = m.line;
  const t = m.message?.text;
  if (t === undefined) return line;
  const end = Math.min(offset, t.length);
  for (let i = 0; i < end; i++) if (t.charCodeAt(i) === 0x0a) line++;
  return line;
}
