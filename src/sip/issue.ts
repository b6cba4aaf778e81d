/**
 * Building decode issues for SIP messages (DESIGN.md convention 4: bad input
 * becomes an issue tied to a byte range, never an exception).
 */
import type { IssueSeverity, SipIssue } from './message.js';

/** Where parsers put what they find wrong; `null` when the caller does not care. */
export type IssueSink = SipIssue[] | null;

export function addIssue(
  sink: IssueSink,
  code: string,
  severity: IssueSeverity,
  message: string,
  offset: number,
  length: number,
): void {
  if (sink !== null) sink.push({ code, severity, message, offset, length: Math.max(length, 0) });
}

export function hasError(issues: readonly SipIssue[]): boolean {
  for (let i = 0; i < issues.length; i++) if (issues[i].severity === 'error') return true;
  return false;
}
