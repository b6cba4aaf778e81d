/**
 * The rolling window of a live capture (issue 6): the calls, messages,
 * transactions, dialogs and findings of the recent traffic, held in memory
 * within limits on calls, messages and message bytes, so a capture that runs
 * for days holds a bounded amount (DESIGN.md convention 15: bounded, drop and
 * count, visible counters).
 *
 * Eviction takes whole calls: when a limit is passed, the ended call that
 * went quiet first goes with its messages, transactions, dialogs and
 * findings. A call has ended once its row shows an outcome (`completed`,
 * `cancelled`, `rejected`, `busy`, `redirected`, `failed`) or the live
 * pipeline handed it out as over (`putCall(row, true)`), and its place in
 * the queue is when it ended or last got a message, whichever is later.
 * Only when no ended call is left does the oldest call still in progress
 * (`setup`, `ringing`, `in-call`) go, counted apart. What comes later for
 * an evicted call that was not handed out yet (a retransmission, its final
 * row) is dropped — messages and findings counted — so it does not come
 * back in pieces.
 *
 * Writes are synchronous (the live feed writes as messages come); the reads
 * answer the queries of store.ts for this one capture, with the same
 * matching and sorting as the other stores (call-query.ts).
 */
import { ENDED_CALL_STATES } from '../correlate/call-values.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { CallQuery } from './call-query.js';
import type { WindowCounters, WindowLimits } from './live-info.js';
import type { CallJson, CallRow, DialogRow, Finding, TransactionRow } from './rows.js';
import type {
  CallDetail,
  CallPage,
  CallsFrames,
  CaptureStatsView,
  FindingFilter,
  MessageInput,
  MessageUpdate,
  StoredMessage,
} from './store.js';
import {
  callDetail,
  callFacts,
  callFrames,
  callsFrames,
  findingsOf,
  queryCalls,
  type WindowSlot as Slot,
  statsView,
  type WindowView,
} from './window-reads.js';

export type { WindowCounters, WindowLimits };

export const DEFAULT_WINDOW_LIMITS: Readonly<WindowLimits> = {
  maxCalls: 10_000,
  maxMessages: 100_000,
  maxBytes: 64 * 1024 * 1024,
};

/** Calls evicted before they were handed out that are remembered (their late traffic dropped); older ones are forgotten. */
export const REMEMBER_EVICTED = 65_536;

/** States of a call that has an outcome (correlate/call-values.ts): nothing of it is in progress any more. */
const ENDED_STATES: ReadonlySet<string> = new Set(ENDED_CALL_STATES);

/** Hears what a write-through to disk needs (live-persist.ts). */
export interface WindowObserver {
  /**
   * A call has ended (an outcome, or handed out as over), or something came
   * for it since: (re)write it. Not only when handed out as over, 32 s after
   * its last message: a window that turns over faster than that would
   * evict every call before it was written.
   */
  ended(call: number): void;
  /** A call left the window: its disk copy goes too. */
  evicted(call: number): void;
}

/** The slot of messages without a call (never listed, evicted like a call in progress). */
const NO_CALL = -1;

export class RollingWindow {
  readonly limits: Readonly<WindowLimits>;
  observer: WindowObserver | null = null;
  private readonly messages = new Map<number, MessageInput>();
  /** In the order calls were first seen. */
  private readonly calls = new Map<number, Slot>();
  private readonly transactions = new Map<number, TransactionRow>();
  private readonly dialogs = new Map<number, DialogRow>();
  /** Findings without a call. */
  private readonly loose: Array<[number, Finding]> = [];
  private readonly view: WindowView;
  /** Ended calls, the one that went quiet first first (a Set keeps insertion order; re-adding moves to the end). */
  private readonly ended = new Set<number>();
  /** Calls evicted before the pipeline handed them out, the latest REMEMBER_EVICTED of them: their late traffic is dropped. */
  private readonly evictedLive = new Set<number>();
  private bytes = 0;
  private findingCount = 0;
  private seq = 0;
  private readonly counts = {
    evictedCalls: 0,
    evictedActiveCalls: 0,
    evictedMessages: 0,
    evictedBytes: 0,
    evictedFindings: 0,
    dropped: 0,
  };

  constructor(limits: Partial<WindowLimits> = {}) {
    const l = { ...DEFAULT_WINDOW_LIMITS, ...limits };
    for (const [k, v] of Object.entries(l))
      if (!(Number.isSafeInteger(v) && v > 0)) throw new RangeError(`window ${k} must be a positive integer`);
    this.limits = l;
    this.view = {
      messages: this.messages,
      calls: this.calls,
      transactions: this.transactions,
      dialogs: this.dialogs,
      loose: this.loose,
      version: 0,
      sorted: null,
    };
  }

  counters(): WindowCounters {
    return {
      ...this.limits,
      calls: this.calls.size,
      messages: this.messages.size,
      bytes: this.bytes,
      findings: this.findingCount,
      transactions: this.transactions.size,
      dialogs: this.dialogs.size,
      ...this.counts,
    };
  }

  // ---- writes ----

  /** A message with the call and dialog known when it arrived; `raw` is kept as given (copy it first). */
  addMessage(m: MessageInput): void {
    const call = m.row.call ?? NO_CALL;
    if (this.evictedLive.has(call)) {
      this.counts.dropped++;
      return;
    }
    const old = this.messages.get(m.row.id);
    if (old !== undefined) this.forgetMessage(m.row.id, old);
    this.messages.set(m.row.id, m);
    this.bytes += m.raw.length;
    const s = this.touch(this.slot(call));
    s.messages.add(m.row.id);
    if (isEnded(s)) this.observer?.ended(call);
    // A message for an ended call (a retransmission, a late request): it went quiet later than it seemed.
    if (this.ended.delete(call)) this.ended.add(call);
    this.view.version++;
    this.enforce();
  }

  /** The final call and dialog of messages already held. */
  updateMessages(batch: readonly MessageUpdate[]): void {
    for (const u of batch) {
      const m = this.messages.get(u.id);
      if (m === undefined) continue;
      if (m.row.call !== u.call) this.moveMessage(u.id, m, u.call ?? NO_CALL);
      m.row = { ...m.row, call: u.call, dialog: u.dialog };
      this.touch(this.slot(u.call ?? NO_CALL));
    }
    this.view.version++;
  }

  /**
   * A call's row as it is now; `final` when the call is over (it becomes
   * evictable first). The row's message list is authoritative: messages
   * held under another call (one this call absorbed) move here, and a call
   * left with nothing is forgotten.
   */
  putCall(row: CallJson, final: boolean): void {
    if (this.evictedLive.has(row.id)) return; // the call is gone: its rows are of no use

    const s = this.touch(this.slot(row.id));
    s.row = row;
    for (const id of row.messages) {
      const m = this.messages.get(id);
      if (m !== undefined && m.row.call !== row.id) {
        this.moveMessage(id, m, row.id);
        m.row = { ...m.row, call: row.id };
      }
    }
    if (final) s.final = true;
    if (isEnded(s)) this.observer?.ended(row.id);
    if (!isEnded(s)) this.ended.delete(row.id);
    else if (!this.ended.has(row.id)) this.ended.add(row.id);
    this.view.version++;
    this.enforce();
  }

  /**
   * Transactions as they are now; `call`, when given, is the call they
   * belong to: nothing is kept for a call evicted before it was handed out
   * (as `putCall` keeps nothing of it), else a window that turns over faster
   * than calls are handed out (32 s after their last message) would hold the
   * records of every call it let go, up to the `trim` bound.
   */
  putTransactions(batch: readonly TransactionRow[], call?: number): void {
    if (call !== undefined && this.evictedLive.has(call)) return;
    for (const t of batch) {
      this.transactions.delete(t.id);
      this.transactions.set(t.id, t);
    }
    this.trim(this.transactions);
    this.view.version++;
  }

  /** Dialogs as they are now; `call` as for `putTransactions`. */
  putDialogs(batch: readonly DialogRow[], call?: number): void {
    if (call !== undefined && this.evictedLive.has(call)) return;
    for (const d of batch) {
      this.dialogs.delete(d.id);
      this.dialogs.set(d.id, d);
    }
    this.trim(this.dialogs);
    this.view.version++;
  }

  addFinding(f: Finding): void {
    const entry: [number, Finding] = [this.seq++, f];
    if (f.call === null) {
      this.loose.push(entry);
      if (this.loose.length > this.limits.maxCalls) {
        this.loose.shift();
        this.counts.evictedFindings++;
      } else this.findingCount++;
    } else if (this.evictedLive.has(f.call)) {
      this.counts.dropped++;
      return;
    } else {
      const s = this.touch(this.slot(f.call));
      s.findings.push(entry);
      this.findingCount++;
      if (isEnded(s)) this.observer?.ended(f.call);
    }
    this.view.version++;
  }

  /**
   * RTP streams, each held with its call (and evicted with it); one without
   * a call, or for a call evicted before it was handed out, is not kept.
   * A writer gives them (window-store.ts), or the live feed as each stream
   * finishes (window-feed.ts); an ended call that gets one is written
   * through again (live-persist.ts), with it.
   */
  addStreams(batch: readonly RtpStreamRecord[]): void {
    for (const st of batch) {
      if (st.call === null || this.evictedLive.has(st.call)) continue;
      const s = this.slot(st.call);
      s.streams ??= [];
      const at = s.streams.findIndex((x) => x.id === st.id);
      if (at >= 0) s.streams[at] = st;
      else s.streams.push(st);
      if (isEnded(s)) this.observer?.ended(st.call);
    }
    this.view.version++;
  }

  /** Every call still in progress counts as over from now (the capture stopped). */
  endAll(): void {
    for (const s of this.calls.values()) {
      s.final = true;
      if (!this.ended.has(s.id)) this.ended.add(s.id);
    }
  }

  /** Forgets everything held (the counters of what was evicted stay). */
  clear(): void {
    this.messages.clear();
    this.calls.clear();
    this.transactions.clear();
    this.dialogs.clear();
    this.loose.length = 0;
    this.ended.clear();
    this.bytes = 0;
    this.findingCount = 0;
    this.view.sorted = null;
    this.view.version++;
  }

  // ---- reads (window-reads.ts) ----

  /** The call as the call list shows it (with its finding count), undefined when not held or without a row yet. */
  callRow(id: number): CallRow | undefined {
    const s = this.calls.get(id);
    return s === undefined || s.row === null ? undefined : callFacts(this.view, s).row;
  }

  queryCalls(query: CallQuery): CallPage {
    return queryCalls(this.view, query);
  }

  getCall(id: number): CallDetail | undefined {
    return callDetail(this.view, id);
  }

  /** A held message as written (its row, bytes and agent). */
  heldMessage(id: number): MessageInput | undefined {
    return this.messages.get(id);
  }

  getMessage(id: number): StoredMessage | undefined {
    const m = this.messages.get(id);
    return m === undefined ? undefined : { row: m.row, raw: m.raw };
  }

  /** In the order they were written. */
  findings(filter: FindingFilter = {}): Finding[] {
    return findingsOf(this.view, filter);
  }

  stats(): CaptureStatsView {
    return statsView(this.view);
  }

  callFrames(id: number): number[] | undefined {
    return callFrames(this.view, id);
  }

  callsFrames(query: CallQuery): CallsFrames {
    return callsFrames(this.view, query);
  }

  // ---- internals ----

  private slot(id: number): Slot {
    let s = this.calls.get(id);
    if (s === undefined) {
      s = { id, row: null, final: false, messages: new Set(), findings: [] };
      this.calls.set(id, s);
    }
    return s;
  }

  private touch(s: Slot): Slot {
    s.facts = undefined;
    return s;
  }

  /**
   * Moves a held message from the call it is under to `to`; a call left with
   * nothing is forgotten (another absorbed it) and its findings go along.
   */
  private moveMessage(id: number, m: MessageInput, to: number): void {
    const from = this.calls.get(m.row.call ?? NO_CALL);
    const into = this.touch(this.slot(to));
    if (from !== undefined) {
      from.messages.delete(id);
      this.touch(from);
      if (from.messages.size === 0 && !from.final) {
        this.calls.delete(from.id);
        this.ended.delete(from.id);
        for (const f of from.findings) into.findings.push(f);
        if (from.streams !== undefined) into.streams = [...(into.streams ?? []), ...from.streams];
      }
    }
    into.messages.add(id);
  }

  private forgetMessage(id: number, m: MessageInput): void {
    this.messages.delete(id);
    this.bytes -= m.raw.length;
    this.calls.get(m.row.call ?? NO_CALL)?.messages.delete(id);
  }

  private over(): boolean {
    const l = this.limits;
    return this.calls.size > l.maxCalls || this.messages.size > l.maxMessages || this.bytes > l.maxBytes;
  }

  private enforce(): void {
    while (this.over()) {
      const victim = this.victim();
      if (victim === undefined) break;
      this.evict(victim);
    }
  }

  /** The ended call that went quiet first, else the oldest call in progress. */
  private victim(): Slot | undefined {
    for (const id of this.ended) {
      const s = this.calls.get(id);
      if (s !== undefined && isEnded(s)) return s;
      this.ended.delete(id); // gone, or in progress again (a new INVITE after a 401 or a 3xx)
    }
    const first = this.calls.values().next();
    return first.done ? undefined : first.value;
  }

  private evict(s: Slot): void {
    const k = this.counts;
    this.calls.delete(s.id);
    this.ended.delete(s.id);
    if (s.id !== NO_CALL) k.evictedCalls++;
    if (!isEnded(s) && s.id !== NO_CALL) k.evictedActiveCalls++;
    if (!s.final && s.id !== NO_CALL) {
      this.evictedLive.add(s.id);
      if (this.evictedLive.size > REMEMBER_EVICTED)
        this.evictedLive.delete(this.evictedLive.values().next().value as number);
    }
    for (const id of s.messages) {
      const m = this.messages.get(id);
      if (m === undefined) continue;
      this.messages.delete(id);
      this.bytes -= m.raw.length;
      k.evictedMessages++;
      k.evictedBytes += m.raw.length;
      if (m.row.transaction !== null) this.transactions.delete(m.row.transaction);
      if (m.row.dialog !== null) this.dialogs.delete(m.row.dialog);
    }
    if (s.row !== null) {
      for (const t of s.row.transactions) this.transactions.delete(t);
      for (const d of s.row.dialogs) this.dialogs.delete(d);
    }
    k.evictedFindings += s.findings.length;
    this.findingCount -= s.findings.length;
    this.view.version++;
    if (s.id !== NO_CALL) this.observer?.evicted(s.id);
  }

  /** Transactions and dialogs leave with their calls; one never claimed by a call goes once there are more than messages. */
  private trim<T>(map: Map<number, T>): void {
    while (map.size > this.limits.maxMessages) map.delete(map.keys().next().value as number);
  }
}

/** The call has an outcome, or the pipeline handed it out. */
function isEnded(s: Slot): boolean {
  return s.final || (s.row !== null && ENDED_STATES.has(s.row.state));
}
