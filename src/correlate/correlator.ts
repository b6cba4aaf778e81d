/**
 * The correlator: a stream of SIP messages in, transactions, dialogs and calls
 * out (DESIGN.md "Model"), passively, as RFC 3261 defines them, driven by
 * capture timestamps only (no Node timers, no wall clock).
 *
 * `push` answers at once (transaction, retransmission, duplicate); `advance`
 * runs the timers that capture time has passed (transactions terminate, hot
 * indexes shrink, finished calls are finalised and handed to `onCallFinal`);
 * `end` finalises everything at the end of input. State a message can still
 * reach lives in hot indexes sized by concurrency; the records are kept for
 * `snapshot()` only when `retain` is on (the default).
 */
import type { Endpoint } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia, userAgent } from '../sip/accessors.js';
import type { SipMessage, SipResponse } from '../sip/message.js';
import { computeOutcome } from './call-outcome.js';
import { CallTable } from './call-table.js';
import { detach, Interner } from './detach.js';
import { dialogForRequest, dialogForResponse } from './dialog-rules.js';
import { DialogTable } from './dialog-table.js';
import { DueQueue } from './due-queue.js';
import { linkEvidence } from './evidence.js';
import {
  type CallNode,
  type CallRecord,
  type Dialog,
  type DialogRecord,
  type EndpointAcc,
  type MessageCorrelation,
  NONE,
  type TransactionRecord,
  type Tx,
  withId,
  withItem,
} from './model.js';
import { type ArmedTimer, canPark, isQuiet, type ParkLimits, parkCall, unparkCall } from './park.js';
import { type CopyVerdict, sameEndpoint } from './retransmission.js';
import { TimerQueue } from './timer-queue.js';
import { isReliable, resolveTimers, type TimerOptions, type TimerValues } from './timers.js';
import { emptyKey, isRfc3261Branch, type KeyFields } from './transaction-key.js';
import { TransactionLayer } from './transaction-layer.js';
import type { TransactionContext } from './transaction-lifetime.js';
import { addAnomaly } from './transaction-state.js';
import { TransactionTable } from './transaction-table.js';
import { Transfers } from './transfers.js';

export interface CallFinalDetail {
  transactions: TransactionRecord[];
  dialogs: DialogRecord[];
}

export interface CorrelatorOptions extends TimerOptions {
  /** Keep every record for `snapshot()` (default true). Off: records live only until `onCallFinal`. */
  retain?: boolean;
  /** Most Call-IDs one call may join through evidence (default 16). */
  maxLegs?: number;
  /** A call is over: nothing of it is hot any more. Called in capture-time order, and for all the rest by `end()`. */
  onCallFinal?: (call: CallRecord, detail: CallFinalDetail) => void;
  /**
   * Parks a call that has seen no message for this many seconds of capture
   * time, and one that has ended (every transaction answered, every dialog
   * terminated) as soon as capture time moves past its last message
   * (park.ts): its state is kept flat, cheap to hold and for the garbage
   * collector, until a message, one of its timers or a lookup wakes it. The
   * answers are the same. Off by default, and always with `retain`.
   */
  parkAfter?: number;
  /** A call was parked: its transactions' and dialogs' records are not to be read until `onWake`. */
  onPark?: (call: number, transactions: readonly number[], dialogs: readonly number[]) => void;
  /** A parked call woke: its records, as new objects with the contents the parked ones had. */
  onWake?: (transactions: readonly TransactionRecord[], dialogs: readonly DialogRecord[]) => void;
}

export interface CorrelatorSnapshot {
  transactions: TransactionRecord[];
  dialogs: DialogRecord[];
  calls: CallRecord[];
}

export interface CorrelatorStats {
  messages: number;
  retransmissions: number;
  duplicates: number;
  transactions: number;
  dialogs: number;
  calls: number;
}

/** Sizes of the hot state (what memory follows), for tests and /metrics. */
export interface HotStats {
  transactions: number;
  dialogs: number;
  calls: number;
  callIds: number;
  evidence: number;
  timers: number;
}

export interface Correlator {
  push(msg: SipMessage, id: number): MessageCorrelation;
  advance(ts: number): void;
  end(): void;
  /**
   * `end()` a part at a time: hands out at most `max` of the calls still hot
   * (the same calls in the same order as `end()`) and answers true once none
   * is left, the hot state then dropped. Lets a caller write what was handed
   * out between parts instead of holding every last call's rows at once.
   */
  endSome(max: number): boolean;
  snapshot(): CorrelatorSnapshot;
  stats(): CorrelatorStats;
  hotStats(): HotStats;
  /**
   * Read-only lookups for the analyze stage (the records as they are now).
   * With `retain` every record is found; without it only the transaction and
   * dialog of the last pushed message and the hot calls are.
   */
  transaction(id: number): TransactionRecord | undefined;
  dialog(id: number): DialogRecord | undefined;
  call(id: number): CallRecord | undefined;
  /** A hot call's record with its outcome (state, metrics, endpoints) computed as of now; undefined once handed out or merged. */
  hotCall(id: number): CallRecord | undefined;
  /** The hot transaction created by a request with this top Via branch, sent-by and method (RFC 3261 §17.2.3). */
  liveTransaction(
    branch: string,
    sentBy: string,
    method: string,
    callId: string,
  ): TransactionRecord | undefined;
  /** Wakes a parked hot call (`parkAfter`): its records can be read again (`onWake` has them). */
  wake(call: number): void;
}

export function createCorrelator(opts: CorrelatorOptions = {}): Correlator {
  return new CorrelatorImpl(opts);
}

const NO_ENDPOINT: Endpoint = { ip: '', port: 0 };

/**
 * A call bigger than this (a long registration, a flood of copies) is not
 * parked: each wake would read it all back, each park write it again.
 */
const PARK_LIMITS: ParkLimits = { transactions: 64, messages: 512 };

export class CorrelatorImpl implements Correlator, TransactionContext {
  readonly v: TimerValues;
  readonly timers = new TimerQueue<Tx | Dialog | CallNode>();
  readonly table = new TransactionTable();
  readonly calls: CallTable;
  readonly dialogs: DialogTable;
  /** Recurring strings kept in records: sent-by values, methods, IP addresses. */
  readonly strings = new Interner();
  private readonly txs: TransactionLayer;
  private readonly transfers: Transfers;
  private clock = Number.NEGATIVE_INFINITY;
  private readonly retain: boolean;
  /** Records of the last pushed message (lookups without `retain`). */
  private lastTx: TransactionRecord | undefined;
  private lastDialog: DialogRecord | undefined;
  /** The hot calls `endSome` hands out, and how many it has. */
  private ending: CallNode[] | null = null;
  private ended = 0;
  /** Seconds without a message after which a call is parked (Infinity: never). */
  private readonly parkAfter: number;
  /** Calls to park once they have seen no message for `parkAfter` (one entry per call: `idleQueued`). */
  private readonly idle = new DueQueue<CallNode>();
  /** Calls that have ended (`isQuiet`), to park as soon as capture time moves past their last message. */
  private readonly quiet = new DueQueue<CallNode>();
  private readonly lookupKey = emptyKey();
  private readonly fields: KeyFields = {
    branch: undefined,
    sentBy: undefined,
    callId: undefined,
    cseq: undefined,
    fromTag: undefined,
  };
  private readonly txRecords: TransactionRecord[] = [];
  private readonly dialogRecords: DialogRecord[] = [];
  private readonly callRecords = new Map<number, CallRecord>();
  private readonly counts: CorrelatorStats = {
    messages: 0,
    retransmissions: 0,
    duplicates: 0,
    transactions: 0,
    dialogs: 0,
    calls: 0,
  };

  constructor(private readonly opts: CorrelatorOptions) {
    this.v = resolveTimers(opts);
    this.retain = opts.retain !== false;
    this.parkAfter = this.retain ? Number.POSITIVE_INFINITY : (opts.parkAfter ?? Number.POSITIVE_INFINITY);
    this.table.waker = (n) => this.unpark(n);
    this.calls = new CallTable(opts.maxLegs ?? 16, {
      created: (n) => {
        this.counts.calls++;
        if (this.retain) this.callRecords.set(n.rec.id, n.rec);
      },
      merged: (_s, x) => {
        this.timers.cancel(x);
        this.callRecords.delete(x.rec.id);
        this.counts.calls--;
      },
      wake: (n) => this.unpark(n),
    });
    this.txs = new TransactionLayer(this);
    this.transfers = new Transfers(this.v.b, {
      find: (n) => this.calls.find(n),
      byCallId: (cid) => this.calls.get(cid),
      wake: (n) => this.unpark(n),
    });
    this.dialogs = new DialogTable(this.timers, this.v, {
      root: (n) => this.calls.find(n),
      closed: (root) => this.scheduleCheck(root),
      tag: (n, t) => this.calls.tag(n, t),
      created: (rec) => {
        this.counts.dialogs++;
        if (this.retain) this.dialogRecords.push(rec);
      },
    });
  }

  push(msg: SipMessage, id: number): MessageCorrelation {
    const s = msg.source;
    const ts = s !== null ? s.ts : Math.max(this.clock, 0);
    this.advance(ts);
    const cid = callId(msg);
    const cs = cseq(msg);
    const via = topVia(msg);
    const fromTag = fromHeader(msg)?.tag;
    const toTag = toHeader(msg)?.tag;
    // One fields object for every message (the key is copied out of it).
    const f = this.fields;
    f.branch = via?.branch;
    f.sentBy = via?.sentBy;
    f.callId = cid;
    f.cseq = cs?.seq;
    f.fromTag = fromTag;
    const src = s !== null ? s.src : NO_ENDPOINT;
    const dst = s !== null ? s.dst : NO_ENDPOINT;
    const reliable = isReliable(s?.transport);
    const step =
      msg.kind === 'request'
        ? this.txs.request(msg, id, ts, f, toTag, src, dst, reliable)
        : this.txs.response(msg, id, ts, f, toTag, cs?.method ?? '', src, dst, reliable);
    const { tx, verdict } = step;
    const rec = tx.rec;
    this.lastTx = rec;
    rec.messages = withId(rec.messages, id);
    if (ts > rec.end) rec.end = ts;
    if (cid !== undefined && cid !== rec.callId) addAnomaly(rec, 'call-id-mismatch');
    const first = !verdict.retransmission && !verdict.duplicate;
    if (verdict.retransmission) rec.retransmissions++;
    if (verdict.duplicate) rec.duplicates++;

    // Evidence first: a link may merge this call into an older one.
    let touched: number[] | null = null;
    if (first && cid !== undefined) {
      const evs = linkEvidence(msg);
      if (evs !== null) for (const ev of evs) this.calls.link(tx.call, ev, cid);
      if (msg.kind === 'request') {
        const method = msg.method;
        if (method === 'REFER') this.transfers.refer(msg, id, ts, this.calls.find(tx.call), dst);
        else if (method === 'INVITE' && toTag === undefined)
          touched = this.transfers.invite(msg, id, this.calls.find(tx.call), src);
      }
    }
    step.root = this.calls.find(tx.call);
    const d =
      msg.kind === 'request'
        ? dialogForRequest(this, msg, step)
        : dialogForResponse(this, msg as SipResponse, step);
    this.lastDialog = d?.rec;
    if (d !== undefined) this.dialogs.addMessage(d, id, ts);
    else if (msg.kind === 'request' && toTag === undefined)
      for (const x of tx.dialogs) this.dialogs.addMessage(x, id, ts);

    const root = this.calls.find(tx.call);
    this.callMessage(root, msg, id, ts, src, dst, verdict, first);
    if (root.active === 0) this.scheduleCheck(root);
    if (this.parkAfter !== Number.POSITIVE_INFINITY) {
      if (isQuiet(root)) this.quiet.push(root.lastActivity, root);
      else if (!root.idleQueued) {
        root.idleQueued = true;
        this.idle.push(root.lastActivity + this.parkAfter, root);
      }
    }
    this.counts.messages++;
    if (verdict.retransmission) this.counts.retransmissions++;
    if (verdict.duplicate) this.counts.duplicates++;
    const out: MessageCorrelation = {
      transaction: rec.id,
      retransmission: verdict.retransmission,
      duplicate: verdict.duplicate,
      dialog:
        d !== undefined
          ? d.rec.id
          : tx.dialogs.length > 0 && toTag === undefined
            ? tx.dialogs[0].rec.id
            : null,
      call: root.rec.id,
    };
    if (verdict.interval !== undefined) out.interval = verdict.interval;
    if (touched !== null) out.touched = touched;
    return out;
  }

  advance(ts: number): void {
    if (!(ts > this.clock)) return;
    this.clock = ts;
    for (let t = this.timers.popDue(ts); t !== undefined; t = this.timers.popDue(ts)) {
      const at = this.timers.lastTime;
      if (t.tk === 0) this.txs.onTimer(t, at);
      else if (t.tk === 1) this.dialogs.onTimer(t, at);
      else this.callTimer(t, at);
    }
    if (this.quiet.size > 0 || this.idle.size > 0) this.parkDue(ts);
    if (this.transfers.size > 0) this.transfers.expire(ts);
  }

  end(): void {
    this.endSome(Number.POSITIVE_INFINITY);
  }

  endSome(max: number): boolean {
    // Everything is over: hand the calls out, then drop the hot state at once
    // rather than unlinking each transaction, dialog and timer.
    this.ending ??= [...this.calls.hot.values()];
    const hot = this.ending;
    const stop = Math.min(hot.length, this.ended + Math.max(1, max));
    while (this.ended < stop) this.finalize(hot[this.ended++], false);
    if (this.ended < hot.length) return false;
    this.ending = null;
    this.ended = 0;
    this.idle.clear();
    this.quiet.clear();
    this.table.clear();
    this.timers.clear();
    this.dialogs.clear();
    this.calls.clear();
    this.transfers.clear();
    return true;
  }

  snapshot(): CorrelatorSnapshot {
    for (const n of this.calls.hot.values()) {
      if (n.parked !== null) this.unpark(n);
      computeOutcome(n);
    }
    if (this.retain) {
      return {
        transactions: this.txRecords.slice(),
        dialogs: this.dialogRecords.slice(),
        calls: [...this.callRecords.values()],
      };
    }
    const hot = [...this.calls.hot.values()];
    return {
      transactions: hot.flatMap((n) => n.txs.map((t) => t.rec)).sort((a, b) => a.id - b.id),
      dialogs: hot.flatMap((n) => n.dialogs.map((d) => d.rec)).sort((a, b) => a.id - b.id),
      calls: hot.map((n) => n.rec),
    };
  }

  stats(): CorrelatorStats {
    return { ...this.counts };
  }

  transaction(id: number): TransactionRecord | undefined {
    if (this.retain) return this.txRecords[id];
    return this.lastTx?.id === id ? this.lastTx : undefined;
  }

  dialog(id: number): DialogRecord | undefined {
    if (this.retain) return this.dialogRecords[id];
    return this.lastDialog?.id === id ? this.lastDialog : undefined;
  }

  call(id: number): CallRecord | undefined {
    const r = this.callRecords.get(id);
    if (r !== undefined) return r;
    const n = this.calls.hot.get(id);
    if (n === undefined) return undefined;
    if (n.parked !== null) this.unpark(n);
    return n.rec;
  }

  hotCall(id: number): CallRecord | undefined {
    const n = this.calls.hot.get(id);
    if (n === undefined) return undefined;
    if (n.parked !== null) this.unpark(n);
    computeOutcome(n);
    return n.rec;
  }

  liveTransaction(
    branch: string,
    sentBy: string,
    method: string,
    callId: string,
  ): TransactionRecord | undefined {
    const k = this.lookupKey;
    k.rfc2543 = !isRfc3261Branch(branch);
    k.branch = branch;
    k.sentBy = sentBy;
    k.method = method;
    k.callId = callId;
    return k.rfc2543 ? undefined : this.table.find(k)?.rec;
  }

  hotStats(): HotStats {
    const c = this.calls.stats();
    return {
      transactions: this.table.size,
      dialogs: this.dialogs.hot,
      calls: c.calls,
      callIds: c.callIds,
      evidence: c.evidence,
      timers: this.timers.size,
    };
  }

  // -------------------------------------------------------------------------
  // Calls

  // TransactionContext

  tag(n: CallNode, tag: string): string {
    return this.calls.tag(n, tag);
  }

  callOf(cid: string | undefined, ts: number): CallNode {
    const hot = cid !== undefined ? this.calls.get(cid) : undefined;
    if (hot === undefined) return this.calls.find(this.calls.create(cid, ts));
    if (hot.parked !== null) this.unpark(hot);
    return hot;
  }

  root(n: CallNode): CallNode {
    return this.calls.find(n);
  }

  txCreated(rec: TransactionRecord): void {
    this.counts.transactions++;
    if (this.retain) this.txRecords.push(rec);
  }

  private callMessage(
    root: CallNode,
    msg: SipMessage,
    id: number,
    ts: number,
    src: Endpoint,
    dst: Endpoint,
    verdict: CopyVerdict,
    first: boolean,
  ): void {
    const r = root.rec;
    r.messages = withId(r.messages, id);
    if (ts < r.start) r.start = ts;
    if (ts > r.end) r.end = ts;
    if (ts > root.lastActivity) root.lastActivity = ts;
    if (verdict.retransmission) r.retransmissions++;
    if (verdict.duplicate) r.duplicates++;
    if (r.from === null && r.to === null) {
      r.from = detach(fromHeader(msg)?.uri) ?? null;
      r.to = detach(toHeader(msg)?.uri) ?? null;
    }
    if (msg.source === null) return;
    const s = this.endpointAcc(root, src);
    this.endpointAcc(root, dst);
    if (first && s.label === null && s.tries < 3) {
      s.tries++;
      s.label = detach(userAgent(msg)) ?? null;
    }
  }

  /** The call's record of endpoint `ep`, made on first sight. */
  private endpointAcc(root: CallNode, ep: Endpoint): EndpointAcc {
    const eps = root.endpoints;
    for (let i = 0; i < eps.length; i++) if (sameEndpoint(eps[i], ep)) return eps[i];
    const e: EndpointAcc = { ip: this.strings.get(ep.ip), port: ep.port, label: null, tries: 0 };
    root.endpoints = withItem(eps, e);
    return e;
  }

  /** Arms the finalisation check of a call with nothing live left. */
  scheduleCheck(root: CallNode): void {
    if (root.active === 0 && !root.released && root.parent === null)
      this.timers.schedule(root, root.lastActivity + this.v.callLinger);
  }

  private callTimer(n: CallNode, at: number): void {
    // A parked call's timer is the earliest of its own: awake, they are armed again and fire in turn.
    if (n.parked !== null) {
      this.unpark(n);
      return;
    }
    if (n.parent !== null || n.released || n.active !== 0) return;
    if (n.lastActivity + this.v.callLinger > at) this.scheduleCheck(n);
    else this.finalize(n);
  }

  /** Hands a call out; `unlink` false when `end()` drops all hot state afterwards anyway. */
  private finalize(n: CallNode, unlink = true): void {
    // At the end of input its transactions and timers are dropped with the rest: not put back.
    if (n.parked !== null) this.unpark(n, unlink);
    computeOutcome(n);
    n.rec.final = true;
    if (unlink) {
      for (const tx of n.txs) {
        this.table.remove(tx);
        this.timers.cancel(tx);
        tx.copies = null;
      }
      for (const d of [...n.hotDialogs]) this.dialogs.release(d);
      this.timers.cancel(n);
      this.calls.release(n);
    }
    const cb = this.opts.onCallFinal;
    if (cb !== undefined)
      cb(n.rec, { transactions: n.txs.map((t) => t.rec), dialogs: n.dialogs.map((d) => d.rec) });
    n.txs = NONE;
    n.dialogs = NONE;
    // At the end of input (`endSome`) its dialogs were not released one by one: let them go now.
    n.hotDialogs = NONE;
    n.endpoints = NONE;
  }

  // -------------------------------------------------------------------------
  // Parking (park.ts)

  wake(call: number): void {
    const n = this.calls.hot.get(call);
    if (n !== undefined && n.parked !== null) this.unpark(n);
  }

  /** Parks the calls that have ended, or seen no message for `parkAfter`, by `ts`. */
  private parkDue(ts: number): void {
    for (let n = this.quiet.popBefore(ts); n !== undefined; n = this.quiet.popBefore(ts))
      if (n.parked === null && n.lastActivity < ts && isQuiet(n)) this.park(n);
    for (let n = this.idle.popBefore(ts); n !== undefined; n = this.idle.popBefore(ts)) {
      n.idleQueued = false;
      if (n.parent !== null || n.released || n.parked !== null) continue;
      const due = n.lastActivity + this.parkAfter;
      if (due >= ts) {
        n.idleQueued = true;
        this.idle.push(due, n);
      } else this.park(n);
    }
  }

  private park(n: CallNode): void {
    if (!canPark(n, PARK_LIMITS) || !this.table.canPark(n)) return;
    const armed: ArmedTimer[] = [];
    const q = this.timers;
    for (const tx of n.txs)
      if (tx.timerIndex >= 0) armed.push({ target: tx, at: tx.timerAt, seq: q.seqOf(tx) });
    for (const d of n.dialogs)
      if (d.timerIndex >= 0) armed.push({ target: d, at: d.timerAt, seq: q.seqOf(d) });
    if (n.timerIndex >= 0) armed.push({ target: n, at: n.timerAt, seq: q.seqOf(n) });
    sortArmed(armed);
    for (const t of armed) q.cancel(t.target);
    const indexed = n.txs.filter((tx) => tx.hot);
    for (const tx of n.txs) if (tx.rec === this.lastTx) this.lastTx = undefined;
    for (const d of n.dialogs) if (d.rec === this.lastDialog) this.lastDialog = undefined;
    const onPark = this.opts.onPark;
    if (onPark !== undefined)
      onPark(
        n.rec.id,
        n.txs.map((t) => t.rec.id),
        n.dialogs.map((d) => d.rec.id),
      );
    n.parked = parkCall(n, armed);
    this.table.park(n, indexed);
    if (armed.length > 0) q.schedule(n, armed[0].at);
  }

  /** Wakes a parked call; `relink` false: its transactions and timers are not put back (`endSome`). */
  private unpark(n: CallNode, relink = true): void {
    const p = n.parked;
    if (p === null) return;
    n.parked = null;
    this.timers.cancel(n);
    const u = unparkCall(n, p);
    if (relink) {
      this.table.restore(u.indexed);
      for (const [t, at] of u.timers) this.timers.schedule(t, at);
      // Woken by a timer or a lookup, not a message (which queues it itself): parked again
      // after `parkAfter` unless something happens (a call woken by its Timer L in its talk
      // phase; an ended call's other timers fire meanwhile and hand it out).
      if (!n.idleQueued) {
        n.idleQueued = true;
        this.idle.push(this.clock + this.parkAfter, n);
      }
    }
    const onWake = this.opts.onWake;
    if (onWake !== undefined)
      onWake(
        n.txs.map((t) => t.rec),
        n.dialogs.map((d) => d.rec),
      );
  }
}

/**
 * Timers in the order they fire: by time, then by the order they were armed.
 * A call has a few: an insertion sort in place (Array.prototype.sort copied
 * each list into a work array first, ~0.9 KB a parked call).
 */
function sortArmed(armed: ArmedTimer[]): void {
  for (let i = 1; i < armed.length; i++) {
    const x = armed[i];
    let j = i - 1;
    while (j >= 0 && (armed[j].at > x.at || (armed[j].at === x.at && armed[j].seq > x.seq))) {
      armed[j + 1] = armed[j];
      j--;
    }
    armed[j + 1] = x;
  }
}
