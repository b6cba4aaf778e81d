import { endpointString } from '../../decode/payload.js';
import { cseq } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { sessionExpires } from '../../sip/session-expires.js';
import { isSuccess } from '../../sip/status.js';
import { isFirstCopy, label, secs, tsOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

/** The session timer of one dialog, as its last 2xx to INVITE or UPDATE set it. */
interface Timer {
  /** Capture time of that 2xx. */
  at: number;
  seconds: number;
  /** When the side not refreshing may hang up (RFC 4028 §10): `at + seconds − min(32, seconds / 3)`. */
  giveUp: number;
  msg: number;
  call: number;
  /** Bumped at each refresh: a queued deadline of an older one is stale. */
  gen: number;
  /** `the 200 OK to INVITE set Session-Expires 90 (refresher uac, 10.0.0.1:5060)`. */
  what: string;
}

interface State {
  timers: Map<number, Timer>;
  /**
   * Deadlines by interval: the timers of one interval fall due in the order
   * they were set (capture time goes forward), so each is a FIFO. Intervals
   * are few in practice (1800, 90, 600 s…); past MAX_QUEUES distinct ones the
   * rest share one queue, where a deadline may fire late, never early (the
   * BYE that ends such a call still gets its finding: see `check`).
   */
  queues: Map<number, DeadlineQueue>;
  gen: number;
}

const MAX_QUEUES = 16;
const SHARED = -1;
/**
 * A BYE this close before the give-up time still counts as the session
 * timer's: the hanging-up side timed the interval from when it sent or got
 * the 2xx, not from when the capture point saw it.
 */
const BYE_SLACK = 2;

function queueFor(s: State, seconds: number): DeadlineQueue {
  let q = s.queues.get(seconds) ?? s.queues.get(SHARED);
  if (q === undefined) {
    q = new DeadlineQueue();
    s.queues.set(s.queues.size < MAX_QUEUES ? seconds : SHARED, q);
  }
  return q;
}

/** `refresher uac, 10.0.0.1:5060`: the UAC of the transaction is the 2xx's destination, its UAS the source. */
function refresherText(m: SipMessage, who: 'uac' | 'uas' | null): string {
  if (who === null) return 'no refresher parameter';
  const s = m.source;
  if (s === null) return `refresher ${who}`;
  return `refresher ${who}, ${endpointString(who === 'uac' ? s.dst : s.src)}`;
}

function expired(t: Timer): string {
  return (
    `${t.what}, and no re-INVITE or UPDATE refreshed the session in the ${secs(t.giveUp - t.at)} after it ` +
    `(a refresh is RECOMMENDED after ${secs(t.seconds / 2)}; from ${secs(t.giveUp - t.at)} on the other side ` +
    'SHOULD end the session)'
  );
}

export const sessionTimerNotRefreshed: CorrelatedRule<State> = {
  id: 'session-timer.not-refreshed',
  title: 'Session timer ran out: no refresh within the session interval',
  severity: 'warning',
  rfc: {
    ref: 'RFC 4028 §7.2, §9, §10',
    text:
      'It is RECOMMENDED that this refresh be sent once half the session interval has elapsed. … If the side ' +
      'not performing refreshes does not receive a session refresh request before the session expiration, ' +
      'it SHOULD send a BYE to terminate the session, slightly before the session expiration. The minimum of ' +
      '32 seconds and one third of the session interval is RECOMMENDED.',
  },
  explanation:
    'With session timers (RFC 4028) a call lives only as long as it is refreshed: the 2xx names the session ' +
    'interval (Session-Expires) and the side that refreshes (refresher=uac or uas), which sends a re-INVITE ' +
    'or an UPDATE, recommended at half the interval. With no refresh, the other side hangs up shortly before ' +
    'the interval runs out: the classic "call drops after 30 minutes" (1800 s, the recommended interval). ' +
    'Typical causes: the refresher does not support timers or has them off while its peer requires them, ' +
    'or its refresh is lost or rejected (491, 481) on the way. A 2xx to a refresh without Session-Expires ' +
    'turns the timer off; a capture that ends before the interval runs out is not reported.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: ['BYE'], responses: [2], responseTo: ['INVITE', 'UPDATE'] },
  wakes: true,
  init: () => ({ timers: new Map(), queues: new Map(), gen: 0 }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    if (ev.kind === 'tick') {
      if (ctx.ended) {
        s.timers.clear();
        for (const q of s.queues.values()) q.clear();
        return NONE;
      }
      let out: FindingDraft[] | undefined;
      let next = Number.POSITIVE_INFINITY;
      for (const q of s.queues.values()) {
        while (q.due(ctx.now)) {
          const d = q.first(0);
          const t = s.timers.get(d);
          if (t !== undefined && t.gen === q.first(1)) {
            s.timers.delete(d);
            (out ??= []).push({
              text: `${expired(t)}: the session expired`,
              messages: [t.msg],
              call: t.call,
            });
          }
          q.shift();
        }
        next = Math.min(next, q.firstAt ?? next);
      }
      if (next < Number.POSITIVE_INFINITY) ctx.wakeAt(next);
      return out ?? NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const c = ev.correlation;
    if (!isFirstCopy(c) || c.dialog === null) return NONE;
    const m = ev.msg;
    const ts = tsOf(m);
    if (m.kind === 'request') {
      // A BYE ends the session: in time, or when the session timer made the other side give up.
      const t = s.timers.get(c.dialog);
      if (t === undefined) return NONE;
      s.timers.delete(c.dialog);
      if (!(ts >= t.giveUp - BYE_SLACK)) return NONE;
      const from = m.source === null ? '' : ` from ${endpointString(m.source.src)}`;
      return [
        {
          text: `${expired(t)}; the BYE${from} ${secs(ts - t.at)} after it most likely ended the call on that timer`,
          messages: [t.msg, ev.id],
          call: t.call,
        },
      ];
    }
    if (!isSuccess(m.status)) return NONE;
    const old = s.timers.get(c.dialog);
    // RFC 4028 §9: the session timer starts with the 2xx to the INVITE; an UPDATE only refreshes it.
    if (cseq(m)?.method === 'UPDATE' && old === undefined) return NONE;
    const se = sessionExpires(m);
    if (se === undefined || !Number.isFinite(ts)) {
      // A refresh answered without Session-Expires: no session expiration any more (RFC 4028 §7.2).
      s.timers.delete(c.dialog);
      return NONE;
    }
    const giveUp = ts + se.seconds - Math.min(32, se.seconds / 3);
    const gen = ++s.gen;
    s.timers.set(c.dialog, {
      at: ts,
      seconds: se.seconds,
      giveUp,
      msg: ev.id,
      call: c.call,
      gen,
      what: `the ${label(m)} set Session-Expires ${se.seconds} (${refresherText(m, se.refresher)})`,
    });
    queueFor(s, se.seconds).push(giveUp, c.dialog, gen);
    ctx.wakeAt(giveUp);
    return NONE;
  },
};
