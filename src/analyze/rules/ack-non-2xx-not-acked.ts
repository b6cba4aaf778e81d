import { isFailure } from '../../sip/status.js';
import { isFirstCopy, secs, tsOf, txOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** Per INVITE transaction: the final response's message id and status, ACK seen, call. */
const MSG = 0;
const STATUS = 1;
const ACKED = 2;
const CALL = 3;

interface State {
  memo: IdMemo;
  /** (64·T1 after the first non-2xx final response, transaction). */
  waits: DeadlineQueue;
}

export const ackNon2xxNotAcked: CorrelatedRule<State> = {
  id: 'ack.non-2xx-not-acked',
  title: 'Non-2xx final response to INVITE never ACKed (Timer H)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §17.1.1.2, §17.2.1',
    text:
      'When in either the "Calling" or "Proceeding" states, reception of a response with status code from ' +
      '300-699 MUST cause the client transaction to transition to "Completed". The client transaction MUST ' +
      'pass the received response up to the TU, and the client transaction MUST generate an ACK request, even ' +
      'if the transport is reliable … If timer H fires while in the "Completed" state, it implies that the ACK ' +
      'was never received.',
  },
  explanation:
    'A 3xx–6xx answer to an INVITE (a 486 Busy, a 487 after CANCEL, a 407 challenge) is acknowledged hop by ' +
    "hop with an ACK that reuses the INVITE's branch. Without it the server retransmits the final response " +
    'until Timer H (64·T1, 32 s) and then reports a transaction failure. A missing ACK usually means the ' +
    'response did not reach the client (NAT, wrong Via received/rport handling) or the ACK was sent ' +
    'somewhere else. Responses whose 32 s had not passed when the capture ended are not reported.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: ['ACK'], responses: [3, 4, 5, 6], responseTo: ['INVITE'] },
  wakes: true,
  init: () => ({ memo: new IdMemo(4), waits: new DeadlineQueue() }),
  check(model, ctx) {
    const ev = model.event;
    const { memo, waits } = ctx.state;
    if (ev.kind === 'tick') {
      if (ctx.ended) {
        waits.clear();
        return NONE;
      }
      let out: FindingDraft[] | undefined;
      while (waits.due(ctx.now)) {
        const tx = waits.first(0);
        waits.shift();
        if (memo.get(tx, ACKED) !== 0) continue;
        memo.set(tx, ACKED, 2);
        (out ??= []).push({
          text: `no ACK for the ${memo.get(tx, STATUS)} response to INVITE within ${secs(64 * ctx.timers.t1)} (Timer H)`,
          messages: [memo.get(tx, MSG)],
          call: memo.get(tx, CALL),
        });
      }
      if (waits.firstAt !== undefined) ctx.wakeAt(waits.firstAt);
      return out ?? NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (c === null || c.duplicate) return NONE;
    if (m.kind === 'response') {
      if (!isFirstCopy(c) || !isFailure(m.status) || memo.has(c.transaction)) return NONE;
      const tx = txOf(model, c);
      if (tx?.kind !== 'invite' || tx.orphan) return NONE;
      const r = memo.claim(c.transaction);
      memo.v[r + MSG] = ev.id;
      memo.v[r + STATUS] = m.status;
      memo.v[r + ACKED] = 0;
      memo.v[r + CALL] = c.call;
      waits.push(tsOf(m) + 64 * ctx.timers.t1, c.transaction);
      // Deadlines come in order: only the first one of an empty queue moves the wake-up time.
      if (waits.size === 1) ctx.wakeAt(waits.firstAt as number);
      return NONE;
    }
    if (m.method === 'ACK' && memo.get(c.transaction, ACKED) === 0) memo.set(c.transaction, ACKED, 1);
    return NONE;
  },
};
