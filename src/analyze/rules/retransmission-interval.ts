import { cseq, toHeader } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { isSuccess } from '../../sip/status.js';
import { hopOf, hopText, label, ms, tsOf, txOf } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { hash32 } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** Per transaction: request copies (hop, count), 2xx copies (To tag, hop, count), last request copy, reported. */
const REQ_HOP = 0;
const REQ_N = 1;
const OK_TAG = 2;
const OK_HOP = 3;
const OK_N = 4;
const REQ_LAST = 5;
const REPORTED = 6;

/** Jitter allowed before an early copy is reported: 20% of the wait and 50 ms. */
const SLACK = 0.8;
const JITTER = 0.05;

/**
 * Earliest time (s after the first copy) of the k-th retransmission when the
 * interval starts at T1 and doubles, capped at `cap`. Copies the capture
 * missed only make the real k larger, so the bound is never too strict.
 */
export function earliest(k: number, t1: number, cap: number): number {
  let t = 0;
  let step = t1;
  for (let i = 0; i < k; i++) {
    t += Math.min(step, cap);
    step *= 2;
  }
  return t;
}

/** Counts a copy on its hop: the k of this copy, or 0 when the hop is not the one followed. */
function count(memo: IdMemo, tx: number, hopSlot: number, nSlot: number, hop: number): number {
  const known = memo.get(tx, hopSlot);
  if (Number.isNaN(known)) {
    memo.set(tx, hopSlot, hop);
    memo.set(tx, nSlot, 1);
    return 1;
  }
  if (known !== hop) return 0;
  const k = memo.get(tx, nSlot) + 1;
  memo.set(tx, nSlot, k);
  return k;
}

export const retransmissionInterval: CorrelatedRule<IdMemo> = {
  id: 'retransmission.interval',
  title: 'Retransmissions faster than T1 doubling up to T2',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §17.1.1.2, §17.1.2.2, §13.3.1.4',
    text:
      'This process MUST continue so that the request is retransmitted with intervals that double after each ' +
      'transmission. … Elements MAY (though it is NOT RECOMMENDED) use smaller values of T1 within closed, ' +
      'private networks that do not permit general Internet connection. … If timer E fires while still in this ' +
      'state, the timer is reset, but this time with a value of MIN(2*T1, T2). … The 2xx response is passed to ' +
      'the transport with an interval that starts at T1 seconds and doubles for each retransmission until it ' +
      'reaches T2 seconds.',
  },
  explanation:
    'Over UDP a request is resent after T1 (500 ms), then 1 s, 2 s, 4 s later and so on (INVITE keeps ' +
    'doubling; other requests and the 2xx to INVITE stop growing at T2 = 4 s). The backoff keeps an ' +
    'overloaded server from being buried under copies. A copy that comes earlier than this schedule allows ' +
    '(with 20% and 50 ms of slack for capture jitter) shows a stack with a too small T1 or no backoff at ' +
    'all. Copies lost before the capture point only make the schedule look slower, never faster.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', responses: [2], responseTo: ['INVITE'], copies: 'retransmissions' },
  init: () => new IdMemo(7),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (c === null || !c.retransmission || m.source?.transport !== 'udp') return NONE;
    const memo = ctx.state;
    const id = c.transaction;
    if (memo.get(id, REPORTED) === 1) return NONE;
    const tx = txOf(model, c);
    if (tx === undefined || tx.request === null) return NONE;
    const t = ctx.timers;
    const now = tsOf(m);
    let k: number;
    let elapsed: number;
    let cap: number;
    if (m.kind === 'request') {
      if (m.method === 'ACK') return NONE;
      memo.set(id, REQ_LAST, now);
      k = count(memo, id, REQ_HOP, REQ_N, hopOf(m));
      elapsed = now - tx.start;
      // §17.1.1.2: INVITE doubles without a cap; §17.1.2.2: other requests cap at T2.
      cap = tx.kind === 'invite' ? Number.POSITIVE_INFINITY : t.t2;
    } else {
      if (!isSuccess(m.status) || cseq(m)?.method !== 'INVITE' || tx.finalAt === null) return NONE;
      // A 2xx resent because the INVITE was retransmitted is not on the timer.
      if (now - memo.get(id, REQ_LAST) < 0.2) return NONE;
      const tag = toHeader(m)?.tag;
      const h = tag === undefined ? 0 : hash32(tag);
      const known = memo.get(id, OK_TAG);
      if (Number.isNaN(known)) memo.set(id, OK_TAG, h);
      else if (known !== h) return NONE;
      k = count(memo, id, OK_HOP, OK_N, hopOf(m));
      elapsed = now - tx.finalAt;
      cap = t.t2;
    }
    if (k === 0) return NONE;
    const due = earliest(k, t.t1, cap);
    if (!(elapsed < due * SLACK - JITTER)) return NONE;
    memo.set(id, REPORTED, 1);
    return [draft(m, ev.id, tx.request, k, elapsed, due)];
  },
};

function draft(
  m: SipMessage,
  id: number,
  request: number,
  k: number,
  elapsed: number,
  due: number,
): FindingDraft {
  const what = m.kind === 'request' ? m.method : label(m);
  return {
    text: `${what} retransmission ${k} on ${hopText(m)} came ${ms(elapsed)} after the first copy; T1 doubling allows it from ${ms(due)}`,
    messages: m.kind === 'request' ? [request, id] : [id],
  };
}
