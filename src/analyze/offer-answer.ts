/**
 * The SDP offer/answer exchanges of SIP (RFC 3264; RFC 3261 §13.2.1,
 * §13.3.1.4; RFC 3262 §5; RFC 3311), followed message by message for the
 * `sdp.*` rules. One tracker per analyzer, shared by those rules
 * (`ctx.shared`): the first rule that sees a message feeds it, the others
 * read the same result.
 *
 * What is followed:
 * - an offer in INVITE or UPDATE (or a PRACK that is not itself an answer),
 *   answered by the first reliable response of its transaction: the 2xx, or
 *   a reliable provisional (RSeq) with a body;
 * - an INVITE without a body: the offer comes in the 2xx (or the first
 *   reliable provisional) and the answer in the ACK (or the PRACK).
 * A request forwarded by a proxy (its transaction has an `upstream`) is the
 * same exchange as on the previous hop and is followed there only. Pending
 * offers are dropped after Timer C + 64·T1 if nothing answered them.
 */
import type { MessageCorrelation } from '../correlate/model.js';
import type { TimerValues } from '../correlate/timers.js';
import { cseq } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { type Sdp, sdpOf } from '../sip/sdp.js';
import { isFailure, isSuccess } from '../sip/status.js';
import { isFirstCopy, isReliableProvisional, tsOf, txOf } from './correlated-facts.js';
import { DeadlineQueue } from './deadline-queue.js';
import { type FindingDraft, NONE } from './finding.js';
import { IdMemo } from './id-memo.js';
import type { CorrelatedModel, CorrelatedRule, MessageFilter, RuleBase } from './rule.js';

export interface Offer {
  sdp: Sdp;
  /** Message id of the offer. */
  msg: number;
  /** Method of the offer's request, or `2xx`/`1xx` for an offer in a response. */
  in: string;
}

/** What a message did to an exchange. */
export type Step =
  /** The message carries the answer to `offer`. */
  | { kind: 'answer'; offer: Offer; answer: Sdp; msg: number }
  /** The message had to carry `expected` (an answer, or the offer in a 2xx) and carries none. */
  | { kind: 'missing'; expected: 'answer' | 'offer'; offer: Offer | null; msg: number };

interface Pending extends Offer {
  /** CSeq number, for offers in a response answered in the ACK. */
  seq: number;
}

export const OFFER_ANSWER = 'sdp.offer-answer';

/** The messages an offer/answer rule needs to see (its `only` filter). */
export const SDP_MESSAGES: MessageFilter = {
  requests: ['INVITE', 'UPDATE', 'PRACK', 'ACK'],
  responses: [1, 2, 3, 4, 5, 6],
  responseTo: ['INVITE', 'UPDATE', 'PRACK'],
  copies: 'first',
};

/**
 * The messages a rule comparing an answer with its offer needs: only those
 * with a body. Without `sdp.answer-missing` (which sees them all) the
 * tracker then misses body-less 2xx and failures, and their pending offers
 * linger until they expire; no exchange is paired wrongly.
 */
export const SDP_ANSWERS: MessageFilter = { ...SDP_MESSAGES, withBody: true };

export class OfferAnswerTracker {
  /** Offers in a request, by transaction, awaiting the response that answers them. */
  private readonly byTx = new Map<number, Pending>();
  /** Offers in a 2xx or reliable 1xx, by dialog, awaiting the ACK or PRACK. */
  private readonly byDialog = new Map<number, Pending>();
  /** INVITE transactions sent without an offer (the response must make one). */
  private readonly noOffer = new IdMemo(1);
  private readonly expiry = new DeadlineQueue();
  private lastId = -1;
  private lastStep: Step | undefined;

  /** Pending exchanges (for tests and bounded-state checks). */
  get size(): number {
    return this.byTx.size + this.byDialog.size;
  }

  /** Feeds one message (once per message id; later calls return the same step). */
  step(
    id: number,
    m: SipMessage,
    c: MessageCorrelation | null,
    model: CorrelatedModel,
    t: TimerValues,
  ): Step | undefined {
    if (id === this.lastId) return this.lastStep;
    this.lastId = id;
    this.lastStep = isFirstCopy(c) ? this.feed(id, m, c, model, t) : undefined;
    return this.lastStep;
  }

  /** Capture time reached `now`: forget exchanges nothing will complete any more. */
  expire(now: number): void {
    while (this.expiry.due(now)) {
      const key = this.expiry.first(0);
      if (this.expiry.first(1) === 0) this.byTx.delete(key);
      else this.byDialog.delete(key);
      this.expiry.shift();
    }
  }

  /** Capture time at which the next pending exchange expires. */
  get nextExpiry(): number | undefined {
    return this.expiry.firstAt;
  }

  /** Pending exchanges waiting to expire (1: the queue was just armed). */
  get expiring(): number {
    return this.expiry.size;
  }

  clear(): void {
    this.byTx.clear();
    this.byDialog.clear();
    this.expiry.clear();
  }

  private feed(
    id: number,
    m: SipMessage,
    c: MessageCorrelation,
    model: CorrelatedModel,
    t: TimerValues,
  ): Step | undefined {
    const sdp = m.body.length > 0 ? sdpOf(m) : undefined;
    if (m.kind === 'request') {
      const method = m.method;
      if (method === 'ACK' || method === 'PRACK') {
        // The answer to an offer made in a 2xx (ACK) or a reliable 1xx (PRACK).
        const p = c.dialog === null ? undefined : this.byDialog.get(c.dialog);
        if (p !== undefined && (method === 'PRACK' || p.seq === cseq(m)?.seq)) {
          this.byDialog.delete(c.dialog as number);
          return sdp === undefined
            ? { kind: 'missing', expected: 'answer', offer: p, msg: id }
            : { kind: 'answer', offer: p, answer: sdp, msg: id };
        }
        if (method === 'ACK' || sdp === undefined) return undefined;
      } else if (method !== 'INVITE' && method !== 'UPDATE') return undefined;
      const tx = txOf(model, c);
      if (tx === undefined || tx.request !== id || tx.upstream !== undefined) return undefined;
      if (sdp !== undefined) {
        this.byTx.set(c.transaction, { sdp, msg: id, in: method, seq: 0 });
        this.expiry.push(expiryOf(m, t), c.transaction, 0);
      } else if (method === 'INVITE') this.noOffer.set(c.transaction, 0, 1);
      return undefined;
    }
    const st = m.status;
    const reliable = isReliableProvisional(m);
    const p = this.byTx.get(c.transaction);
    if (p !== undefined) {
      if (isFailure(st)) this.byTx.delete(c.transaction);
      if (!(isSuccess(st) || (reliable && sdp !== undefined))) return undefined;
      this.byTx.delete(c.transaction);
      return sdp === undefined
        ? { kind: 'missing', expected: 'answer', offer: p, msg: id }
        : { kind: 'answer', offer: p, answer: sdp, msg: id };
    }
    if (this.noOffer.get(c.transaction, 0) !== 1 || !(isSuccess(st) || reliable)) return undefined;
    if (sdp === undefined) {
      if (!isSuccess(st)) return undefined;
      this.noOffer.delete(c.transaction);
      return { kind: 'missing', expected: 'offer', offer: null, msg: id };
    }
    this.noOffer.delete(c.transaction);
    if (c.dialog === null) return undefined;
    this.byDialog.set(c.dialog, { sdp, msg: id, in: isSuccess(st) ? '2xx' : '1xx', seq: cseq(m)?.seq ?? -1 });
    this.expiry.push(expiryOf(m, t), c.dialog, 1);
    return undefined;
  }
}

/** When an offer made by `m` is dropped if nothing answered it: Timer C + 64·T1 later. */
function expiryOf(m: SipMessage, t: TimerValues): number {
  return tsOf(m) + t.c + 64 * t.t1;
}

const newTracker = (): OfferAnswerTracker => new OfferAnswerTracker();

/** The tracker of an analyzer, fed with the current message event. */
export function offerAnswerStep(
  model: CorrelatedModel,
  ctx: {
    timers: TimerValues;
    now: number;
    ended: boolean;
    shared<T>(key: string, make: () => T): T;
    wakeAt(at: number): void;
  },
): Step | undefined {
  const tracker = ctx.shared(OFFER_ANSWER, newTracker);
  const ev = model.event;
  let step: Step | undefined;
  if (ev.kind === 'tick') {
    if (ctx.ended) tracker.clear();
    else tracker.expire(ctx.now);
  } else if (ev.kind === 'message') step = tracker.step(ev.id, ev.msg, ev.correlation, model, ctx.timers);
  // Expiries come in order: the wake-up time moves only after a tick or when the queue was just armed.
  if (ev.kind === 'tick' || tracker.expiring === 1) {
    const next = tracker.nextExpiry;
    if (next !== undefined) ctx.wakeAt(next);
  }
  return step;
}

/** The step of a message that carries an answer: its offer, and the answer's SDP. */
export type AnswerStep = Extract<Step, { kind: 'answer' }>;

/**
 * A rule that judges each SDP answer against its offer (the sdp.answer-*
 * rules): called on the messages that carry an answer, `judge` gives the
 * findings, or NONE.
 */
export function answerRule(
  base: RuleBase,
  judge: (step: AnswerStep) => readonly FindingDraft[],
): CorrelatedRule {
  return {
    ...base,
    scope: 'correlated',
    on: ['message', 'tick'],
    only: SDP_ANSWERS,
    wakes: true,
    check(model, ctx) {
      const step = offerAnswerStep(model, ctx);
      return step === undefined || step.kind !== 'answer' ? NONE : judge(step);
    },
  };
}
