/**
 * A call's state in a flat form: what the correlator keeps of a call that has
 * ended, or seen no message for a while (correlator.ts `park`), until a
 * message, a timer or a lookup needs it again (`unpark`).
 *
 * Why: a call that has ended stays hot for Timer J/L/D and the call linger
 * (32 s of capture time each, timers.ts), so at 1,000 calls/s some 33,000
 * ended calls are held, each as some 60 small objects (records, transactions,
 * copies, dialogs, their lists and boxed times), ~6 KB. Parked, a call is a
 * one-byte string of varints and one short array of its distinct strings
 * (and the few lists kept as they are), ~0.8 KB. README "Big captures" has
 * the figures.
 *
 * `parkCall` writes, `unparkCall` reads back the same objects, field by
 * field, in the same order; test/correlate/park.test.ts checks that every
 * flow of the correlator's tests answers the same parked at every step as
 * never parked. Object literals here list their fields in the order of the places
 * that make them (transaction-layer.ts, dialog-table.ts, call-table.ts,
 * retransmission.ts, correlator.ts), so that they share their hidden classes.
 */
import { Buffer } from 'node:buffer';
import { NO_DIALOGS } from './dialog-table.js';
import {
  type CallNode,
  type CallRecord,
  type Copy,
  type Dialog,
  type DialogRecord,
  type EndpointAcc,
  NONE,
  newCallRecord,
  type TransactionRecord,
  type Tx,
} from './model.js';
import { newTx } from './transaction-layer.js';
import { NO_ANOMALIES, type TransactionKind, type TransactionState } from './transaction-state.js';

/**
 * A parked call's state (what `CallNode.parked` holds): its numbers and the
 * places of its values as bytes in a one-byte string (a leaf for the garbage
 * collector, no buffer to track), and its distinct values (strings, lists
 * kept as they are) once each.
 */
export interface ParkedCall {
  readonly b: string;
  readonly v: unknown[];
}

/** What `unparkCall` gives back besides the node's own fields. */
export interface Unparked {
  /** Transactions that were in the transaction index, to put back (TransactionTable.restore). */
  indexed: Tx[];
  /** Timers to arm again, earliest first, in the order they would have fired: [target, at]. */
  timers: Array<[Tx | Dialog | CallNode, number]>;
}

/** A transaction or dialog's timer as it was when the call was parked. */
export interface ArmedTimer {
  target: Tx | Dialog | CallNode;
  at: number;
  seq: number;
}

/*
 * Numbers are unsigned varints (7 bits a byte, low first) of 4·q + tag:
 * tag 0, q the zigzag of an integer; tag 1, q the zigzag of a count of
 * microseconds from the call's start (a capture time, written so only when
 * it reads back exactly); tag 2, eight bytes of a double follow; tag 3, q 0
 * null, q 1 undefined. Values are 0 null, 1 undefined, 2 false, 3 true, or 4
 * + their place in `v`.
 */
const TAG_INT = 0;
const TAG_TIME = 1;
const TAG_RAW = 2;
const NULL_CODE = 3;
const UNDEFINED_CODE = 7;
const LIMIT = 2 ** 48;
/** Below this in magnitude, 4·zigzag fits in 31 bits (int32 arithmetic). */
const SMALL = 2 ** 28;
const CONSTANTS: readonly unknown[] = [null, undefined, false, true, NONE, NO_ANOMALIES, ''];
/** Code of the first value in `v`. */
const FIRST = CONSTANTS.length;
/** Slots of the cache that finds a string written before (by length and last character). */
const CACHE = 32;
const cache = new Int32Array(CACHE);
/** Lists: 0 the shared empty list, 2·length + 1 integers as differences, 2·length + 2 numbers as they are. */
const LIST_SHARED = 0;
/** The node's own lists, by count: -1 the shared empty list. */
const LIST_NONE = -1;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
let bytes = Buffer.allocUnsafe(4096);
const values: unknown[] = [];

const zigzag = (x: number): number => (x >= 0 ? 2 * x : -2 * x - 1);
const unzigzag = (q: number): number => (q % 2 === 0 ? q / 2 : -(q + 1) / 2);

class Writer {
  private n = 0;
  private k = 0;

  constructor() {
    cache.fill(-1);
  }

  /** The call's start: times are written from it. */
  base = Number.NaN;

  private byte(b: number): void {
    if (this.n === bytes.length) {
      const bigger = Buffer.allocUnsafe(bytes.length * 2);
      bytes.copy(bigger);
      bytes = bigger;
    }
    bytes[this.n++] = b;
  }

  private uv(v: number): void {
    if (v < 0x80000000) {
      // The usual case in int32 arithmetic (a double's % and floor are calls).
      let u = v >>> 0;
      while (u >= 0x80) {
        this.byte((u & 0x7f) | 0x80);
        u >>>= 7;
      }
      this.byte(u);
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** An integer or a count of microseconds, as 4·zigzag + tag. */
  private tagged(q: number, tag: number): void {
    if (q > -SMALL && q < SMALL) this.uv((((q << 1) ^ (q >> 31)) << 2) + tag);
    else this.uv(zigzag(q) * 4 + tag);
  }

  num(x: number | null | undefined): void {
    if (x === null) {
      this.uv(NULL_CODE);
      return;
    }
    if (x === undefined) {
      this.uv(UNDEFINED_CODE);
      return;
    }
    if (Number.isSafeInteger(x) && x > -LIMIT && x < LIMIT && !(x === 0 && 1 / x < 0)) {
      this.tagged(x, TAG_INT);
      return;
    }
    const b = this.base;
    const k = Math.round((x - b) * 1e6);
    if (k > -LIMIT && k < LIMIT && b + k / 1e6 === x) {
      this.tagged(k, TAG_TIME);
      return;
    }
    this.uv(TAG_RAW);
    f64[0] = x;
    for (let i = 0; i < 8; i++) this.byte(f64Bytes[i]);
  }

  val(x: unknown): void {
    // The constants by their place in CONSTANTS, one comparison each: a loop over that
    // list made writing a call ~10% slower (the tests read every code back).
    if (x === null) {
      this.byte(0);
      return;
    }
    if (x === undefined) {
      this.byte(1);
      return;
    }
    if (x === false) {
      this.byte(2);
      return;
    }
    if (x === true) {
      this.byte(3);
      return;
    }
    if (x === NONE) {
      this.byte(4);
      return;
    }
    if (x === NO_ANOMALIES) {
      this.byte(5);
      return;
    }
    if (typeof x === 'string') {
      if (x.length === 0) {
        this.byte(6);
        return;
      }
      // A string seen before is written once: most recur (a call's Call-ID, tags, branches,
      // addresses). One slot per length and last character finds nearly all of them at the
      // cost of one comparison; a string that misses is written again, which is only longer.
      const h = (x.length * 7 + x.charCodeAt(x.length - 1)) & (CACHE - 1);
      const at = cache[h];
      if (at >= 0 && at < this.k && values[at] === x) {
        this.uv(FIRST + at);
        return;
      }
      cache[h] = this.k;
    }
    values[this.k] = x;
    this.uv(FIRST + this.k++);
  }

  /** A list of integers (ids), as differences when they all are. */
  ids(a: readonly number[]): void {
    if (a === NONE) {
      this.uv(LIST_SHARED);
      return;
    }
    let ints = true;
    for (let i = 0; i < a.length && ints; i++) ints = Number.isSafeInteger(a[i]);
    if (!ints) {
      this.nums(a);
      return;
    }
    this.uv(2 * a.length + 1);
    let prev = 0;
    for (let i = 0; i < a.length; i++) {
      this.num(a[i] - prev);
      prev = a[i];
    }
  }

  nums(a: ReadonlyArray<number | null>): void {
    if (a === NONE) {
      this.uv(LIST_SHARED);
      return;
    }
    this.uv(2 * a.length + 2);
    for (let i = 0; i < a.length; i++) this.num(a[i]);
  }

  done(): ParkedCall {
    const v = values.slice(0, this.k);
    values.fill(undefined, 0, this.k);
    return { b: bytes.toString('latin1', 0, this.n), v };
  }
}

class Reader {
  private i = 0;
  base = Number.NaN;

  constructor(private readonly p: ParkedCall) {}

  private uv(): number {
    const b = this.p.b;
    let c = b.charCodeAt(this.i++);
    if (c < 0x80) return c;
    let v = c & 0x7f;
    // Four bytes (28 bits) in int32 arithmetic, the rest as doubles.
    for (let shift = 7; shift < 28; shift += 7) {
      c = b.charCodeAt(this.i++);
      v |= (c & 0x7f) << shift;
      if (c < 0x80) return v;
    }
    let scale = 0x10000000;
    for (;;) {
      c = b.charCodeAt(this.i++);
      v += (c & 0x7f) * scale;
      if (c < 0x80) return v;
      scale *= 0x80;
    }
  }

  num(): number {
    const v = this.uv();
    let tag: number;
    let x: number;
    if (v < 0x80000000) {
      tag = v & 3;
      const q = v >>> 2;
      x = (q >>> 1) ^ -(q & 1);
    } else {
      tag = v % 4;
      x = unzigzag((v - tag) / 4);
    }
    if (tag === TAG_INT) return x;
    if (tag === TAG_TIME) return this.base + x / 1e6;
    if (tag === TAG_RAW) {
      const b = this.p.b;
      for (let i = 0; i < 8; i++) f64Bytes[i] = b.charCodeAt(this.i++);
      return f64[0];
    }
    return (x === 0 ? null : undefined) as unknown as number;
  }

  nnum(): number | null {
    return this.num();
  }

  onum(): number | undefined {
    return this.num();
  }

  val<T>(): T {
    const c = this.uv();
    return (c < FIRST ? CONSTANTS[c] : this.p.v[c - FIRST]) as T;
  }

  ids(): number[] {
    const c = this.uv();
    if (c === LIST_SHARED) return NONE;
    const n = (c - 1) >> 1;
    const out = new Array<number>(n);
    if (c % 2 === 1) {
      let prev = 0;
      for (let i = 0; i < n; i++) out[i] = prev += this.num();
    } else for (let i = 0; i < n; i++) out[i] = this.num();
    return out;
  }

  nums<T extends number | null>(): T[] {
    return this.ids() as T[];
  }

  /** Everything written was read. */
  check(): void {
    if (this.i !== this.p.b.length) throw new Error(`parked call read ${this.i} of ${this.p.b.length} bytes`);
  }
}

/**
 * What a parked node's `rec` is until it wakes (its record is in the parked
 * form): a record of the same shape, so that the node keeps its hidden class.
 */
const PARKED_RECORD: CallRecord = newCallRecord(-1, NONE, Number.NaN);

/**
 * Has the call ended: every transaction answered (an INVITE rejected, also
 * acknowledged) and every dialog terminated. What is left of it are timers
 * that wait for late copies (timers.ts): it can be parked at once.
 */
export function isQuiet(n: CallNode): boolean {
  if (n.parent !== null || n.released) return false;
  const txs = n.txs;
  for (let i = 0; i < txs.length; i++) {
    const r = txs[i].rec;
    const s = r.state;
    if (r.kind === 'ack' || s === 'terminated') continue;
    if (r.kind === 'invite' ? s !== 'accepted' && s !== 'confirmed' : s !== 'completed') return false;
  }
  const ds = n.dialogs;
  for (let i = 0; i < ds.length; i++) if (ds[i].rec.state !== 'terminated') return false;
  return true;
}

/**
 * The largest call that is parked: each wake reads it all back and each park
 * writes it again, so a call that keeps getting messages after it ended (a
 * flood of copies of its last response) would cost its size at every one.
 */
export interface ParkLimits {
  transactions: number;
  messages: number;
}

/**
 * Can `n` be parked as it is: a call of one Call-ID (nothing merged into it),
 * whose transactions and dialogs are its own and point only at each other.
 */
export function canPark(n: CallNode, limits: ParkLimits): boolean {
  if (n.parent !== null || n.released || n.parked !== null) return false;
  const r = n.rec;
  // A related call's record is written to by the other call's messages (transfers.ts).
  if (r.links.length > 0 || r.callIds.length > 1 || r.related.length > 0) return false;
  if (n.txs.length > limits.transactions || r.messages.length > limits.messages) return false;
  for (const tx of n.txs) {
    if (tx.call !== n) return false;
    for (const d of tx.dialogs) if (d.call !== n || !n.dialogs.includes(d)) return false;
  }
  for (const d of n.dialogs) {
    if (d.call !== n) return false;
    for (const tx of d.txs) if (!n.txs.includes(tx)) return false;
  }
  for (const d of n.hotDialogs) if (!n.dialogs.includes(d)) return false;
  return true;
}

/**
 * Writes the state of `n` (which `canPark` accepted) in flat form, with the
 * timers of its transactions, dialogs and of itself (`armed`, earliest first
 * and in firing order), and leaves the node holding only what the call table
 * needs (its Call-ID lists, tags, evidence keys and counters). The caller has
 * taken the timers out of the queue, and takes the transactions that are in
 * the index (`hot`, written as they are) out of it afterwards.
 */
export function parkCall(n: CallNode, armed: readonly ArmedTimer[]): ParkedCall {
  const w = new Writer();
  writeCallRecord(w, n.rec);
  w.num(n.endpoints === NONE ? LIST_NONE : n.endpoints.length);
  if (n.endpoints !== NONE) for (const e of n.endpoints) writeEndpoint(w, e);
  w.num(n.dialogs === NONE ? LIST_NONE : n.dialogs.length);
  if (n.dialogs !== NONE) for (const d of n.dialogs) writeDialog(w, d);
  w.num(n.txs === NONE ? LIST_NONE : n.txs.length);
  if (n.txs !== NONE) for (const tx of n.txs) writeTx(w, tx, n.dialogs);
  // Links between them, by place in the node's lists.
  for (const d of n.dialogs) writeRefs(w, d.txs, n.txs);
  writeRefs(w, n.hotDialogs, n.dialogs);
  w.num(armed.length);
  for (const t of armed) {
    const x = t.target;
    w.num(x.tk === 2 ? -1 : x.tk === 0 ? n.txs.indexOf(x) : -2 - n.dialogs.indexOf(x));
    w.num(t.at);
  }
  const p = w.done();
  n.rec = PARKED_RECORD;
  n.txs = NONE;
  n.dialogs = NONE;
  n.hotDialogs = NONE;
  n.endpoints = NONE;
  return p;
}

/** Reads back what `parkCall` wrote, into `n`; the caller puts the transactions back in the index and arms the timers. */
export function unparkCall(n: CallNode, p: ParkedCall): Unparked {
  const r = new Reader(p);
  const rec = readCallRecord(r);
  const ne = r.num();
  const endpoints: EndpointAcc[] = ne === LIST_NONE ? NONE : new Array(ne);
  for (let i = 0; i < ne; i++) endpoints[i] = readEndpoint(r);
  const nd = r.num();
  const dialogs: Dialog[] = nd === LIST_NONE ? NONE : new Array(nd);
  for (let i = 0; i < nd; i++) dialogs[i] = readDialog(r, n);
  const nt = r.num();
  const txs: Tx[] = nt === LIST_NONE ? NONE : new Array(nt);
  const indexed: Tx[] = [];
  for (let i = 0; i < nt; i++) {
    const tx = readTx(r, n, dialogs);
    txs[i] = tx;
    if (r.val<boolean>()) indexed.push(tx);
  }
  for (const d of dialogs) d.txs = readRefs(r, txs, NONE);
  const hotDialogs = readRefs(r, dialogs, NONE);
  const timers: Unparked['timers'] = new Array(r.num());
  for (let i = 0; i < timers.length; i++) {
    const who = r.num();
    timers[i] = [who === -1 ? n : who >= 0 ? txs[who] : dialogs[-2 - who], r.num()];
  }
  r.check();
  n.rec = rec;
  n.endpoints = endpoints;
  n.dialogs = dialogs;
  n.txs = txs;
  n.hotDialogs = hotDialogs;
  return { indexed, timers };
}

function writeRefs<T>(w: Writer, list: readonly T[], among: readonly T[]): void {
  const none = (list as unknown) === NONE || (list as unknown) === NO_DIALOGS;
  w.num(none ? LIST_NONE : list.length);
  if (!none) for (const x of list) w.num(among.indexOf(x));
}

function readRefs<T>(r: Reader, among: readonly T[], none: T[]): T[] {
  const n = r.num();
  if (n === LIST_NONE) return none;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = among[r.num()];
  return out;
}

function writeCallRecord(w: Writer, c: CallRecord): void {
  w.num(c.id);
  w.val(c.kind);
  w.val(c.state);
  w.val(c.callIds);
  w.val(c.links);
  w.val(c.from);
  w.val(c.to);
  w.num(c.start);
  w.base = c.start;
  w.num(c.end);
  w.num(c.finalStatus);
  w.val(c.reason);
  w.num(c.pddMs);
  w.num(c.setupMs);
  w.num(c.durationMs);
  w.val(c.hangupBy);
  w.ids(c.dialogs);
  w.ids(c.transactions);
  w.ids(c.messages);
  w.num(c.retransmissions);
  w.num(c.duplicates);
  w.val(c.endpoints);
  w.ids(c.unknownDialogRequests);
  w.val(c.related);
  w.val(c.final);
}

function readCallRecord(r: Reader): CallRecord {
  const id = r.num();
  const kind = r.val<CallRecord['kind']>();
  const state = r.val<CallRecord['state']>();
  const callIds = r.val<string[]>();
  const links = r.val<CallRecord['links']>();
  const from = r.val<string | null>();
  const to = r.val<string | null>();
  const start = r.num();
  r.base = start;
  return {
    id,
    kind,
    state,
    callIds,
    links,
    from,
    to,
    start,
    end: r.num(),
    finalStatus: r.nnum(),
    reason: r.val(),
    pddMs: r.nnum(),
    setupMs: r.nnum(),
    durationMs: r.nnum(),
    hangupBy: r.val(),
    dialogs: r.ids(),
    transactions: r.ids(),
    messages: r.ids(),
    retransmissions: r.num(),
    duplicates: r.num(),
    endpoints: r.val(),
    unknownDialogRequests: r.ids(),
    related: r.val(),
    final: r.val(),
  };
}

function writeEndpoint(w: Writer, e: EndpointAcc): void {
  w.val(e.ip);
  w.num(e.port);
  w.val(e.label);
  w.num(e.tries);
}

function readEndpoint(r: Reader): EndpointAcc {
  return { ip: r.val(), port: r.num(), label: r.val(), tries: r.num() };
}

function writeDialog(w: Writer, d: Dialog): void {
  const x = d.rec;
  w.num(x.id);
  w.val(x.callId);
  w.val(x.tags);
  w.val(x.callerTag);
  w.val(x.state);
  w.val(x.kind);
  w.num(x.createdBy);
  w.ids(x.messages);
  w.num(x.start);
  w.num(x.confirmedAt);
  w.num(x.end);
  w.val(x.endReason);
  w.val(x.idle);
  w.val(x.anomalies);
  w.val(d.callId);
  w.val(d.tagA);
  w.val(d.tagB);
  w.val(d.hot);
  w.val(d.open);
  w.num(d.lastActivity);
}

function readDialog(r: Reader, call: CallNode): Dialog {
  const rec: DialogRecord = {
    id: r.num(),
    callId: r.val(),
    tags: r.val(),
    callerTag: r.val(),
    state: r.val(),
    kind: r.val(),
    createdBy: r.num(),
    messages: r.ids(),
    start: r.num(),
    confirmedAt: r.nnum(),
    end: r.nnum(),
    endReason: r.val(),
    idle: r.val(),
    anomalies: r.val(),
  };
  return {
    tk: 1,
    timerIndex: -1,
    timerAt: Number.NaN,
    rec,
    call,
    callId: r.val(),
    tagA: r.val(),
    tagB: r.val(),
    txs: NONE,
    hot: r.val(),
    open: r.val(),
    lastActivity: r.num(),
  };
}

function writeTx(w: Writer, tx: Tx, dialogs: readonly Dialog[]): void {
  const x = tx.rec;
  w.num(x.id);
  w.val(x.kind);
  w.val(x.method);
  w.val(x.branch);
  w.val(x.sentBy);
  w.val(x.rfc2543);
  w.val(x.state);
  w.val(x.callId);
  w.num(x.cseq);
  w.val(x.inDialog);
  w.ids(x.messages);
  w.num(x.request);
  w.ids(x.responses);
  w.nums(x.responseTimes);
  w.num(x.finalStatus);
  w.num(x.finalAt);
  w.num(x.firstResponseAt);
  w.num(x.start);
  w.num(x.end);
  w.num(x.retransmissions);
  w.num(x.duplicates);
  w.val(x.timedOut);
  w.val(x.orphan);
  w.val(x.anomalies);
  w.num(x.upstream);
  w.num(x.cancels);
  w.num(x.cancelledBy);
  w.num(x.acks);
  w.num(x.ackedBy);
  w.val(tx.rfc2543);
  w.val(tx.branch);
  w.val(tx.sentBy);
  w.val(tx.method);
  w.val(tx.callId);
  w.num(tx.cseq);
  w.val(tx.fromTag);
  w.val(tx.uri);
  w.val(tx.reliable);
  let copies = 0;
  for (let c = tx.copies; c !== null; c = c.next) copies++;
  w.num(copies);
  for (let c = tx.copies; c !== null; c = c.next) writeCopy(w, c);
  writeRefs(w, tx.dialogs, dialogs);
  w.val(tx.reason);
  w.num(tx.provisional);
  w.num(tx.first18xAt);
  w.val(tx.finalToTag);
  // In the index: put back there on waking.
  w.val(tx.hot);
}

function readTx(r: Reader, call: CallNode, dialogs: readonly Dialog[]): Tx {
  const rec: TransactionRecord = {
    id: r.num(),
    kind: r.val<TransactionKind>(),
    method: r.val(),
    branch: r.val(),
    sentBy: r.val(),
    rfc2543: r.val(),
    state: r.val<TransactionState>(),
    callId: r.val(),
    cseq: r.nnum(),
    inDialog: r.val(),
    messages: r.ids(),
    request: r.nnum(),
    responses: r.ids(),
    responseTimes: r.nums(),
    finalStatus: r.nnum(),
    finalAt: r.nnum(),
    firstResponseAt: r.nnum(),
    start: r.num(),
    end: r.num(),
    retransmissions: r.num(),
    duplicates: r.num(),
    timedOut: r.val(),
    orphan: r.val(),
    anomalies: r.val(),
    upstream: r.onum(),
    cancels: r.onum(),
    cancelledBy: r.onum(),
    acks: r.onum(),
    ackedBy: r.onum(),
  };
  // Arguments are read in order: the fields as writeTx wrote them.
  const tx = newTx(
    r.val(),
    r.val(),
    r.val(),
    r.val(),
    r.val(),
    r.num(),
    r.val(),
    r.val(),
    rec,
    call,
    r.val(),
  );

  let last: Copy | null = null;
  for (let i = r.num(); i > 0; i--) {
    const c = readCopy(r);
    if (last === null) tx.copies = c;
    else last.next = c;
    last = c;
  }
  tx.dialogs = readRefs(r, dialogs, NO_DIALOGS);
  tx.reason = r.val();
  tx.provisional = r.num();
  tx.first18xAt = r.num();
  tx.finalToTag = r.val();
  return tx;
}

function writeCopy(w: Writer, c: Copy): void {
  w.val(c.srcIp);
  w.num(c.srcPort);
  w.val(c.dstIp);
  w.num(c.dstPort);
  w.num(c.code);
  w.val(c.toTag);
  w.num(c.ts);
  w.num(c.len);
  w.num(c.fp);
}

function readCopy(r: Reader): Copy {
  return {
    srcIp: r.val(),
    srcPort: r.num(),
    dstIp: r.val(),
    dstPort: r.num(),
    code: r.num(),
    toTag: r.val(),
    ts: r.num(),
    len: r.num(),
    fp: r.num(),
    next: null,
  };
}
