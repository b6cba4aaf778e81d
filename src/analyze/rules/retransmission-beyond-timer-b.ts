import { topVia } from '../../sip/accessors.js';
import { hopText, secs, tsOf, txOf } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import { type Recent, RecentMap } from '../recent-map.js';
import type { CorrelatedRule } from '../rule.js';
import { newTimerBWatch, TIMER_B_WATCH } from '../timer-b-watch.js';

/** A request whose transaction ran out of time unanswered, by its branch. */
interface TimedOut extends Recent {
  sentBy: string;
  method: string;
  start: number;
  /** The sender's T1 (from its first retransmission interval). */
  t1: number;
  msg: number;
  call: number;
}

interface State {
  /** Per transaction: first retransmission interval (the sender's T1), reported. */
  memo: IdMemo;
  timedOut: RecentMap<string, TimedOut>;
}

const FIRST = 0;
const REPORTED = 1;

export const retransmissionBeyondTimerB: CorrelatedRule<State> = {
  id: 'retransmission.beyond-timer-b',
  title: 'Request retransmitted after Timer B/F (64·T1) had expired',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §17.1.1.2, §17.1.2.2',
    text:
      'If the client transaction is still in the "Calling" state when timer B fires, the client transaction ' +
      'SHOULD inform the TU that a timeout has occurred. … The value of 64*T1 is equal to the amount of time ' +
      'required to send seven requests in the case of an unreliable transport. … If Timer F fires while the ' +
      'client transaction is still in the "Trying" state, the client transaction SHOULD inform the TU about ' +
      'the timeout, and then it SHOULD enter the "Terminated" state.',
  },
  explanation:
    'A client transaction retransmits an unanswered request over UDP for 64·T1 (32 s: seven INVITE copies, ' +
    'eleven for other requests) and then gives up and reports a timeout. Copies after that come from a stack ' +
    "that never stops: the server has long since dropped its state, so they only add load. The sender's own " +
    'T1, read from its first retransmission interval, sets the limit, so a UA configured with a larger T1 is ' +
    'not reported.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: '*', except: ['ACK'] },
  wakes: true,
  init: () => ({ memo: new IdMemo(2), timedOut: new RecentMap(10_000, 128) }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    const t1 = ctx.timers.t1;
    const watch = ctx.shared(TIMER_B_WATCH, newTimerBWatch);
    if (ev.kind === 'tick') {
      if (ctx.ended) {
        watch.clear();
        return NONE;
      }
      s.timedOut.sweep(ctx.now);
      const n = watch.expire(ctx.now);
      for (let i = 0; i < n; i++) {
        const msg = watch.msg[i];
        const call = watch.call[i];
        const rec = model.transaction?.(watch.tx[i]);
        if (rec === undefined || rec.finalStatus !== null || rec.branch === null || rec.rfc2543) continue;
        // The sender's own T1, read from its first retransmission interval, sets its Timer B/F.
        const first = s.memo.get(watch.tx[i], FIRST);
        const senderT1 = Number.isNaN(first) ? t1 : Math.max(t1, first);
        const e: TimedOut = {
          sentBy: rec.sentBy,
          method: rec.method,
          start: rec.start,
          t1: senderT1,
          msg,
          call,
          last: 0,
        };
        s.timedOut.touch(rec.branch, e, ctx.now);
      }
      if (watch.next !== undefined) ctx.wakeAt(watch.next);
      return NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (
      m.kind !== 'request' ||
      m.method === 'ACK' ||
      c === null ||
      c.duplicate ||
      m.source?.transport !== 'udp'
    )
      return NONE;
    const now = tsOf(m);
    const memo = s.memo;
    if (!c.retransmission) {
      const tx = txOf(model, c);
      if (tx === undefined || tx.request !== ev.id) return NONE;
      watch.add(ev.id, now + 64 * t1, c.transaction, c.call);
      if (watch.size === 1) ctx.wakeAt(watch.next as number);
      // A "new" transaction with the branch of one that timed out: the old request, still being resent.
      if (s.timedOut.size === 0) return NONE;
      const v = topVia(m);
      const old = v?.branch === undefined ? undefined : s.timedOut.get(v.branch);
      if (old === undefined || v === undefined || old.sentBy !== v.sentBy || old.method !== m.method)
        return NONE;
      if (!(now - old.start > 64 * old.t1 + t1)) return NONE;
      s.timedOut.delete(v.branch as string);
      memo.set(c.transaction, REPORTED, 1);
      return [beyond(m.method, now - old.start, 64 * old.t1, hopText(m), [old.msg, ev.id], old.call)];
    }
    // A retransmission inside the transaction (the correlator keeps it while a final response is awaited).
    if (!c.retransmission || memo.get(c.transaction, REPORTED) === 1) return NONE;
    const tx = txOf(model, c);
    if (tx === undefined || tx.request === null) return NONE;
    if (Number.isNaN(memo.get(c.transaction, FIRST))) memo.set(c.transaction, FIRST, c.interval ?? t1);
    const senderT1 = Math.max(t1, memo.get(c.transaction, FIRST));
    const elapsed = now - tx.start;
    if (!(elapsed > 64 * senderT1 + t1)) return NONE;
    memo.set(c.transaction, REPORTED, 1);
    return [beyond(m.method, elapsed, 64 * senderT1, hopText(m), [tx.request, ev.id], c.call)];
  },
};

function beyond(
  method: string,
  elapsed: number,
  limit: number,
  hop: string,
  messages: number[],
  call: number,
): FindingDraft {
  return {
    text: `${method} still retransmitted on ${hop} ${secs(elapsed)} after its first copy, beyond Timer ${method === 'INVITE' ? 'B' : 'F'} (${secs(limit)})`,
    messages,
    call,
  };
}
