/**
 * The README's rule table, generated from the registry so that it cannot
 * drift from the rules the code runs.
 */
import { RULES } from './registry.js';
import type { Rule } from './rule.js';

/** Markdown table cells: no line breaks, "|" escaped. */
const cell = (s: string): string => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function rulesMarkdown(rules: readonly Rule[] = RULES): string {
  const lines = [
    '| Rule | Severity | Scope | RFC | What it flags |',
    '|---|---|---|---|---|',
    ...rules.map(
      (r) => `| \`${r.id}\` | ${r.severity} | ${r.scope} | ${cell(r.rfc.ref)} | ${cell(r.title)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
