/**
 * A rule is data plus a check (DESIGN.md convention 12): a stable dotted id,
 * a title, a severity, the RFC sentence it enforces, an explanation a student
 * can read, and a pure function that looks at one message (scope `message`)
 * or at the correlator's records (scope `correlated`).
 *
 * Rules never throw on bad input: what they cannot read they skip (the
 * parser has already reported it as an issue, which an issue rule turns
 * into a finding).
 */
import type { CallRecord, DialogRecord, MessageCorrelation, TransactionRecord } from '../correlate/model.js';
import type { TimerValues } from '../correlate/timers.js';
import type { DtlsHello } from '../media/dtls-srtp.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { FingerprintCheck } from '../media/srtp-summary.js';
import type { SipMessage } from '../sip/message.js';
import type { FindingDraft, Severity } from './finding.js';
import type { RfcQuote } from './rule-info.js';

export type { RfcQuote };

export interface RuleBase {
  /** Stable dotted id: `area.what`, lowercase, kebab-case words. */
  id: string;
  /** One line, no final period. */
  title: string;
  /** The severity of a typical occurrence; a draft may lower it, never raise it. */
  severity: Severity;
  rfc: RfcQuote;
  /** 2–4 sentences: what it means, why it matters, what usually causes it. */
  explanation: string;
  /**
   * Parser issue codes (`SipIssue.code`) this rule answers for: it reports
   * them, or its own check makes them redundant. Every code the parser can
   * emit is claimed by exactly one rule (checked by a test).
   */
  issues?: readonly string[];
}

// ---------------------------------------------------------------------------
// Message scope

/** What a message-scope check knows besides the message itself. */
export interface MessageContext {
  /** Message id (0-based capture order; lint: index in the file). */
  readonly id: number;
  /** What the correlator said about the message, when there is a correlator. */
  readonly correlation: MessageCorrelation | null;
}

export interface MessageRule extends RuleBase {
  scope: 'message';
  /** The check only reads `msg.issues`: the engine does not call it for a message without issues. */
  issuesOnly?: boolean;
  /**
   * Messages the check can find something in (see MessageFilter; default
   * every message): the engine calls it for no other. A filter must only
   * leave out messages for which the check returns `NONE`.
   */
  only?: MessageFilter;
  /** Looks at one parsed message. Returns `NONE` when there is nothing to say. */
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[];
}

// ---------------------------------------------------------------------------
// Correlated scope

/**
 * What wakes a correlated rule. Findings must be certain when emitted: a
 * rule about a missing message waits for the record to be final (the
 * correlator hands out final records once capture time has passed the
 * relevant timer) or for a `tick` past its own deadline.
 *
 * A tick comes whenever capture time moves forward: a message with a later
 * timestamp (before that message is dispatched), `advance(ts)`, and once more
 * from `end()` with `ctx.ended` set. At the end, a wait whose deadline
 * capture time never reached is not a finding: the capture stopped, the
 * message may still have come.
 *
 * The engine reuses event objects between calls: a rule must not keep a
 * reference to an event (or to the model) after its check returns.
 */
export type CorrelatedEvent =
  /** A message arrived (with what the correlator decided about it). */
  | { kind: 'message'; id: number; msg: SipMessage; correlation: MessageCorrelation | null }
  /** A transaction record is final: no message will join it any more. */
  | { kind: 'transaction'; record: TransactionRecord }
  | { kind: 'dialog'; record: DialogRecord }
  | { kind: 'call'; record: CallRecord }
  /** An RTP stream ended (media-tracker.ts), with the call of the message that set it up (null: none). */
  | { kind: 'stream'; record: RtpStreamRecord; call: number | null }
  /**
   * A DTLS side's certificate was checked against its SDP's a=fingerprint
   * (dtls-fingerprint.ts), with the call of that SDP's message (null: none).
   */
  | { kind: 'dtls'; check: FingerprintCheck; call: number | null }
  /** A DTLS ClientHello or ServerHello on a media address (dtls-srtp.ts): which side acted as client. */
  | { kind: 'dtls-hello'; hello: DtlsHello }
  /** Capture time advanced to `now` (or the input ended: `ended`). */
  | { kind: 'tick' };

export type CorrelatedTrigger = CorrelatedEvent['kind'];

/**
 * Read access to the correlated model, supplied by whoever wires the stages
 * (the pipeline, a store, a test). Lookups return undefined for what is not
 * (or no longer) held.
 */
export interface ModelLookup {
  message?(id: number): SipMessage | undefined;
  transaction?(id: number): TransactionRecord | undefined;
  dialog?(id: number): DialogRecord | undefined;
  call?(id: number): CallRecord | undefined;
  /**
   * The live transaction created by a request with this top Via branch,
   * sent-by, method (RFC 3261 §17.2.3 matching) and Call-ID
   * (transaction-key.ts), if the correlator still holds it.
   */
  liveTransaction?(
    branch: string,
    sentBy: string,
    method: string,
    callId: string,
  ): TransactionRecord | undefined;
}

/** The model as a correlated check sees it: the lookups plus the event being handled. */
export interface CorrelatedModel extends ModelLookup {
  readonly event: CorrelatedEvent;
}

/** Per analyzer, per rule: time and the rule's own state. */
export interface CorrelatedContext<S> {
  /** Capture time (s) the analyzer has reached. */
  readonly now: number;
  /** True during the final tick sent by `end()`. */
  readonly ended: boolean;
  /** RFC 3261 timer values (T1, T2, 64·T1, Timer C…) the capture is judged by. */
  readonly timers: TimerValues;
  /** This rule's state in this analyzer (from `init`), e.g. pending deadlines. */
  readonly state: S;
  /**
   * State shared by the rules of one analyzer under `key`, made by `make` on
   * first use: a helper several rules feed from the same events (the SDP
   * offer/answer tracker), so the work is done once per message, not once
   * per rule. The helper must tolerate being fed by any one of its rules.
   */
  shared<T>(key: string, make: () => T): T;
  /**
   * For a rule with `wakes: true`: ask for a tick once capture time passes
   * `at` (the earliest deadline it holds). Each tick cancels the request; the
   * rule asks again for its next deadline. The final tick of `end()` always
   * comes.
   */
  wakeAt(at: number): void;
}

/**
 * Which messages a rule looks at, so the engine does not call it for the
 * others (a call per rule per message is what the engine costs). All fields
 * narrow; a rule without a filter sees every message.
 */
export interface MessageFilter {
  /** Request methods (as sent, upper case) or '*' for every request; absent: no requests. */
  requests?: '*' | readonly string[];
  /** Request methods left out of `requests: '*'`. */
  except?: readonly string[];
  /** Requests only with (true) or without (false) a To tag, i.e. inside or outside a dialog. */
  inDialog?: boolean;
  /** Only messages with a body. */
  withBody?: boolean;
  /**
   * Only messages with parser issues (`msg.issues` not empty): for a check
   * that can only find what the parser always reports too (the `issues`
   * codes it claims), so it has nothing to say about a clean message.
   */
  withIssues?: boolean;
  /** Response status classes (2 for 2xx…); absent: no responses. */
  responses?: readonly number[];
  /** Responses only to these methods (their CSeq method). */
  responseTo?: readonly string[];
  /**
   * `first`: first copies only (no retransmission, no mirror duplicate; every
   * message when there is no correlator); `retransmissions`: retransmissions
   * only; `all` (default): every copy.
   */
  copies?: 'first' | 'retransmissions' | 'all';
}

export interface CorrelatedRule<S = unknown> extends RuleBase {
  scope: 'correlated';
  /** Events this rule is called for; the engine dispatches nothing else to it. */
  on: readonly CorrelatedTrigger[];
  /** Message events only for these messages (see MessageFilter); default every message. */
  only?: MessageFilter;
  /** Ticks only when asked for with `ctx.wakeAt` (plus the final one); default every tick. */
  wakes?: boolean;
  /** Creates the rule's state for one analyzer (state lives in the analyzer, never in the rule). */
  init?(): S;
  /** Drafts must name their `messages`. Called as a plain function (not with the rule as `this`). */
  check(model: CorrelatedModel, ctx: CorrelatedContext<S>): readonly FindingDraft[];
}

/** Any rule (method syntax keeps `CorrelatedRule<S>` assignable to `CorrelatedRule<unknown>`). */
export type Rule = MessageRule | CorrelatedRule<unknown>;
