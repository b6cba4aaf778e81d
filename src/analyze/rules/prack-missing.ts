import { callId, cseq, headerValue, toHeader } from '../../sip/accessors.js';
import { isFinal, isServerError } from '../../sip/status.js';
import { isFirstCopy, isReliableProvisional, label, secs, tsOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';

/** A reliable provisional response waiting for its PRACK. */
interface Wait {
  /** 64·T1 after its first copy. */
  due: number;
  msg: number;
  call: number;
  /** Its INVITE transaction, whose final response ends the wait. */
  tx: number;
  /** `183 Session Progress to INVITE (RSeq 1)`. */
  what: string;
}

interface State {
  /** By `Call-ID|To tag|RSeq|CSeq number`: what a PRACK's RAck and dialog name (RFC 3262 §7.2). */
  waits: Map<string, Wait>;
  /** The keys of `waits` of each INVITE transaction. */
  byTx: Map<number, string[]>;
  /** (due, a number naming the key in `keys`). */
  queue: DeadlineQueue;
  keys: Map<number, string>;
  next: number;
}

/** A 5xx this close before the deadline is still the UAS giving up on the PRACK (its clock, not the capture's). */
const SLACK = 1;

const keyOf = (cid: string, toTag: string, rseq: string, cseqNo: number | string): string =>
  `${cid}|${toTag}|${rseq}|${cseqNo}`;

function forget(s: State, key: string, w: Wait): void {
  s.waits.delete(key);
  const ks = s.byTx.get(w.tx);
  if (ks === undefined) return;
  const i = ks.indexOf(key);
  if (i >= 0) ks.splice(i, 1);
  if (ks.length === 0) s.byTx.delete(w.tx);
}

export const prackMissing: CorrelatedRule<State> = {
  id: 'prack.missing',
  title: 'Reliable provisional response never PRACKed within 64·T1',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3262 §3',
    text:
      'The reliable provisional response is passed to the transaction layer periodically with an interval ' +
      'that starts at T1 seconds and doubles for each retransmission. … If a reliable provisional response is ' +
      'retransmitted for 64*T1 seconds without reception of a corresponding PRACK, the UAS SHOULD reject the ' +
      'original request with a 5xx response.',
  },
  explanation:
    'A provisional response sent reliably (Require: 100rel, with an RSeq) is retransmitted by the callee ' +
    'until the caller acknowledges it with a PRACK naming it in RAck. Without one the callee gives up after ' +
    '64·T1 (32 s) and rejects the call with a 5xx: the call that fails after 32 s of ringing. Typical causes: ' +
    'the caller (or a proxy or SBC on the way) does not support 100rel yet advertised it, or the PRACK is ' +
    'lost or routed elsewhere (a wrong Contact or Record-Route in the provisional). A final response before ' +
    'the 32 s, or a capture that ends before them, ends the wait without a finding.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: ['PRACK'], responses: [1, 2, 3, 4, 5, 6], responseTo: ['INVITE'] },
  wakes: true,
  init: () => ({ waits: new Map(), byTx: new Map(), queue: new DeadlineQueue(), keys: new Map(), next: 0 }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    if (ev.kind === 'tick') {
      if (ctx.ended) {
        s.waits.clear();
        s.byTx.clear();
        s.keys.clear();
        s.queue.clear();
        return NONE;
      }
      let out: FindingDraft[] | undefined;
      while (s.queue.due(ctx.now)) {
        const n = s.queue.first(0);
        s.queue.shift();
        const key = s.keys.get(n);
        s.keys.delete(n);
        const w = key === undefined ? undefined : s.waits.get(key);
        if (key === undefined || w === undefined) continue;
        forget(s, key, w);
        (out ??= []).push({
          text: `no PRACK for the reliable ${w.what} within ${secs(64 * ctx.timers.t1)}`,
          messages: [w.msg],
          call: w.call,
        });
      }
      if (s.queue.firstAt !== undefined) ctx.wakeAt(s.queue.firstAt);
      return out ?? NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const c = ev.correlation;
    if (!isFirstCopy(c)) return NONE;
    const m = ev.msg;
    const cid = callId(m) ?? '';
    if (m.kind === 'request') {
      // RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2)
      const rack = headerValue(m, 'RAck')?.trim().split(/\s+/);
      if (rack === undefined || rack.length < 2) return NONE;
      const key = keyOf(cid, toHeader(m)?.tag ?? '', rack[0], rack[1]);
      const w = s.waits.get(key);
      if (w !== undefined) forget(s, key, w);
      return NONE;
    }
    const cs = cseq(m);
    if (cs === undefined) return NONE;
    if (isFinal(m.status)) {
      const keys = s.byTx.get(c.transaction);
      if (keys === undefined) return NONE;
      let out: FindingDraft[] | undefined;
      const ts = tsOf(m);
      for (const key of [...keys]) {
        const w = s.waits.get(key);
        if (w === undefined) continue;
        forget(s, key, w);
        // The UAS giving up on the PRACK, as §3 says it should: the finding names the 5xx too.
        if (isServerError(m.status) && ts >= w.due - SLACK)
          (out ??= []).push({
            text: `no PRACK for the reliable ${w.what} within ${secs(64 * ctx.timers.t1)}; the ${label(m)} that followed rejected the call for it`,
            messages: [w.msg, ev.id],
            call: w.call,
          });
      }
      return out ?? NONE;
    }
    if (!isReliableProvisional(m)) return NONE;
    const rseq = headerValue(m, 'RSeq')?.trim();
    if (rseq === undefined || rseq === '') return NONE;
    const key = keyOf(cid, toHeader(m)?.tag ?? '', rseq, cs.seq);
    // The same provisional on another hop waits with the first copy.
    if (s.waits.has(key)) return NONE;
    const due = tsOf(m) + 64 * ctx.timers.t1;
    if (!Number.isFinite(due)) return NONE;
    s.waits.set(key, {
      due,
      msg: ev.id,
      call: c.call,
      tx: c.transaction,
      what: `${label(m)} (RSeq ${rseq})`,
    });
    const ks = s.byTx.get(c.transaction);
    if (ks === undefined) s.byTx.set(c.transaction, [key]);
    else ks.push(key);
    const n = s.next++;
    s.keys.set(n, key);
    s.queue.push(due, n);
    ctx.wakeAt(due);
    return NONE;
  },
};
