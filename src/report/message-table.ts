/**
 * Every message record of an analysis, stored column by column: typed arrays
 * for the numbers, an interned string table for the text of few values
 * (addresses, transports, methods, reasons), and a byte arena for the text
 * that is new with almost every call (Call-ID, tags, branch). A 200k-call
 * capture has over a million messages; as objects, their records were most
 * of what the garbage collector copied and traced, and interning every
 * Call-ID, tag and branch in one big hash table cost more than the bytes it
 * saved. `get(i)` gives the MessageRecord of the JSON contract; `writeJson(i)`
 * writes it without building it (the arena's bytes go out as they are).
 */

import type { FrameOrigins } from '../capture/frame-origins.js';
import { detach } from '../correlate/detach.js';
import { type Endpoint, endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { type JsonBytes, latin1Of, renderJson, utf8Of } from './json-bytes.js';
import { jsonString } from './message-json.js';
import type { MessageRecord } from './message-record.js';
import * as K from './message-record-pieces.js';
import { F_CSEQ_METHOD, RecordPieces } from './message-record-pieces.js';
import type { MessageTableState } from './message-table-state.js';

const NONE = -1;
/** Span length of a string that is not latin1 (held in `wide`). */
const WIDE = -2;
const RETRANSMISSION = 1;
const MALFORMED = 2;
/** Arena text fields, as span numbers: each message has SPANS (start, length) pairs. */
const CALL_ID = 0;
const FROM_TAG = 1;
const TO_TAG = 2;
const BRANCH = 3;
const SPANS = 4;

export class MessageTable {
  length = 0;
  /**
   * A capture merged from several files (capture/merge-captures.ts): where
   * each frame came from, written with each record as `file` and `fileFrame`.
   */
  origins: FrameOrigins | null = null;
  private cap = 0;
  private frame = new Int32Array(0);
  private ts = new Float64Array(0);
  private cseq = new Float64Array(0);
  /** Indexes into `strings` (NONE for null / absent). */
  private src = new Int32Array(0);
  private dst = new Int32Array(0);
  private transport = new Int32Array(0);
  private method = new Int32Array(0);
  private reason = new Int32Array(0);
  private cseqMethod = new Int32Array(0);
  private status = new Int32Array(0);
  private transaction = new Int32Array(0);
  private dialog = new Int32Array(0);
  private call = new Int32Array(0);
  private flags = new Uint8Array(0);
  /** Per message SPANS pairs (start in `arena`, length; length NONE for null, WIDE for `wide`). */
  private spans = new Int32Array(0);
  /** latin1 bytes of the span fields (header text is latin1: one char per byte). */
  private arena = new Uint8Array(0);
  private used = 0;
  /** Span values with characters above 0xff (only from messages not made by parseSip). */
  private readonly wide = new Map<number, string>();
  /** Messages carried by more than their completing frame. */
  private readonly frameLists = new Map<number, number[]>();
  private readonly strings: string[] = [];
  /** The JSON literal of each string, as bytes, made once. */
  private readonly literals: Uint8Array[] = [];
  /** Those literals with their keys, made on first use. */
  private readonly pieces = new RecordPieces(this.literals);
  private readonly index = new Map<string, number>();
  /** Endpoint → string index, by address then port (the decoder hands out one string per address). */
  private readonly endpoints = new Map<string, Map<number, number>>();

  /**
   * Moves the content out (the table is empty afterwards: its arrays may be
   * transferred to another thread). `fromState` makes the same table again.
   */
  exportState(): MessageTableState {
    const { frame, ts, cseq, src, dst, transport, method, reason, cseqMethod, status } = this;
    const { transaction, dialog, call, flags, spans, arena } = this;
    const state: MessageTableState = {
      length: this.length,
      columns: {
        ...{ frame, ts, cseq, src, dst, transport, method, reason, cseqMethod, status },
        ...{ transaction, dialog, call, flags, spans, arena },
      },
      used: this.used,
      wide: this.wide,
      frameLists: this.frameLists,
      strings: this.strings,
    };
    // Every field afresh, as a new table has them.
    Object.assign(this, new MessageTable());
    return state;
  }

  static fromState(s: MessageTableState): MessageTable {
    const t = new MessageTable();
    // The arrays are named as the fields they were.
    Object.assign(t, s.columns);
    t.length = s.length;
    t.cap = s.columns.frame.length;
    t.used = s.used;
    for (const [k, v] of s.wide) t.wide.set(k, v);
    for (const [k, v] of s.frameLists) t.frameLists.set(k, v);
    for (const v of s.strings) t.intern(v);
    return t;
  }

  /** Adds a message (its id is its position) and returns that id. */
  add(m: SipMessage): number {
    const i = this.length;
    if (i === this.cap) this.grow();
    const s = m.source;
    const cs = cseq(m);
    this.frame[i] = s ? s.frame : 0;
    this.ts[i] = s ? s.ts : 0;
    this.src[i] = s ? this.endpoint(s.src) : this.intern('');
    this.dst[i] = s ? this.endpoint(s.dst) : this.intern('');
    this.transport[i] = this.intern(s ? s.transport : '');
    if (m.kind === 'request') {
      this.method[i] = this.intern(m.method);
      this.status[i] = 0;
      this.reason[i] = NONE;
    } else {
      this.method[i] = NONE;
      this.status[i] = m.status;
      this.reason[i] = this.intern(m.reason);
    }
    const at = i * SPANS;
    this.span(at + CALL_ID, callId(m));
    this.cseq[i] = cs ? cs.seq : Number.NaN;
    this.cseqMethod[i] = cs ? this.intern(cs.method) : NONE;
    this.span(at + FROM_TAG, fromHeader(m)?.tag);
    this.span(at + TO_TAG, toHeader(m)?.tag);
    this.span(at + BRANCH, topVia(m)?.branch);
    this.transaction[i] = NONE;
    this.dialog[i] = NONE;
    this.call[i] = NONE;
    this.flags[i] = m.malformed ? MALFORMED : 0;
    if (s && (s.frames.length !== 1 || s.frames[0] !== s.frame)) this.frameLists.set(i, s.frames.slice());
    this.length++;
    return i;
  }

  setCorrelation(
    i: number,
    transaction: number,
    dialog: number | null,
    call: number,
    retransmission: boolean,
  ): void {
    this.transaction[i] = transaction;
    this.dialog[i] = dialog ?? NONE;
    this.call[i] = call;
    if (retransmission) this.flags[i] |= RETRANSMISSION;
  }

  setCall(i: number, call: number): void {
    this.call[i] = call;
  }

  callOf(i: number): number | null {
    return this.call[i] === NONE ? null : this.call[i];
  }

  dialogOf(i: number): number | null {
    return this.dialog[i] === NONE ? null : this.dialog[i];
  }

  setDialog(i: number, dialog: number): void {
    this.dialog[i] = dialog;
  }

  frameOf(i: number): number {
    return this.frame[i];
  }

  get(i: number): MessageRecord {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no message ${i}`);
    const str = (k: number): string | null => (k === NONE ? null : this.strings[k]);
    const isRequest = this.method[i] !== NONE;
    const r: MessageRecord = {
      id: i,
      frame: this.frame[i],
      ts: this.ts[i],
      src: this.strings[this.src[i]],
      dst: this.strings[this.dst[i]],
      transport: this.strings[this.transport[i]],
      method: isRequest ? this.strings[this.method[i]] : undefined,
      status: isRequest ? undefined : this.status[i],
      reason: isRequest ? undefined : this.strings[this.reason[i]],
      callId: this.spanText(i * SPANS + CALL_ID),
      cseq: Number.isNaN(this.cseq[i]) ? null : this.cseq[i],
      cseqMethod: str(this.cseqMethod[i]),
      fromTag: this.spanText(i * SPANS + FROM_TAG),
      toTag: this.spanText(i * SPANS + TO_TAG),
      branch: this.spanText(i * SPANS + BRANCH),
      transaction: this.transaction[i] === NONE ? null : this.transaction[i],
      dialog: this.dialog[i] === NONE ? null : this.dialog[i],
      call: this.call[i] === NONE ? null : this.call[i],
      retransmission: (this.flags[i] & RETRANSMISSION) !== 0,
      malformed: (this.flags[i] & MALFORMED) !== 0,
      frames: this.frameLists.get(i) ?? [this.frame[i]],
    };
    const o = this.origins?.of(r.frame);
    if (o !== undefined) {
      r.file = o.file;
      r.fileFrame = o.frame;
    }
    return r;
  }

  /** The record as JSON, byte for byte what messageRecordJson(get(i)) writes. */
  json(i: number): string {
    return renderJson(i, (w, k) => this.writeJson(k, w));
  }

  /** The `messages` array of the JSON contract: `[`, the records one per line, `]`. */
  writeJsonArray(w: JsonBytes): void {
    const n = this.length;
    w.ascii('[');
    for (let i = 0; i < n; i++) this.writeRecord(i, w, i ? K.K_NEXT_ID : K.K_FIRST_ID);
    w.ascii(n ? '\n]' : ']');
  }

  /** `json(i)`, written into `w`. */
  writeJson(i: number, w: JsonBytes): void {
    this.writeRecord(i, w, K.K_ID);
  }

  /** The record, after `head` (what comes before its id: separator and `{"id":`). */
  private writeRecord(i: number, w: JsonBytes, head: Uint8Array): void {
    w.raw(head);
    w.plain(i);
    w.raw(K.K_FRAME);
    w.plain(this.frame[i]);
    if (this.origins !== null) this.writeOrigin(w, this.frame[i]);
    w.raw(K.K_TS);
    w.plain(this.ts[i]);
    if (this.method[i] !== NONE)
      this.pieces.writeShape(w, this.src[i], this.dst[i], this.transport[i], this.method[i], NONE, 0);
    else
      this.pieces.writeShape(
        w,
        this.src[i],
        this.dst[i],
        this.transport[i],
        NONE,
        this.reason[i],
        this.status[i],
      );
    const at = i * SPANS;
    this.writeSpan(w, at + CALL_ID, K.K_CALL_ID, K.K_CALL_ID_NULL);
    const c = this.cseq[i];
    if (Number.isNaN(c)) w.raw(K.K_CSEQ_NULL);
    else {
      w.raw(K.K_CSEQ);
      w.plain(c);
    }
    const cm = this.cseqMethod[i];
    w.rawLong(cm === NONE ? K.K_CSEQ_METHOD_NULL : this.pieces.keyed(F_CSEQ_METHOD, cm));
    this.writeSpan(w, at + FROM_TAG, K.K_FROM_TAG, K.K_FROM_TAG_NULL);
    this.writeSpan(w, at + TO_TAG, K.K_TO_TAG, K.K_TO_TAG_NULL);
    this.writeSpan(w, at + BRANCH, K.K_BRANCH, K.K_BRANCH_NULL);
    this.id(w, this.transaction[i], K.K_TRANSACTION, K.K_TRANSACTION_NULL);
    this.id(w, this.dialog[i], K.K_DIALOG, K.K_DIALOG_NULL);
    this.id(w, this.call[i], K.K_CALL, K.K_CALL_NULL);
    const flags = this.flags[i];
    const frames = this.frameLists.size > 0 ? this.frameLists.get(i) : undefined;
    if (flags === 0 && frames === undefined) {
      w.rawLong(K.K_NOT_RETRANSMITTED_END);
      return;
    }
    w.raw((flags & RETRANSMISSION) !== 0 ? K.K_RETRANSMITTED : K.K_NOT_RETRANSMITTED);
    if ((flags & MALFORMED) !== 0) w.raw(K.K_MALFORMED);
    if (frames !== undefined) {
      w.ascii(',"frames":[');
      for (let k = 0; k < frames.length; k++) {
        if (k > 0) w.ascii(',');
        w.plain(frames[k]);
      }
      w.ascii(']');
    }
    w.raw(K.END);
  }

  /** A merged capture's `"file"` and `"fileFrame"` of frame `no` (messageRecordJson's order). */
  private writeOrigin(w: JsonBytes, no: number): void {
    const o = this.origins?.of(no);
    if (o === undefined) return;
    w.ascii(',"file":');
    w.plain(o.file);
    w.ascii(',"fileFrame":');
    w.plain(o.frame);
  }

  private id(w: JsonBytes, n: number, key: Uint8Array, keyNull: Uint8Array): void {
    if (n === NONE) w.raw(keyNull);
    else w.keyUint(key, n);
  }

  private writeSpan(w: JsonBytes, k: number, key: Uint8Array, keyNull: Uint8Array): void {
    const len = this.spans[2 * k + 1];
    if (len === NONE) w.raw(keyNull);
    else if (len === WIDE) {
      w.raw(key);
      w.str(this.wide.get(k)!);
    } else {
      const start = this.spans[2 * k];
      w.keyLatin1Str(key, this.arena, start, start + len);
    }
  }

  private spanText(k: number): string | null {
    const len = this.spans[2 * k + 1];
    if (len === NONE) return null;
    if (len === WIDE) return this.wide.get(k)!;
    const start = this.spans[2 * k];
    return latin1Of(this.arena, start, start + len);
  }

  /** Stores `v` as span `k`: its latin1 bytes appended to the arena. */
  private span(k: number, v: string | undefined): void {
    if (v === undefined) {
      this.spans[2 * k + 1] = NONE;
      return;
    }
    const n = v.length;
    if (this.used + n > this.arena.length) this.growArena(n);
    const a = this.arena;
    const start = this.used;
    for (let j = 0; j < n; j++) {
      const c = v.charCodeAt(j);
      if (c > 0xff) {
        this.wide.set(k, detach(v));
        this.spans[2 * k + 1] = WIDE;
        return;
      }
      a[start + j] = c;
    }
    this.used = start + n;
    this.spans[2 * k] = start;
    this.spans[2 * k + 1] = n;
  }

  private growArena(need: number): void {
    const b = new Uint8Array(Math.max(64 * 1024, this.arena.length * 2, this.used + need));
    b.set(this.arena.subarray(0, this.used));
    this.arena = b;
  }

  private endpoint(ep: Endpoint): number {
    let ports = this.endpoints.get(ep.ip);
    if (ports === undefined) {
      ports = new Map();
      this.endpoints.set(detach(ep.ip), ports);
    }
    let k = ports.get(ep.port);
    if (k === undefined) {
      k = this.intern(endpointString(ep));
      ports.set(ep.port, k);
    }
    return k;
  }

  private intern(v: string): number {
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.strings.length;
      // Kept for the whole analysis: a copy, not a slice of the message text.
      const own = detach(v);
      this.strings.push(own);
      this.literals.push(utf8Of(jsonString(own)));
      this.index.set(own, k);
    }
    return k;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    const i32 = (n: number) => new Int32Array(n);
    this.frame = g(this.frame, i32);
    this.ts = g(this.ts, (n) => new Float64Array(n));
    this.cseq = g(this.cseq, (n) => new Float64Array(n));
    this.src = g(this.src, i32);
    this.dst = g(this.dst, i32);
    this.transport = g(this.transport, i32);
    this.method = g(this.method, i32);
    this.reason = g(this.reason, i32);
    this.cseqMethod = g(this.cseqMethod, i32);
    this.status = g(this.status, i32);
    this.transaction = g(this.transaction, i32);
    this.dialog = g(this.dialog, i32);
    this.call = g(this.call, i32);
    this.flags = g(this.flags, (n) => new Uint8Array(n));
    const spans = new Int32Array(cap * SPANS * 2);
    spans.set(this.spans);
    this.spans = spans;
    this.cap = cap;
  }
}
