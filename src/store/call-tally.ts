/**
 * The calls' part of the statistics view (store.ts CaptureStatsView), tallied
 * call by call where the store holds calls as rows: the memory store and the
 * live window. (The SQLite store counts the same with SQL: sqlite-stats.ts.)
 */
import { distribution } from './distribution.js';
import type { CallJson } from './rows.js';
import type { CaptureStatsView } from './store.js';

export type CallsView = Pick<
  CaptureStatsView,
  'callsByState' | 'callsByKind' | 'asr' | 'pddMs' | 'setupMs' | 'durationMs'
>;

/** An INVITE call that got a 2xx: RFC 3261 §13.2.2.4, the 2xx establishes the session. */
function isAnswered(c: CallJson): boolean {
  return c.state === 'in-call' || c.state === 'completed' || c.setupMs !== null;
}

export class CallTally {
  private readonly byState: Record<string, number> = {};
  private readonly byKind: Record<string, number> = {};
  private invites = 0;
  private answered = 0;
  private readonly pdd: number[] = [];
  private readonly setup: number[] = [];
  private readonly duration: number[] = [];

  add(c: CallJson): void {
    this.byState[c.state] = (this.byState[c.state] ?? 0) + 1;
    this.byKind[c.kind] = (this.byKind[c.kind] ?? 0) + 1;
    if (c.kind === 'call') {
      this.invites++;
      if (isAnswered(c)) this.answered++;
    }
    if (c.pddMs !== null) this.pdd.push(c.pddMs);
    if (c.setupMs !== null) this.setup.push(c.setupMs);
    if (c.durationMs !== null) this.duration.push(c.durationMs);
  }

  /** Calls by state and kind, the ASR (answered INVITE calls / INVITE calls) and the timing distributions. */
  view(): CallsView {
    return {
      callsByState: { ...this.byState },
      callsByKind: { ...this.byKind },
      asr: this.invites === 0 ? null : this.answered / this.invites,
      pddMs: distribution(this.pdd),
      setupMs: distribution(this.setup),
      durationMs: distribution(this.duration),
    };
  }
}
