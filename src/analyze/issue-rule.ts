/**
 * Rules that report what the SIP parser already found (DESIGN.md convention
 * 4: bad input becomes an issue tied to a byte range). The parser knows the
 * grammar; the rule adds the RFC sentence and the explanation, so a finding
 * reads the same whether it came from a grammar issue or a semantic check.
 */
import type { SipIssue, SipMessage } from '../sip/message.js';
import { type FindingDraft, NONE } from './finding.js';
import type { MessageRule, RuleBase } from './rule.js';

export type IssueRuleDef = RuleBase & { issues: readonly string[] };

/** One draft per parser issue whose code the rule claims; the issue's severity may lower the rule's. */
export function issueRule(def: IssueRuleDef): MessageRule {
  const codes = def.issues;
  return {
    ...def,
    scope: 'message',
    issuesOnly: true,
    check(msg: SipMessage): readonly FindingDraft[] {
      const issues = msg.issues;
      if (issues.length === 0) return NONE;
      let out: FindingDraft[] | undefined;
      for (let i = 0; i < issues.length; i++) {
        const is = issues[i];
        if (!codes.includes(is.code)) continue;
        (out ??= []).push(draftOf(is));
      }
      return out ?? NONE;
    },
  };
}

export function draftOf(is: SipIssue): FindingDraft {
  return { text: is.message, range: { offset: is.offset, length: is.length }, severity: is.severity };
}
