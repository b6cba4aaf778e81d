import { isFirstCopy, secs, tsOf, txOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { CorrelatedContext, CorrelatedModel, CorrelatedRule } from '../rule.js';
import { newTimerBWatch, TIMER_B_WATCH, type TimerBWatch } from '../timer-b-watch.js';

interface State {
  /** INVITEs that got a provisional: looked at again a Timer C later (transaction, request id, call). */
  timerC: DeadlineQueue;
}

export const transactionNoFinalResponse: CorrelatedRule<State> = {
  id: 'transaction.no-final-response',
  title: 'Request with no final response within 64·T1 (Timer B/F)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §17.1.1.2, §17.1.2.2, §16.6',
    text:
      'For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds (Timer B ' +
      'controls transaction timeouts). … When entering this state, the client transaction SHOULD set timer F ' +
      'to fire in 64*T1 seconds. … If Timer F fires while the client transaction is still in the "Trying" ' +
      'state, the client transaction SHOULD inform the TU about the timeout … Timer C MUST be set for each ' +
      'client transaction when an INVITE request is proxied. The timer MUST be larger than 3 minutes.',
  },
  explanation:
    'Every request except ACK gets a final response. A client gives up after 64·T1 (32 s): Timer B for an ' +
    'INVITE nobody answered at all, Timer F for other requests; an INVITE that got a provisional response ' +
    "waits longer, until a proxy's Timer C (3 minutes without any response) ends it. A request that times " +
    'out usually went to a dead or unreachable address, or its responses were lost on the way back (a NAT, ' +
    'a firewall, a wrong Via). Requests whose wait had not run out when the capture ended are not reported.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: '*', except: ['ACK'], copies: 'first' },
  wakes: true,
  init: () => ({ timerC: new DeadlineQueue() }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    const watch = ctx.shared(TIMER_B_WATCH, newTimerBWatch);
    if (ev.kind === 'tick') {
      if (ctx.ended) {
        watch.clear();
        s.timerC.clear();
        return NONE;
      }
      let out: FindingDraft[] | undefined;
      const n = watch.expire(ctx.now);
      for (let i = 0; i < n; i++) {
        const tx = watch.tx[i];
        const msg = watch.msg[i];
        const call = watch.call[i];
        const f = afterTimerB(model, ctx.timers.t1, tx, msg, call);
        // Timer C runs from the transaction's last response (the queue keeps deadlines in order: never earlier
        // than one already queued).
        if (f === 'wait')
          s.timerC.push((model.transaction?.(tx)?.end ?? ctx.now) + ctx.timers.c, tx, msg, call);
        else if (f !== undefined) (out ??= []).push(f);
      }
      while (s.timerC.due(ctx.now)) {
        const tx = s.timerC.first(0);
        const msg = s.timerC.first(1);
        const call = s.timerC.first(2);
        s.timerC.shift();
        const rec = model.transaction?.(tx);
        if (rec === undefined || rec.finalStatus !== null) continue;
        if (!rec.timedOut) s.timerC.push(Math.max(rec.end + ctx.timers.c, ctx.now), tx, msg, call);
        else
          (out ??= []).push({
            text: `INVITE got a provisional response but no final response before Timer C (${secs(ctx.timers.c)} without a response)`,
            messages: [msg],
            call,
          });
      }
      wake(s, watch, ctx);
      return out ?? NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (m.kind !== 'request' || m.method === 'ACK' || !isFirstCopy(c)) return NONE;
    const tx = txOf(model, c);
    if (tx === undefined || tx.request !== ev.id || tx.kind === 'ack') return NONE;
    watch.add(ev.id, tsOf(m) + 64 * ctx.timers.t1, c.transaction, c.call);
    // Deadlines come in order: only the first one of an empty queue moves the wake-up time.
    if (watch.size === 1) wake(s, watch, ctx);
    return NONE;
  },
};

/** Asks for a tick at the earliest deadline of either queue. */
function wake(s: State, watch: TimerBWatch, ctx: CorrelatedContext<State>): void {
  const b = watch.next;
  const c = s.timerC.firstAt;
  if (b !== undefined) ctx.wakeAt(b);
  if (c !== undefined) ctx.wakeAt(c);
}

/** Timer B/F has run for transaction `tx`: a finding, 'wait' (an INVITE in Proceeding), or nothing. */
function afterTimerB(
  model: CorrelatedModel,
  t1: number,
  tx: number,
  msg: number,
  call: number,
): FindingDraft | 'wait' | undefined {
  const rec = model.transaction?.(tx);
  if (rec === undefined || rec.finalStatus !== null) return undefined;
  if (rec.kind === 'invite' && rec.firstResponseAt !== null) return 'wait';
  const timer = rec.kind === 'invite' ? 'Timer B' : 'Timer F';
  const heard = rec.firstResponseAt !== null ? ' (only provisional responses)' : '';
  return {
    text: `${rec.method} got no final response within ${secs(64 * t1)} (${timer})${heard}`,
    messages: [msg],
    call,
  };
}
