/** The findings view's groups and the statistics view's bars. */
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/analyze/registry.js';
import type { Finding, Rule } from '../../web/src/api/types.js';
import { groupFindings } from '../../web/src/findings/group.js';
import { bars } from '../../web/src/stats/bars.js';
import { rfc2543Call } from '../fixtures/flows/index.js';
import { contractOfFlow } from './contract.js';

describe('findings grouped by rule', () => {
  it('counts each rule once, most severe first, with the title from the catalogue', async () => {
    const doc = await contractOfFlow(rfc2543Call());
    const rules: Rule[] = catalogue();
    const groups = groupFindings(doc.findings, rules);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(doc.findings.length);
    expect(new Set(groups.map((g) => g.rule)).size).toBe(groups.length);
    for (const g of groups) {
      expect(g.findings.every((f) => f.rule === g.rule)).toBe(true);
      expect(g.title).toBe(rules.find((r) => r.id === g.rule)?.title);
    }
    const rank = { error: 0, warning: 1, info: 2 };
    for (let i = 1; i < groups.length; i++) {
      expect(rank[groups[i].severity]).toBeGreaterThanOrEqual(rank[groups[i - 1].severity]);
    }
  });

  it('keeps a finding of a rule missing from the catalogue', () => {
    const f: Finding = {
      rule: 'x.unknown',
      severity: 'info',
      rfc: 'RFC 1',
      messages: [1],
      call: 0,
      text: 't',
    };
    const [g] = groupFindings([f, { ...f, severity: 'error' }], []);
    expect([g.title, g.count, g.severity]).toEqual(['x.unknown', 2, 'error']);
  });

  it("takes each rule's count and worst severity from the counts when only its first findings came", () => {
    const f: Finding = { rule: 'a.one', severity: 'info', rfc: 'RFC 1', messages: [1], call: 0, text: 't' };
    const all: Finding[] = [
      f,
      { ...f, messages: [2] },
      { ...f, severity: 'error', messages: [3] },
      { ...f, rule: 'b.two', severity: 'warning' },
    ];
    const counts = [
      { rule: 'a.one', severity: 'error' as const, count: 3 },
      { rule: 'b.two', severity: 'warning' as const, count: 1 },
    ];
    const first = [all[0], all[3]];
    const strip = (gs: ReturnType<typeof groupFindings>) => gs.map(({ findings: _, ...g }) => g);
    // The same groups, counts and order as from every finding; only the listed occurrences differ.
    expect(strip(groupFindings(first, [], counts))).toEqual(strip(groupFindings(all, [])));
    expect(groupFindings(first, [], counts)[0].findings).toEqual([all[0]]);
    // Without the counts, the first findings alone would undercount and miss the worst severity.
    expect(strip(groupFindings(first, []))).not.toEqual(strip(groupFindings(all, [])));
  });
});

describe('statistics', () => {
  it('sorts bars by count, or response codes by code', () => {
    expect(bars({ INVITE: 3, ACK: 5, BYE: 3 }).map((b) => b.key)).toEqual(['ACK', 'BYE', 'INVITE']);
    expect(bars({ '486': 1, '100': 9, '200': 4 }, true).map((b) => b.key)).toEqual(['100', '200', '486']);
    expect(bars(null)).toEqual([]);
  });
});
