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
 *
 * Capture time moves with each message too: a message later than the clock
 * first ticks the correlated rules (deadlines that passed before it fire
 * before it is seen), then is dispatched.
 */
import type { CallRecord, DialogRecord, MessageCorrelation, TransactionRecord } from '../correlate/model.js';
import { resolveTimers, type TimerValues } from '../correlate/timers.js';
import type { DtlsHello } from '../media/dtls-srtp.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { FingerprintCheck } from '../media/srtp-summary.js';
import type { SipMessage } from '../sip/message.js';
import { wireText } from '../sip/wire-text.js';
import {
  atLeast,
  type Finding,
  type FindingDraft,
  milder,
  noSeverityCounts,
  type Severity,
  type SeverityCounts,
} from './finding.js';
import { accepts, hasIssues, KEYS, messageKey } from './message-routing.js';
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

/**
 * Most findings one message rule makes on one message; the last one listed
 * says how many more there were (Convention 15: bounded, counted).
 */
export const MAX_PER_MESSAGE = 20;

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
  /** RFC 3261 timer values the rules judge by (default: `resolveTimers()`, T1 = 500 ms, the correlator's defaults). */
  timers?: TimerValues;
}

export interface AnalyzerStats {
  /** Findings emitted (after the severity filter), dropped ones included. */
  findings: number;
  /** Findings per rule id. */
  byRule: Record<string, number>;
  /** Findings per severity (after the severity filter), dropped ones included. */
  bySeverity: SeverityCounts;
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
  /** An RTP stream ended, with the call of the message whose SDP set it up (null: none). */
  onStream(record: RtpStreamRecord, call: number | null): void;
  /** A DTLS side's certificate checked against its SDP (RFC 5763 §5), with the call of that SDP's message. */
  onDtlsCheck(check: FingerprintCheck, call: number | null): void;
  /** A DTLS ClientHello or ServerHello on a media address: who acted as DTLS client. */
  onDtlsHello(hello: DtlsHello): void;
  /** Capture time reached `ts` (seconds); never goes back. */
  advance(ts: number): void;
  /** End of input: pending correlated rules decide now. Further calls are ignored. */
  end(): void;
  readonly findings: readonly Finding[];
  readonly stats: AnalyzerStats;
}

/** Capture time as the analyzer knows it, read by every rule context. */
interface Clock {
  now: number;
  ended: boolean;
  /** Earliest capture time a `wakes` rule asked a tick for. */
  nextWake: number;
}

/** One correlated rule in one analyzer. */
class Slot implements CorrelatedContext<unknown> {
  /** `wakes` rules: capture time after which the next tick is wanted. */
  wake = Number.POSITIVE_INFINITY;
  /** The rule's check and `wakes`, held here so the hot loop does not read them from rule objects of many shapes. */
  readonly check: CorrelatedRule<unknown>['check'];
  readonly wakes: boolean;

  constructor(
    readonly rule: CorrelatedRule<unknown>,
    private readonly clock: Clock,
    readonly timers: TimerValues,
    readonly state: unknown,
    readonly shared: <T>(key: string, make: () => T) => T,
  ) {
    this.check = rule.check;
    this.wakes = rule.wakes === true;
  }

  get now(): number {
    return this.clock.now;
  }

  get ended(): boolean {
    return this.clock.ended;
  }

  wakeAt(at: number): void {
    if (at < this.wake) this.wake = at;
    if (at < this.clock.nextWake) this.clock.nextWake = at;
  }
}

/** The message event, reused for every message (rules must not keep events: see rule.ts). */
interface MessageEvent {
  kind: 'message';
  id: number;
  msg: SipMessage;
  correlation: MessageCorrelation | null;
}

const TRIGGERS: readonly CorrelatedTrigger[] = [
  'message',
  'transaction',
  'dialog',
  'call',
  'stream',
  'dtls',
  'dtls-hello',
  'tick',
];

export function createAnalyzer(opts: AnalyzerOptions = {}): Analyzer {
  const rules = opts.rules ?? RULES;
  const min = opts.minSeverity ?? 'info';
  const maxFindings = opts.maxFindings ?? 1_000_000;
  const lookup: ModelLookup = opts.model ?? {};
  const onFinding = opts.onFinding;
  const timers = opts.timers ?? resolveTimers();

  const messageRules: MessageRule[] = [];
  /** Rules that only report parser issues: skipped for the (usual) message without any. */
  const issueRules: MessageRule[] = [];
  const slots: Record<CorrelatedTrigger, Slot[]> = {
    message: [],
    transaction: [],
    dialog: [],
    call: [],
    stream: [],
    dtls: [],
    'dtls-hello': [],
    tick: [],
  };
  const sharedState = new Map<string, unknown>();
  // Rules of one family ask one after the other: the last answer is kept.
  let lastKey = '';
  let lastShared: unknown;
  const shared = <T>(key: string, make: () => T): T => {
    if (key === lastKey) return lastShared as T;
    let v = sharedState.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      sharedState.set(key, v);
    }
    lastKey = key;
    lastShared = v;
    return v;
  };
  const clock: Clock = { now: 0, ended: false, nextWake: Number.NEGATIVE_INFINITY };
  for (const r of rules) {
    if (r.scope === 'message') {
      (r.issuesOnly === true ? issueRules : messageRules).push(r);
      continue;
    }
    const slot = new Slot(r, clock, timers, r.init ? r.init() : undefined, shared);
    for (const t of TRIGGERS) if (r.on.includes(t)) slots[t].push(slot);
  }
  /** Every ticked rule wakes on demand: a tick before the earliest requested time can be skipped whole. */
  const allWake = slots.tick.every((s) => s.wakes);
  if (allWake) clock.nextWake = Number.POSITIVE_INFINITY;
  /** Correlated message rules by message class (see message-routing.ts), built on first use. */
  const routes: Array<Slot[] | null> = new Array(KEYS).fill(null);
  const routeOf = (key: number): Slot[] => {
    const r = routes[key];
    if (r !== null) return r;
    // A loop, not filter(callback): a callback capturing `key` would make every call allocate a context.
    const made: Slot[] = [];
    for (const s of slots.message) if (accepts(s.rule.only, key)) made.push(s);
    routes[key] = made;
    return made;
  };
  /**
   * Message-scope rules by message class, built on first use: the message
   * rules whose filter accepts it, in registry order, then (for a message with
   * parser issues) the issue rules — the order findings have always come in.
   */
  const messageRoutes: Array<MessageRule[] | null> = new Array(KEYS).fill(null);
  const messageRouteOf = (key: number): MessageRule[] => {
    const r = messageRoutes[key];
    if (r !== null) return r;
    const made: MessageRule[] = [];
    for (const m of messageRules) if (accepts(m.only, key)) made.push(m);
    if (hasIssues(key)) for (const m of issueRules) if (accepts(m.only, key)) made.push(m);
    messageRoutes[key] = made;
    return made;
  };
  const routed = messageRules.length > 0 || issueRules.length > 0 || slots.message.length > 0;

  const findings: Finding[] = [];
  const stats: AnalyzerStats = { findings: 0, byRule: {}, bySeverity: noSeverityCounts(), dropped: 0 };
  // One context object per message, mutated: no allocation per rule call.
  const mctx: { id: number; correlation: MessageCorrelation | null } = { id: 0, correlation: null };
  // The model and the frequent events are reused too (one object each per analyzer).
  const model: { -readonly [K in keyof CorrelatedModel]: CorrelatedModel[K] } = {
    ...lookup,
    event: { kind: 'tick' },
  };
  const TICK: CorrelatedEvent = { kind: 'tick' };
  const msgEvent: MessageEvent = {
    kind: 'message',
    id: 0,
    msg: null as unknown as SipMessage,
    correlation: null,
  };

  function emit(rule: Rule, d: FindingDraft, messages: number[], call: number | null): void {
    const severity = d.severity === undefined ? rule.severity : milder(rule.severity, d.severity);
    if (!atLeast(severity, min)) return;
    const f: Finding = {
      rule: rule.id,
      severity,
      rfc: rule.rfc.ref,
      messages,
      call: d.call !== undefined ? d.call : call,
      // Rules quote header values as the parser holds them (latin1): the finding says them as sent (UTF-8).
      text: wireText(d.text),
    };
    if (d.range !== undefined) {
      f.range = { message: d.range.message ?? messages[0], offset: d.range.offset, length: d.range.length };
    }
    stats.findings++;
    stats.byRule[rule.id] = (stats.byRule[rule.id] ?? 0) + 1;
    stats.bySeverity[severity]++;
    if (onFinding !== undefined) onFinding(f);
    else if (findings.length < maxFindings) findings.push(f);
    else stats.dropped++;
  }

  function runMessageRules(list: MessageRule[], msg: SipMessage, id: number, call: number | null): void {
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      const drafts = r.check(msg, mctx as MessageContext);
      if (drafts.length > MAX_PER_MESSAGE) {
        emitCapped(r, drafts, id, call);
        continue;
      }
      for (let k = 0; k < drafts.length; k++) {
        const d = drafts[k];
        emit(r, d, d.messages ?? [id], call);
      }
    }
  }

  /**
   * One rule found more than MAX_PER_MESSAGE things in one message (a header
   * of 60,000 commas: as many empty list elements): the first ones, the last
   * saying how many more there were. Without the bound a 3 MB capture of 50
   * such datagrams made 3 million findings, 3.5 GB and a minute of `analyze`.
   */
  function emitCapped(
    r: MessageRule,
    drafts: readonly FindingDraft[],
    id: number,
    call: number | null,
  ): void {
    for (let k = 0; k < MAX_PER_MESSAGE; k++) {
      const d = drafts[k];
      const more = drafts.length - MAX_PER_MESSAGE;
      const text =
        k < MAX_PER_MESSAGE - 1 ? d.text : `${d.text} (and ${more} more like it in this message, not listed)`;
      emit(r, text === d.text ? d : { ...d, text }, d.messages ?? [id], call);
    }
  }

  function dispatch(list: Slot[], event: CorrelatedEvent, call: number | null): void {
    if (list.length === 0) return;
    model.event = event;
    const ticking = event.kind === 'tick';
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (ticking && s.wakes) {
        // On-demand ticks: only once capture time has passed what the rule asked for (and at the end).
        if (!clock.ended && !(clock.now > s.wake)) continue;
        s.wake = Number.POSITIVE_INFINITY;
      }
      const drafts = s.check(model, s);
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

  /** Capture time moved (or the input ended): the correlated rules' tick, skipped while no one is due. */
  function tick(): void {
    const list = slots.tick;
    if (list.length === 0) return;
    if (allWake && !clock.ended && !(clock.now > clock.nextWake)) return;
    dispatch(list, TICK, null);
    if (!allWake) return;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < list.length; i++) if (list[i].wake < next) next = list[i].wake;
    clock.nextWake = next;
  }

  return {
    onMessage(msg, id, correlation = null) {
      const ts = msg.source?.ts;
      if (ts !== undefined && ts > clock.now && !clock.ended) {
        clock.now = ts;
        tick();
      }
      mctx.id = id;
      mctx.correlation = correlation;
      if (!routed) return;
      const call = correlation?.call ?? null;
      const key = messageKey(msg, correlation);
      runMessageRules(messageRouteOf(key), msg, id, call);
      if (slots.message.length > 0) {
        const list = routeOf(key);
        if (list.length === 0) return;
        msgEvent.id = id;
        msgEvent.msg = msg;
        msgEvent.correlation = correlation;
        dispatch(list, msgEvent, call);
        msgEvent.msg = null as unknown as SipMessage;
      }
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
    onStream(record, call) {
      dispatch(slots.stream, { kind: 'stream', record, call }, call);
    },
    onDtlsCheck(check, call) {
      dispatch(slots.dtls, { kind: 'dtls', check, call }, call);
    },
    onDtlsHello(hello) {
      dispatch(slots['dtls-hello'], { kind: 'dtls-hello', hello }, null);
    },
    advance(ts) {
      if (clock.ended || !(ts > clock.now)) return;
      clock.now = ts;
      tick();
    },
    end() {
      if (clock.ended) return;
      clock.ended = true;
      tick();
    },
    findings,
    stats,
  };
}
