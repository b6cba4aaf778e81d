/**
 * Dialogs (RFC 3261 §12). RFC 3261 §12: "A dialog is identified at each UA
 * with a dialog ID, which consists of a Call-ID value, a local tag and a
 * remote tag." A capture sees both UAs and every hop between them, so the
 * dialog here is the Call-ID plus the unordered pair of tags: one dialog,
 * whichever side sent the message and on whichever hop (proxies keep tags).
 *
 * Dialogs are kept in their call (`CallNode.hotDialogs`, a few per call) and
 * matched there, without a key string per message. A terminated dialog stays
 * matchable for `dialogLinger` (the 200 to a BYE, a retransmitted BYE) and
 * then leaves the hot list; a confirmed dialog with no message for
 * `dialogIdle` is released as idle (its BYE was lost or outside the capture).
 */
import { detach } from './detach.js';
import {
  type CallNode,
  type Dialog,
  type DialogKind,
  type DialogRecord,
  type DialogState,
  NONE,
  type Tx,
  withId,
  withItem,
} from './model.js';
import type { TimerQueue } from './timer-queue.js';
import type { TimerValues } from './timers.js';
import { addAnomaly, NO_ANOMALIES } from './transaction-state.js';

/** `early`: a 101–199 with a To tag; `confirm`: a 2xx (or NOTIFY); `terminate`: see DialogTable.terminate. */
export type DialogEvent = 'early' | 'confirm' | 'terminate';

/**
 * RFC 3261 §12.1: "Within this specification, only 2xx and 101-199 responses
 * with a To tag, where the request was INVITE, will establish a dialog. A
 * dialog established by a non-final response to a request is in the "early"
 * state and it is called an early dialog." §12.1.2 / §13.2.2.4: a 2xx moves
 * it to "confirmed". A provisional response arriving after the 2xx (reordered)
 * leaves a confirmed dialog confirmed; anything but `terminate` on a
 * terminated dialog is an anomaly.
 */
export const DIALOG_TRANSITIONS: Record<DialogState, Partial<Record<DialogEvent, DialogState>>> = {
  early: { early: 'early', confirm: 'confirmed', terminate: 'terminated' },
  confirmed: { early: 'confirmed', confirm: 'confirmed', terminate: 'terminated' },
  terminated: { terminate: 'terminated' },
};

export interface DialogHooks {
  /** The root of a (possibly merged) call node. */
  root(n: CallNode): CallNode;
  /** A dialog of the call stopped being open (terminated or idle). */
  closed(root: CallNode): void;
  /** A new dialog record (for retention). */
  created(rec: DialogRecord): void;
  /** The kept copy of a tag of the call (CallTable.tag). */
  tag(root: CallNode, tag: string): string;
}

/** `Tx.dialogs` of a transaction that has none yet (shared; `linkTx` replaces it). */
export const NO_DIALOGS: Dialog[] = Object.freeze([]) as unknown as Dialog[];

/** Records that `tx`'s messages belong to `d` (both directions of the link). */
export function linkTx(d: Dialog, tx: Tx): void {
  if (!d.txs.includes(tx)) d.txs = withItem(d.txs, tx);
  if (!tx.dialogs.includes(d)) tx.dialogs = withItem(tx.dialogs, d);
}

export class DialogTable {
  private nextId = 0;
  private hotCount = 0;

  constructor(
    private readonly timers: TimerQueue<Tx | Dialog | CallNode>,
    private readonly v: TimerValues,
    private readonly hooks: DialogHooks,
  ) {}

  /** Dialogs still matchable (all calls). */
  get hot(): number {
    return this.hotCount;
  }

  /** The dialog of `callId` with tags {t1, t2} in the call, if still hot. */
  find(root: CallNode, callId: string, t1: string, t2: string): Dialog | undefined {
    const ds = root.hotDialogs;
    for (let i = ds.length - 1; i >= 0; i--) {
      const d = ds[i];
      if (d.callId === callId && ((d.tagA === t1 && d.tagB === t2) || (d.tagA === t2 && d.tagB === t1)))
        return d;
    }
    return undefined;
  }

  create(
    root: CallNode,
    callId: string,
    callerTag: string,
    otherTag: string,
    kind: DialogKind,
    state: 'early' | 'confirmed',
    tx: Tx,
    ts: number,
  ): Dialog {
    // Kept for the dialog's life: strings detached from the message text.
    const cid = tx.rec.callId === callId ? tx.rec.callId : detach(callId);
    const caller = this.hooks.tag(root, callerTag);
    const other = this.hooks.tag(root, otherTag);
    const [a, b] = caller <= other ? [caller, other] : [other, caller];
    const rec: DialogRecord = {
      id: this.nextId++,
      callId: cid,
      tags: [a, b],
      callerTag: caller,
      state,
      kind,
      createdBy: tx.rec.id,
      messages: NONE,
      start: ts,
      confirmedAt: state === 'confirmed' ? ts : null,
      end: null,
      endReason: null,
      idle: false,
      anomalies: NO_ANOMALIES,
    };
    const d: Dialog = {
      tk: 1,
      timerIndex: -1,
      timerAt: Number.NaN,
      rec,
      call: root,
      callId: cid,
      tagA: a,
      tagB: b,
      txs: NONE,
      hot: true,
      open: true,
      lastActivity: ts,
    };
    root.dialogs = withItem(root.dialogs, d);
    root.hotDialogs = withItem(root.hotDialogs, d);
    root.rec.dialogs = withItem(root.rec.dialogs, rec.id);
    root.active++;
    this.hotCount++;
    this.hooks.created(rec);
    if (state === 'confirmed') this.timers.schedule(d, ts + this.v.dialogIdle);
    return d;
  }

  /** Adds a message id (ascending order kept). */
  addMessage(d: Dialog, id: number, ts: number): void {
    d.rec.messages = withId(d.rec.messages, id);
    if (ts > d.lastActivity) d.lastActivity = ts;
  }

  /** Adds the request copies of a transaction whose responses belong to the dialog. */
  addTransaction(d: Dialog, tx: Tx): void {
    if (d.txs.includes(tx)) return;
    linkTx(d, tx);
    for (const id of tx.rec.messages)
      if (id === tx.rec.request || !tx.rec.responses.includes(id))
        d.rec.messages = withId(d.rec.messages, id);
  }

  /** Applies an event; an impossible one is recorded as an anomaly and changes nothing. */
  event(d: Dialog, ev: DialogEvent, ts: number, reason?: string): void {
    const from = d.rec.state;
    const to = DIALOG_TRANSITIONS[from][ev];
    if (to === undefined) {
      addAnomaly(d.rec, `${ev}-in-${from}`);
      return;
    }
    if (to === from) return;
    d.rec.state = to;
    if (to === 'confirmed') {
      d.rec.confirmedAt = ts;
      this.timers.schedule(d, ts + this.v.dialogIdle);
    } else if (to === 'terminated') {
      d.rec.end = ts;
      d.rec.endReason = reason ?? null;
      this.close(d);
      if (d.hot) this.timers.schedule(d, ts + this.v.dialogLinger);
    }
  }

  /** A dialog timer: release after the linger, or the idle check of a confirmed dialog. */
  onTimer(d: Dialog, now: number): void {
    if (!d.hot) return;
    if (d.rec.state === 'terminated') {
      this.release(d);
      return;
    }
    if (d.rec.state === 'confirmed') {
      if (d.lastActivity + this.v.dialogIdle > now) {
        this.timers.schedule(d, d.lastActivity + this.v.dialogIdle);
        return;
      }
      d.rec.idle = true;
      this.close(d);
      this.release(d);
    }
  }

  /** Forgets the hot count (end of input; the calls drop their hot lists). */
  clear(): void {
    this.hotCount = 0;
  }

  /** Takes the dialog out of its call's hot list (the record stays). */
  release(d: Dialog): void {
    if (!d.hot) return;
    d.hot = false;
    this.hotCount--;
    this.timers.cancel(d);
    const root = this.hooks.root(d.call);
    const at = root.hotDialogs.indexOf(d);
    if (at >= 0) root.hotDialogs.splice(at, 1);
  }

  private close(d: Dialog): void {
    if (!d.open) return;
    d.open = false;
    const root = this.hooks.root(d.call);
    root.active--;
    this.hooks.closed(root);
  }
}
