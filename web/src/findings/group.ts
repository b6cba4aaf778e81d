/**
 * The findings view's grouping: one group per rule, with its count, the
 * rule's title and RFC reference from the catalogue, most severe first, then
 * the most frequent. Pure.
 */
import type { Finding, FindingCount, Rule, Severity } from '../api/types.js';

export interface FindingGroup {
  rule: string;
  title: string;
  severity: Severity;
  rfc: string;
  count: number;
  findings: Finding[];
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * `counts`, when given, are every rule's count and worst severity in the
 * capture (`findings` then holds only the first occurrences of each rule).
 */
export function groupFindings(
  findings: readonly Finding[],
  rules: readonly Rule[],
  counts?: readonly FindingCount[],
): FindingGroup[] {
  const catalogue = new Map(rules.map((r) => [r.id, r]));
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    let g = groups.get(f.rule);
    if (!g) {
      const r = catalogue.get(f.rule);
      g = {
        rule: f.rule,
        title: r?.title ?? f.rule,
        severity: r?.severity ?? f.severity,
        rfc: r?.rfc.ref ?? f.rfc,
        count: 0,
        findings: [],
      };
      groups.set(f.rule, g);
    }
    g.count++;
    g.findings.push(f);
    // A rule may lower its severity for one occurrence: the group shows the worst seen.
    if (RANK[f.severity] < RANK[g.severity]) g.severity = f.severity;
  }
  for (const c of counts ?? []) {
    const g = groups.get(c.rule);
    if (g === undefined) continue;
    g.count = c.count;
    g.severity = c.severity;
  }
  return [...groups.values()].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || a.rule.localeCompare(b.rule),
  );
}
