/**
 * The rule engine: runs the registry's rules over a stream of messages and
 * correlator records and emits findings as soon as they are certain.
 *
 * Time is data (DESIGN.md "Model"): the analyzer's clock is the capture time
 * of the messages it sees and of `advance(ts)`; nothing uses wall-clock
 * timers, so a file and live traffic are analysed the same way.
 *
 *   const a = createAnalyzer({ onFinding: (f) => store.add(f) });
 *   pipeline: a.onMessage(msg, id, correlation)     every message, in order
 *   correlator: a.onTransactionFinal(rec) …         records that will not change any more
 *   a.advance(ts)                                    capture time moved on (idle periods, live)
 *   a.end()                                          input ended: last chance for pending rules
 */
import type { CallRecord, DialogRecord, MessageCorrelation, TransactionRecord } from '../correlate/model.js';
import type { SipMessage } from '../sip/message.js';
import { atLeast, type Finding, type FindingDraft, milder, type Severity } from './finding.js';
import { RULES } from './registry.js';
import type {
  CorrelatedContext,
  CorrelatedEvent,
  CorrelatedModel,
  CorrelatedRule,
  CorrelatedTrigger,
  MessageContext,
  MessageRule,
  ModelLookup,
  Rule,
} from './rule.js';

export interface AnalyzerOptions {
  /** Rules to run; default: every rule of the registry. */
  rules?: readonly Rule[];
  /** Findings milder than this are dropped; default `info` (keep all). */
  minSeverity?: Severity;
  /** Called once per finding, as soon as it is certain. Without it findings collect in `findings`. */
  onFinding?: (f: Finding) => void;
  /** Lookups into the correlated model, for correlated rules. */
  model?: ModelLookup;
  /** Most findings kept in `findings` when there is no `onFinding` (default 1,000,000); the rest are counted in `stats.dropped`. */
  maxFindings?: number;
}

export interface AnalyzerStats {
  /** Findings emitted (after the severity filter), dropped ones included. */
  findings: number;
  /** Findings per rule id. */
  byRule: Record<string, number>;
  /** Findings not kept because `maxFindings` was reached. */
  dropped: number;
}

export interface Analyzer {
  /** A parsed message, in capture order; `correlation` when a correlator runs before the analyzer. */
  onMessage(msg: SipMessage, id: number, correlation?: MessageCorrelation | null): void;
  /** A transaction record that will not change any more. */
  onTransactionFinal(record: TransactionRecord): void;
  onDialogFinal(record: DialogRecord): void;
  onCallFinal(record: CallRecord): void;
  /** Capture time reached `ts` (seconds); never goes back. */
  advance(ts: number): void;
  /** End of input: pending correlated rules decide now. Further calls are ignored. */
  end(): void;
  readonly findings: readonly Finding[];
  readonly stats: AnalyzerStats;
}

interface Slot {
  rule: CorrelatedRule<unknown>;
  ctx: { now: number; ended: boolean; state: unknown };
}

const TRIGGERS: readonly CorrelatedTrigger[] = ['message', 'transaction', 'dialog', 'call', 'tick'];

export function createAnalyzer(opts: AnalyzerOptions = {}): Analyzer {
  const rules = opts.rules ?? RULES;
  const min = opts.minSeverity ?? 'info';
  const maxFindings = opts.maxFindings ?? 1_000_000;
  const lookup: ModelLookup = opts.model ?? {};
  const onFinding = opts.onFinding;

  const messageRules: MessageRule[] = [];
  /** Rules that only report parser issues: skipped for the (usual) message without any. */
  const issueRules: MessageRule[] = [];
  const slots: Record<CorrelatedTrigger, Slot[]> = {
    message: [],
    transaction: [],
    dialog: [],
    call: [],
    tick: [],
  };
  for (const r of rules) {
    if (r.scope === 'message') {
      (r.issuesOnly === true ? issueRules : messageRules).push(r);
      continue;
    }
    const slot: Slot = { rule: r, ctx: { now: 0, ended: false, state: r.init ? r.init() : undefined } };
    for (const t of TRIGGERS) if (r.on.includes(t)) slots[t].push(slot);
  }

  const findings: Finding[] = [];
  const stats: AnalyzerStats = { findings: 0, byRule: {}, dropped: 0 };
  let now = 0;
  let ended = false;
  // One context object per message, mutated: no allocation per rule call.
  const mctx: { id: number; correlation: MessageCorrelation | null } = { id: 0, correlation: null };

  function emit(rule: Rule, d: FindingDraft, messages: number[], call: number | null): void {
    const severity = d.severity === undefined ? rule.severity : milder(rule.severity, d.severity);
    if (!atLeast(severity, min)) return;
    const f: Finding = {
      rule: rule.id,
      severity,
      rfc: rule.rfc.ref,
      messages,
      call: d.call !== undefined ? d.call : call,
      text: d.text,
    };
    if (d.range !== undefined) {
      f.range = { message: d.range.message ?? messages[0], offset: d.range.offset, length: d.range.length };
    }
    stats.findings++;
    stats.byRule[rule.id] = (stats.byRule[rule.id] ?? 0) + 1;
    if (onFinding !== undefined) onFinding(f);
    else if (findings.length < maxFindings) findings.push(f);
    else stats.dropped++;
  }

  function runMessageRules(list: MessageRule[], msg: SipMessage, id: number, call: number | null): void {
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      const drafts = r.check(msg, mctx as MessageContext);
      for (let k = 0; k < drafts.length; k++) {
        const d = drafts[k];
        emit(r, d, d.messages ?? [id], call);
      }
    }
  }

  function dispatch(list: Slot[], event: CorrelatedEvent, call: number | null): void {
    if (list.length === 0) return;
    const model: CorrelatedModel = { ...lookup, event };
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      s.ctx.now = now;
      s.ctx.ended = ended;
      const drafts = s.rule.check(model, s.ctx as CorrelatedContext<unknown>);
      for (let k = 0; k < drafts.length; k++) {
        const d = drafts[k];
        if (d.messages === undefined || d.messages.length === 0) {
          throw new Error(`rule ${s.rule.id}: a correlated finding must name its messages`);
        }
        emit(
          s.rule,
          d,
          d.messages.slice().sort((a, b) => a - b),
          call,
        );
      }
    }
  }

  return {
    onMessage(msg, id, correlation = null) {
      const ts = msg.source?.ts;
      if (ts !== undefined && ts > now) now = ts;
      mctx.id = id;
      mctx.correlation = correlation;
      const call = correlation?.call ?? null;
      runMessageRules(messageRules, msg, id, call);
      if (msg.issues.length > 0) runMessageRules(issueRules, msg, id, call);
      if (slots.message.length > 0) dispatch(slots.message, { kind: 'message', id, msg, correlation }, call);
    },
    onTransactionFinal(record) {
      dispatch(slots.transaction, { kind: 'transaction', record }, null);
    },
    onDialogFinal(record) {
      dispatch(slots.dialog, { kind: 'dialog', record }, null);
    },
    onCallFinal(record) {
      dispatch(slots.call, { kind: 'call', record }, record.id);
    },
    advance(ts) {
      if (ended || !(ts > now)) return;
      now = ts;
      dispatch(slots.tick, { kind: 'tick' }, null);
    },
    end() {
      if (ended) return;
      ended = true;
      dispatch(slots.tick, { kind: 'tick' }, null);
    },
    findings,
    stats,
  };
}
