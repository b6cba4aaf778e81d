/**
 * The JSON contract's `stats` (DESIGN.md "The analyze command's JSON"), in a
 * module of its own with no code: the store, the server and the web UI's
 * types (web/src/api/types.ts) name it without pulling in the analysis.
 */
import type { SeverityCounts } from '../analyze/finding.js';

export interface AnalysisStats {
  frames: number;
  sipMessages: number;
  requests: Record<string, number>;
  responses: Record<string, number>;
  retransmissions: number;
  transactions: number;
  dialogs: number;
  calls: number;
  findings: number;
  /** The findings by severity: how many errors, warnings and infos (sums to `findings`). */
  findingsBySeverity: SeverityCounts;
  decodeErrors: number;
  malformed: number;
}
