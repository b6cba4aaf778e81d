/** Correlation by RFC 3261: transactions, dialogs, calls, retransmissions (DESIGN.md "Model"). */
export {
  type LadderMessage,
  type LadderOptions,
  ladderLabel,
  ladderMessage,
  renderLadder,
} from './ascii-ladder.js';
export { computeOutcome, kindOfMethod, msBetween } from './call-outcome.js';
export {
  type CallFinalDetail,
  type Correlator,
  type CorrelatorOptions,
  type CorrelatorSnapshot,
  type CorrelatorStats,
  createCorrelator,
  type HotStats,
} from './correlator.js';
export { DIALOG_TRANSITIONS } from './dialog-table.js';
export { icidValue, linkEvidence, sessionUuid } from './evidence.js';
export type {
  CallEndpoint,
  CallEvidence,
  CallKind,
  CallLink,
  CallRecord,
  CallRelation,
  CallRelationEvidence,
  CallRelationKind,
  CallState,
  DialogKind,
  DialogRecord,
  DialogState,
  MessageCorrelation,
  TransactionRecord,
} from './model.js';
export { isReliable, resolveTimers, type TimerOptions, type TimerValues } from './timers.js';
export { isRfc3261Branch, MAGIC_COOKIE } from './transaction-key.js';
export {
  INVITE_TRANSITIONS,
  NON_INVITE_TRANSITIONS,
  TRANSACTION_ANOMALIES,
  type TransactionKind,
  type TransactionState,
  transition,
} from './transaction-state.js';
