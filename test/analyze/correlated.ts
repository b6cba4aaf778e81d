/**
 * Runs message sequences through the correlator and the analyzer wired as
 * `analyze-capture.ts` wires them (correlator first, the analyzer reading its
 * records), for the correlated-rule tests.
 */
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import type { Finding } from '../../src/analyze/finding.js';
import { ruleById } from '../../src/analyze/registry.js';
import type { Rule } from '../../src/analyze/rule.js';
import { createCorrelator } from '../../src/correlate/correlator.js';
import type { SipMessage } from '../../src/sip/message.js';

export interface AnalyzeFlowOptions {
  /** Rule ids to run (default: every rule). */
  rules?: readonly string[];
  /** Capture time (absolute seconds) to advance to after the last message, before the end. */
  advanceTo?: number;
  /** Skip `end()` (see what is known while the capture is still running). */
  noEnd?: boolean;
}

export function analyzeFlow(msgs: readonly SipMessage[], o: AnalyzeFlowOptions = {}): Finding[] {
  const correlator = createCorrelator();
  const rules = o.rules?.map((id) => {
    const r = ruleById(id);
    if (r === undefined) throw new Error(`no rule ${id}`);
    return r;
  }) as Rule[] | undefined;
  const analyzer = createAnalyzer({
    rules,
    model: {
      transaction: (id) => correlator.transaction(id),
      dialog: (id) => correlator.dialog(id),
      call: (id) => correlator.call(id),
      liveTransaction: (b, s, m, cid) => correlator.liveTransaction(b, s, m, cid),
    },
  });
  for (let i = 0; i < msgs.length; i++) analyzer.onMessage(msgs[i], i, correlator.push(msgs[i], i));
  if (o.advanceTo !== undefined) {
    correlator.advance(o.advanceTo);
    analyzer.advance(o.advanceTo);
  }
  if (!o.noEnd) {
    correlator.end();
    analyzer.end();
  }
  return [...analyzer.findings];
}

/** Findings of one rule. */
export function findingsOfRule(
  msgs: readonly SipMessage[],
  rule: string,
  o: AnalyzeFlowOptions = {},
): Finding[] {
  return analyzeFlow(msgs, { ...o, rules: o.rules ?? [rule] }).filter((f) => f.rule === rule);
}

/** Rule ids of the findings, sorted, for "nothing fires" assertions. */
export const ruleIds = (fs: readonly Finding[]): string[] => [...new Set(fs.map((f) => f.rule))].sort();
