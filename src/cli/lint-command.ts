/**
 * `sipscope lint FILE [--json] [--severity S] [--rule ID]... [--datagram]`:
 * raw SIP messages pasted in a text file (CRLF or bare LF) → each message
 * (start line and headers) followed by its findings.
 *
 * Exit codes: 0 no error-level finding; 1 at least one (after the filters);
 * 2 bad usage or unreadable file (one line on stderr, nothing on stdout).
 */

import { readFileSync } from 'node:fs';
import { type Finding, isSeverity, type Severity } from '../analyze/finding.js';
import { type LintMessage, type LintResult, lineOfOffset, lintText } from '../analyze/lint.js';
import { selectRules } from '../analyze/registry.js';
import type { SipMessage } from '../sip/message.js';
import { wireText } from '../sip/wire-text.js';
import { parseCliArgs } from './parse-args.js';
import { termText, writeErr } from './term-safe.js';

export async function runLint(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage('expects exactly one FILE ("-" for standard input)');
  const severity = values.severity ?? 'info';
  if (!isSeverity(severity)) return usage(`--severity must be error, warning or info, not '${severity}'`);
  const prefixes = values.rule ?? [];
  for (const p of prefixes) {
    if (selectRules([p]).length === 0)
      return usage(`no rule matches --rule '${p}' (run sipscope rules for the list)`);
  }
  const file = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    writeErr(
      `sipscope lint: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  const result = lintText(bytes, {
    rules: selectRules(prefixes),
    minSeverity: severity as Severity,
    datagram: values.datagram === true,
  });
  process.stdout.write(
    values.json === true ? `${JSON.stringify(lintJson(result), null, 2)}\n` : lintReport(file, result),
  );
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** The options of `lint` (each documented in help.ts: test/cli/help.test.ts). */
export const LINT_OPTIONS = {
  json: { type: 'boolean' },
  severity: { type: 'string' },
  rule: { type: 'string', multiple: true },
  datagram: { type: 'boolean' },
} as const;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: true, options: LINT_OPTIONS });
}

function usage(why: string): number {
  writeErr(`sipscope lint: ${why} (see sipscope --help)\n`);
  return 2;
}

/** The text report: every message, its headers, then its findings; a summary line at the end. */
export function lintReport(file: string, r: LintResult): string {
  const byMessage = new Map<number, Finding[]>();
  for (const f of r.findings) {
    const k = f.messages[0];
    const list = byMessage.get(k);
    if (list) list.push(f);
    else byMessage.set(k, [f]);
  }
  const out: string[] = [];
  const note = r.normalisedLineEnds ? ' (no CR in the file: LF line ends read as CRLF)' : '';
  out.push(`${file}: ${r.messages.length} message${r.messages.length === 1 ? '' : 's'}${note}`);
  for (const lm of r.messages) {
    out.push('');
    out.push(`#${lm.index + 1}  line ${lm.line}  ${termText(lm.firstLine)}`);
    // Not push(...lines): a message of 200,000 headers overflowed the stack.
    if (lm.message !== null) for (const l of messageLines(lm.message)) out.push(l);
    for (const f of byMessage.get(lm.index) ?? []) out.push(findingLine(lm, f));
  }
  const count = (s: Severity): number => r.findings.filter((f) => f.severity === s).length;
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 || what === 'info' ? '' : 's'}`;
  out.push('');
  out.push(`${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${n(count('info'), 'info')}`);
  return `${out.join('\n')}\n`;
}

function messageLines(m: SipMessage): string[] {
  const lines = m.headers.map((h) => `    ${termText(h.name)}: ${termText(h.value)}`);
  if (m.body.length > 0) {
    const ct = m.headers.find((h) => h.key === 'content-type')?.value;
    lines.push(`    [body: ${m.body.length} bytes${ct ? `, ${termText(ct)}` : ''}]`);
  }
  return lines;
}

function findingLine(lm: LintMessage, f: Finding): string {
  const where = f.range !== undefined ? `line ${lineOfOffset(lm, f.range.offset)}: ` : '';
  return `  ${f.severity.padEnd(7)} ${f.rule}  [${f.rfc}]  ${where}${termText(f.text)}`;
}

/** `--json`: `{ messages, findings }`; message ids in findings are the `index` of `messages`. */
export function lintJson(r: LintResult): { messages: unknown[]; findings: Finding[] } {
  return {
    messages: r.messages.map((lm) => {
      const m = lm.message;
      const base = { index: lm.index, line: lm.line };
      if (m === null) return { ...base, kind: null, startLine: wireText(lm.firstLine) };
      const head =
        m.kind === 'request'
          ? { kind: m.kind, method: wireText(m.method), uri: wireText(m.uri) }
          : { kind: m.kind, status: m.status, reason: wireText(m.reason) };
      return {
        ...base,
        ...head,
        startLine: wireText(m.startLine),
        headers: m.headers.map((h) => ({
          name: wireText(h.name),
          value: wireText(h.value),
          offset: h.offset,
          length: h.length,
        })),
        bodyOffset: m.bodyOffset,
        bodyLength: m.body.length,
        malformed: m.malformed,
      };
    }),
    findings: r.findings,
  };
}
