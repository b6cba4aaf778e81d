import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/analyze/registry.js';
import type { MessageRule } from '../../src/analyze/rule.js';
import { rulesMarkdown } from '../../src/analyze/rules-markdown.js';

describe('the README rule table is generated from the registry', () => {
  it('has a header and one row per rule, in registry order', () => {
    const lines = rulesMarkdown().trimEnd().split('\n');
    expect(lines[0]).toBe('| Rule | Severity | Scope | RFC | What it flags |');
    expect(lines).toHaveLength(RULES.length + 2);
    expect(lines.slice(2).map((l) => /^\| `([^`]+)`/.exec(l)?.[1])).toEqual(RULES.map((r) => r.id));
    expect(lines[2]).toBe(
      `| \`${RULES[0].id}\` | ${RULES[0].severity} | message | ${RULES[0].rfc.ref} | ${RULES[0].title} |`,
    );
  });

  it('escapes "|" and line breaks so a title cannot break the table', () => {
    const r = { ...(RULES[0] as MessageRule), id: 'x.y', title: 'a | b\nc' };
    expect(rulesMarkdown([r]).split('\n')[2]).toBe(
      `| \`x.y\` | ${r.severity} | message | ${r.rfc.ref} | a \\| b c |`,
    );
  });
});
