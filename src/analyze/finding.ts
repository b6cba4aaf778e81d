/**
 * What the analyze stage gives (DESIGN.md "Model": Finding): one protocol
 * violation or fact worth knowing, tied to the rule that found it, the RFC
 * section it breaks, the messages involved and, where it applies, the byte
 * range of the offending header.
 */

/**
 * `error` breaks a MUST; `warning` breaks a SHOULD or shows a fault in the
 * network (a missing ACK, a request never answered); `info` is worth knowing.
 */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Findings counted by severity (the JSON contract's `stats.findingsBySeverity`). */
export type SeverityCounts = Record<Severity, number>;

export const noSeverityCounts = (): SeverityCounts => ({ error: 0, warning: 0, info: 0 });

/** `87 error, 150 warning, 27 info`: the severities that occur, worst first; '' for none. */
export function severityCountsText(c: SeverityCounts): string {
  return SEVERITIES.filter((s) => c[s] > 0)
    .map((s) => `${c[s]} ${s}`)
    .join(', ');
}

/** `findings` counted by severity. */
export function countBySeverity(findings: Iterable<{ severity: Severity }>): SeverityCounts {
  const c = noSeverityCounts();
  for (const f of findings) c[f.severity]++;
  return c;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** True when `s` is at least as severe as `min` (`atLeast('error', 'warning')` is true). */
export function atLeast(s: Severity, min: Severity): boolean {
  return RANK[s] >= RANK[min];
}

/** The more severe of the two; `b` when there is no `a` yet (the worst of a list, from null). */
export function worse(a: Severity | null, b: Severity): Severity {
  return a === null || atLeast(b, a) ? b : a;
}

/** The less severe of the two. */
export function milder(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}

export function isSeverity(s: string): s is Severity {
  return s === 'error' || s === 'warning' || s === 'info';
}

/** Byte range of the offending text in one message's raw bytes. */
export interface FindingRange {
  /** Message id the offsets are relative to. */
  message: number;
  offset: number;
  length: number;
}

/** A finding as the JSON contract and the store see it. */
export interface Finding {
  /** Stable dotted rule id, e.g. `cseq.method-mismatch`. */
  rule: string;
  severity: Severity;
  /** The RFC reference of the rule, e.g. `RFC 3261 §8.1.1.5`. */
  rfc: string;
  /** Message ids involved (capture order, 0-based), ascending. */
  messages: number[];
  /** Call id from the correlator, null when not known (lint, no correlation). */
  call: number | null;
  /** Specific to this occurrence: names the values seen. */
  text: string;
  range?: FindingRange;
}

/** What a rule's check returns; the engine adds rule id, rfc, severity and call. */
export interface FindingDraft {
  text: string;
  /** Message ids; message-scope rules default to the message checked. */
  messages?: number[];
  /**
   * Byte range of the offending header; `message` defaults to the message
   * checked (message scope) or the first of `messages`.
   */
  range?: { offset: number; length: number; message?: number };
  /**
   * Lower than the rule's severity for this occurrence only (for example an
   * RFC 2543 element that is not bound by a RFC 3261 MUST). Never raises it.
   */
  severity?: Severity;
  /** Call the finding belongs to, when the rule knows better than the message's correlation. */
  call?: number | null;
}

/** Returned by checks that found nothing: shared, frozen, never mutated. */
export const NONE: readonly FindingDraft[] = Object.freeze([]);
