/**
 * A transaction's life after each event (RFC 3261 §17): the transition
 * table's next state, the RFC timer that state arms (Timer C, D, H, I, J, K,
 * L), and what its end does to the dialogs and the call around it. Also the
 * context the transaction layer works in (the correlator implements it).
 */
import type { Interner } from './detach.js';
import type { DialogTable } from './dialog-table.js';
import type { CallNode, Dialog, TransactionRecord, Tx } from './model.js';
import type { TimerQueue } from './timer-queue.js';
import { type TimerValues, timerD, timerI, timerJ, timerK } from './timers.js';
import { addAnomaly, type TransactionEvent, transition } from './transaction-state.js';
import type { TransactionTable } from './transaction-table.js';

/** What the transaction layer needs from the correlator around it. */
export interface TransactionContext {
  readonly v: TimerValues;
  readonly timers: TimerQueue<Tx | Dialog | CallNode>;
  readonly table: TransactionTable;
  readonly dialogs: DialogTable;
  /** Recurring strings kept in records: sent-by values, methods, IP addresses. */
  readonly strings: Interner;
  /** The kept copy of a tag of the call of `n` (CallTable.tag). */
  tag(n: CallNode, tag: string): string;
  /** The hot call of a Call-ID (a root), created when there is none. */
  callOf(callId: string | undefined, ts: number): CallNode;
  root(n: CallNode): CallNode;
  txCreated(rec: TransactionRecord): void;
  /** A call may have nothing live left. */
  scheduleCheck(root: CallNode): void;
}

/**
 * Applies an event through the transition table and arms the timer of the
 * new state. `quiet`: an impossible event is not recorded (it came from
 * another capture point, see `response`).
 */
export function applyEvent(
  ctx: TransactionContext,
  tx: Tx,
  ev: TransactionEvent,
  ts: number,
  quiet = false,
): void {
  const rec = tx.rec;
  const prev = rec.state;
  const t = transition(rec.kind, prev, ev);
  if (t.anomaly !== undefined && !quiet) addAnomaly(rec, t.anomaly);
  if (t.state === prev) {
    // Timer C restarts with every provisional response (RFC 3261 §16.7 step 2).
    if (ev === '1xx' && prev === 'proceeding' && rec.kind === 'invite') ctx.timers.schedule(tx, ts + ctx.v.c);
    return;
  }
  rec.state = t.state;
  const v = ctx.v;
  switch (t.state) {
    case 'proceeding':
      if (rec.kind === 'invite') ctx.timers.schedule(tx, ts + v.c);
      break;
    case 'completed':
      // The longer of the two sides: INVITE, Timer H (the server waits for
      // the ACK) and Timer D (the client absorbs final retransmissions);
      // non-INVITE, Timer J (the server absorbs request retransmissions) and
      // Timer K (the client absorbs response retransmissions).
      ctx.timers.schedule(
        tx,
        ts +
          (rec.kind === 'invite'
            ? Math.max(v.h, timerD(v, tx.reliable))
            : Math.max(timerJ(v, tx.reliable), timerK(v, tx.reliable))),
      );
      break;
    case 'confirmed':
      ctx.timers.schedule(tx, ts + timerI(v, tx.reliable));
      break;
    case 'accepted':
      ctx.timers.schedule(tx, ts + v.l);
      break;
    case 'terminated':
      terminate(ctx, tx, ts);
      break;
  }
  if (t.state === 'completed' && rec.kind === 'invite' && !rec.inDialog) {
    // RFC 3261 §12.3: "Independent of the method, if a request outside of a
    // dialog generates a non-2xx final response, any early dialogs created
    // through provisional responses to that request are terminated."
    for (const d of tx.dialogs)
      if (d.rec.state === 'early') ctx.dialogs.event(d, 'terminate', ts, 'non-2xx-final');
  }
}

/** A transaction's timer expired at capture time `at`. */
export function transactionTimer(ctx: TransactionContext, tx: Tx, at: number): void {
  const rec = tx.rec;
  if (rec.kind === 'ack') {
    ctx.table.remove(tx);
    tx.copies = null;
    return;
  }
  switch (rec.state) {
    case 'calling':
    case 'trying':
    case 'proceeding':
      rec.timedOut = true;
      applyEvent(ctx, tx, 'timeout', at);
      break;
    case 'completed':
      if (rec.kind === 'invite') addAnomaly(rec, 'no-ack');
      applyEvent(ctx, tx, 'timer', at);
      break;
    case 'confirmed':
    case 'accepted':
      applyEvent(ctx, tx, 'timer', at);
      break;
    default:
      break;
  }
}

function terminate(ctx: TransactionContext, tx: Tx, at: number): void {
  ctx.table.remove(tx);
  ctx.timers.cancel(tx);
  tx.copies = null;
  const root = ctx.root(tx.call);
  root.active--;
  if (tx.rec.kind === 'invite') {
    // Early dialogs that were never confirmed end with their INVITE transaction.
    for (const d of tx.dialogs)
      if (d.rec.state === 'early') ctx.dialogs.event(d, 'terminate', at, 'transaction-ended');
  } else if (tx.rec.method === 'BYE' && tx.rec.timedOut) {
    // RFC 3261 §15.1.1: the UAC "MUST consider the session terminated ... as
    // soon as the BYE request is passed to the client transaction"; an
    // unanswered BYE ends the dialog when the transaction times out.
    for (const d of tx.dialogs) ctx.dialogs.event(d, 'terminate', at, 'bye-timeout');
  }
  ctx.scheduleCheck(root);
}
