import { cseq } from '../../sip/accessors.js';
import { isSuccess } from '../../sip/status.js';
import { isFirstCopy, secs, tsOf, txOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** Per dialog: CSeq of the 2xx awaiting its ACK, the 2xx's message id, ACK seen, call. */
const SEQ = 0;
const MSG = 1;
const ACKED = 2;
const CALL = 3;

interface State {
  memo: IdMemo;
  /** (64·T1 after the first 2xx, dialog, CSeq). */
  waits: DeadlineQueue;
}

export const ack2xxNotAcked: CorrelatedRule<State> = {
  id: 'ack.2xx-not-acked',
  title: 'INVITE 2xx never ACKed within 64·T1',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §13.2.2.4, §13.3.1.4',
    text:
      'The UAC core MUST generate an ACK request for each 2xx received from the transaction layer. … If the ' +
      'server retransmits the 2xx response for 64*T1 seconds without receiving an ACK, the dialog is ' +
      'confirmed, but the session SHOULD be terminated. This is accomplished with a BYE, as described in ' +
      'Section 15.',
  },
  explanation:
    'The caller acknowledges every 2xx to an INVITE with an ACK, end to end, in the dialog of that 2xx. The ' +
    'callee retransmits the 2xx until the ACK arrives and gives up after 64·T1 (32 s), usually hanging up ' +
    'with a BYE: the classic "call drops after 32 seconds". The ACK is typically lost on the way back: a NAT ' +
    'or firewall, a wrong Contact or Record-Route in the 2xx, or a proxy that does not route it. A 2xx whose ' +
    '32 s had not passed when the capture ended is not reported.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: { requests: ['ACK'], responses: [2], responseTo: ['INVITE'] },
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
        const d = waits.first(0);
        const seq = waits.first(1);
        waits.shift();
        if (memo.get(d, SEQ) !== seq || memo.get(d, ACKED) !== 0) continue;
        memo.set(d, ACKED, 2);
        (out ??= []).push({
          text: `no ACK for the 2xx to INVITE (CSeq ${seq}) within ${secs(64 * ctx.timers.t1)}`,
          messages: [memo.get(d, MSG)],
          call: memo.get(d, CALL),
        });
      }
      if (waits.firstAt !== undefined) ctx.wakeAt(waits.firstAt);
      return out ?? NONE;
    }
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (c === null || c.dialog === null || c.duplicate) return NONE;
    const cs = cseq(m);
    if (cs === undefined) return NONE;
    if (m.kind === 'response') {
      if (!isFirstCopy(c) || !isSuccess(m.status) || cs.method !== 'INVITE') return NONE;
      // The same 2xx on another hop is the same wait (same dialog, same CSeq).
      if (memo.get(c.dialog, SEQ) === cs.seq) return NONE;
      const r = memo.claim(c.dialog);
      memo.v[r + SEQ] = cs.seq;
      memo.v[r + MSG] = ev.id;
      memo.v[r + ACKED] = 0;
      memo.v[r + CALL] = c.call;
      waits.push(tsOf(m) + 64 * ctx.timers.t1, c.dialog, cs.seq);
      // Deadlines come in order: only the first one of an empty queue moves the wake-up time.
      if (waits.size === 1) ctx.wakeAt(waits.firstAt as number);
      return NONE;
    }
    // A 2xx ACK is a transaction of its own (kind `ack`); the non-2xx ACK joins the INVITE's.
    if (m.method === 'ACK' && memo.get(c.dialog, SEQ) === cs.seq && txOf(model, c)?.kind === 'ack')
      memo.set(c.dialog, ACKED, 1);
    return NONE;
  },
};
