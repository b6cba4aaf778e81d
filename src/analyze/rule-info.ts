/**
 * A rule as the catalogue shows it (`sipscope rules --json`, `GET /api/rules`):
 * the rule without its check (registry.ts `ruleInfo`). Types only, no code,
 * so that the web UI's types (web/src/api/types.ts) name them without
 * pulling in the rules.
 */
import type { Severity } from './finding.js';

export interface RfcQuote {
  /** e.g. `RFC 3261 §8.1.1.5` (several sections comma-separated). */
  ref: string;
  /** The normative sentence(s), quoted exactly; ABNF where the grammar is the rule. */
  text: string;
}

/** What a rule looks at: one message, or the correlator's records (rule.ts `Rule['scope']`). */
export type RuleScope = 'message' | 'correlated';

/** One catalogue entry: the rule without its check, as JSON-ready data. */
export interface RuleInfo {
  id: string;
  title: string;
  severity: Severity;
  scope: RuleScope;
  rfc: RfcQuote;
  explanation: string;
}
