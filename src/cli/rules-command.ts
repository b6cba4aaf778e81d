/**
 * `sipscope rules [ID] [--json]`: the rule catalogue as a table, or one
 * rule's full explanation and RFC sentence. An ID that is not a rule id is
 * taken as a prefix (`sipscope rules cseq.`).
 */

import { catalogue, ruleById, selectRules } from '../analyze/registry.js';
import type { Rule } from '../analyze/rule.js';
import { parseCliArgs } from './parse-args.js';
import { termSafe, writeErr } from './term-safe.js';

export async function runRules(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    writeErr(`sipscope rules: ${(e as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    writeErr('sipscope rules: expects at most one rule ID (see sipscope --help)\n');
    return 2;
  }
  const id = positionals[0];
  const exact = id === undefined ? undefined : ruleById(id);
  const rules = exact ? [exact] : selectRules(id === undefined ? [] : [id]);
  if (rules.length === 0) {
    writeErr(`sipscope rules: no rule matches '${termSafe(id)}' (run sipscope rules for the list)\n`);
    return 2;
  }
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(exact ? catalogue(rules)[0] : catalogue(rules), null, 2)}\n`);
  } else {
    process.stdout.write(exact ? ruleDetails(exact) : rulesTable(rules));
  }
  return 0;
}

/** The options of `rules` (each documented in help.ts: test/cli/help.test.ts). */
export const RULES_OPTIONS = { json: { type: 'boolean' } } as const;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: true, options: RULES_OPTIONS });
}

/** id, severity, RFC, title: one rule per line, columns aligned. */
export function rulesTable(rules: readonly Rule[]): string {
  const head = ['ID', 'SEVERITY', 'RFC', 'TITLE'];
  const rows = rules.map((r) => [r.id, r.severity, r.rfc.ref, r.title]);
  const widths = [0, 1, 2].map((c) => Math.max(head[c].length, ...rows.map((row) => row[c].length)));
  const line = (cols: string[]): string =>
    `${cols
      .map((s, c) => (c < 3 ? s.padEnd(widths[c]) : s))
      .join('  ')
      .trimEnd()}\n`;
  return line(head) + rows.map(line).join('') + `\n${rules.length} rules; sipscope rules ID explains one.\n`;
}

/** The full entry: title, severity, scope, the quoted RFC sentence and the explanation. */
export function ruleDetails(r: Rule): string {
  return [
    `${r.id}: ${r.title}`,
    `severity: ${r.severity}    scope: ${r.scope}    ${r.rfc.ref}`,
    '',
    wrap(`"${r.rfc.text}"`, 76, '    '),
    '',
    wrap(r.explanation, 78, ''),
    '',
  ].join('\n');
}

/** Greedy word wrap at `width` columns, each line prefixed with `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (w === '') continue;
    if (cur !== '' && indent.length + cur.length + 1 + w.length > width) {
      out.push(indent + cur);
      cur = w;
    } else {
      cur = cur === '' ? w : `${cur} ${w}`;
    }
  }
  if (cur !== '') out.push(indent + cur);
  return out.join('\n');
}
