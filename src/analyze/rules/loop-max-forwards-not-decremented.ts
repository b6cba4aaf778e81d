import type { MessageCorrelation } from '../../correlate/model.js';
import { maxForwards, vias } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { hopText, isFirstCopy, txOf } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedModel, CorrelatedRule } from '../rule.js';

/** What a forwarded request says about its Max-Forwards. */
export interface Forwarded {
  /** Max-Forwards of this copy. */
  mine: number;
  /** Max-Forwards of the request on the previous hop. */
  previous: number;
  /** Transaction of the previous hop. */
  upstream: number;
}

/**
 * Remembers the Max-Forwards of each request transaction's first copy and
 * compares a forwarded request (one whose second Via names a transaction
 * seen on the previous hop) with it. Shared by the two Max-Forwards rules
 * (`ctx.shared`), fed once per message.
 */
export class MaxForwardsMemo {
  private readonly memo = new IdMemo(1);
  private lastId = -1;
  private last: Forwarded | undefined;

  at(
    id: number,
    msg: SipMessage,
    c: MessageCorrelation | null,
    model: CorrelatedModel,
  ): Forwarded | undefined {
    if (id === this.lastId) return this.last;
    this.lastId = id;
    this.last = undefined;
    if (msg.kind !== 'request' || !isFirstCopy(c)) return undefined;
    const mine = maxForwards(msg);
    if (mine === undefined) return undefined;
    this.memo.set(c.transaction, 0, mine);
    // Only a forwarded request (a second Via) has a previous hop.
    if (vias(msg).length < 2) return undefined;
    const up = txOf(model, c)?.upstream;
    if (up === undefined) return undefined;
    const previous = this.memo.get(up, 0);
    if (Number.isNaN(previous)) return undefined;
    this.last = { mine, previous, upstream: up };
    return this.last;
  }
}

export const MAX_FORWARDS = 'loop.max-forwards';
export const newMaxForwardsMemo = (): MaxForwardsMemo => new MaxForwardsMemo();

export const loopMaxForwardsNotDecremented: CorrelatedRule = {
  id: 'loop.max-forwards-not-decremented',
  title: 'A proxy forwarded a request without decrementing Max-Forwards',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §16.6',
    text:
      'If the copy contains a Max-Forwards header field, the proxy MUST decrement its value by one (1). If the ' +
      'copy does not contain a Max-Forwards header field, the proxy MUST add one with a field value, which ' +
      'SHOULD be 70.',
  },
  explanation:
    'Max-Forwards is the hop counter that ends a routing loop: each proxy takes one off, and the request is ' +
    'refused with 483 when it reaches 0. A proxy that forwards the request with the same (or a higher) value ' +
    'defeats it, so a loop through that proxy never ends by itself. The capture shows the request arriving ' +
    'at the proxy and leaving it (the outgoing copy carries the incoming top Via as its second Via), with no ' +
    'decrement between the two.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', copies: 'first' },
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const f = ctx.shared(MAX_FORWARDS, newMaxForwardsMemo).at(ev.id, ev.msg, ev.correlation, model);
    if (f === undefined || f.mine < f.previous) return NONE;
    const req = model.transaction?.(f.upstream)?.request;
    return [
      {
        text: `${ev.msg.kind === 'request' ? ev.msg.method : ''} forwarded on ${hopText(ev.msg)} with Max-Forwards ${f.mine}; it arrived at the proxy with ${f.previous}`,
        messages: req === null || req === undefined ? [ev.id] : [req, ev.id],
      } satisfies FindingDraft,
    ];
  },
};
