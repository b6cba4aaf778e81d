/**
 * A store's findings filtered and summed up over a list, as the memory and
 * window stores keep them (the SQLite store asks SQL the same): the `rule`
 * filter, and what the findings view needs of a capture that may hold
 * hundreds of thousands of findings (one per message of a device that breaks
 * a rule on every message): each rule's count and worst severity, and only
 * the first occurrences of each rule.
 */
import { atLeast, type Finding, type Severity } from '../analyze/finding.js';

/** Whether rule `id` passes FindingFilter `rule`: that id, or a prefix ending in `.` (`cseq.`); undefined passes all. */
export function ruleMatches(id: string, rule: string | undefined): boolean {
  return rule === undefined || id === rule || (rule.endsWith('.') && id.startsWith(rule));
}

/** A rule's findings in a capture: how many, and the worst severity among them. */
export interface FindingCount {
  rule: string;
  severity: Severity;
  count: number;
}

/** Per rule, in the order each rule first appears. */
export function countFindings(findings: readonly Finding[]): FindingCount[] {
  const by = new Map<string, FindingCount>();
  for (const f of findings) {
    const c = by.get(f.rule);
    if (c === undefined) by.set(f.rule, { rule: f.rule, severity: f.severity, count: 1 });
    else {
      c.count++;
      if (!atLeast(c.severity, f.severity)) c.severity = f.severity;
    }
  }
  return [...by.values()];
}

/** The first `perRule` findings of each rule, in their order. */
export function firstPerRule(findings: readonly Finding[], perRule: number): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = seen.get(f.rule) ?? 0;
    if (k >= perRule) continue;
    seen.set(f.rule, k + 1);
    out.push(f);
  }
  return out;
}
