/**
 * Every message record of an analysis, stored column by column: typed arrays
 * for the numbers and one interned string table for the text (a Call-ID, a
 * tag, a branch recur across a call's messages). A 200k-call capture has over
 * a million messages; as objects, their records were most of what the
 * garbage collector copied and traced. `get(i)` gives the MessageRecord of
 * the JSON contract; `json(i)` writes it without building it.
 */
import { detach } from '../correlate/detach.js';
import { endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { type JsonBytes, renderJson } from './json-bytes.js';
import type { MessageRecord } from './message-record.js';

const NONE = -1;
const RETRANSMISSION = 1;
const MALFORMED = 2;

export class MessageTable {
  length = 0;
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
  private callId = new Int32Array(0);
  private cseqMethod = new Int32Array(0);
  private fromTag = new Int32Array(0);
  private toTag = new Int32Array(0);
  private branch = new Int32Array(0);
  private status = new Int32Array(0);
  private transaction = new Int32Array(0);
  private dialog = new Int32Array(0);
  private call = new Int32Array(0);
  private flags = new Uint8Array(0);
  /** Messages carried by more than their completing frame. */
  private readonly frameLists = new Map<number, number[]>();
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** Adds a message (its id is its position) and returns that id. */
  add(m: SipMessage): number {
    const i = this.length;
    if (i === this.cap) this.grow();
    const s = m.source;
    const cs = cseq(m);
    this.frame[i] = s ? s.frame : 0;
    this.ts[i] = s ? s.ts : 0;
    this.src[i] = s ? this.intern(endpointString(s.src)) : this.intern('');
    this.dst[i] = s ? this.intern(endpointString(s.dst)) : this.intern('');
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
    this.callId[i] = this.internOrNone(callId(m));
    this.cseq[i] = cs ? cs.seq : Number.NaN;
    this.cseqMethod[i] = cs ? this.intern(cs.method) : NONE;
    this.fromTag[i] = this.internOrNone(fromHeader(m)?.tag);
    this.toTag[i] = this.internOrNone(toHeader(m)?.tag);
    this.branch[i] = this.internOrNone(topVia(m)?.branch);
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
    return {
      id: i,
      frame: this.frame[i],
      ts: this.ts[i],
      src: this.strings[this.src[i]],
      dst: this.strings[this.dst[i]],
      transport: this.strings[this.transport[i]],
      method: isRequest ? this.strings[this.method[i]] : undefined,
      status: isRequest ? undefined : this.status[i],
      reason: isRequest ? undefined : this.strings[this.reason[i]],
      callId: str(this.callId[i]),
      cseq: Number.isNaN(this.cseq[i]) ? null : this.cseq[i],
      cseqMethod: str(this.cseqMethod[i]),
      fromTag: str(this.fromTag[i]),
      toTag: str(this.toTag[i]),
      branch: str(this.branch[i]),
      transaction: this.transaction[i] === NONE ? null : this.transaction[i],
      dialog: this.dialog[i] === NONE ? null : this.dialog[i],
      call: this.call[i] === NONE ? null : this.call[i],
      retransmission: (this.flags[i] & RETRANSMISSION) !== 0,
      malformed: (this.flags[i] & MALFORMED) !== 0,
      frames: this.frameLists.get(i) ?? [this.frame[i]],
    };
  }

  /** The record as JSON, byte for byte what messageRecordJson(get(i)) writes. */
  json(i: number): string {
    return renderJson(i, (w, k) => this.writeJson(k, w));
  }

  /** `json(i)`, written into `w`. */
  writeJson(i: number, w: JsonBytes): void {
    const str = this.strings;
    w.ascii('{"id":');
    w.plain(i);
    w.ascii(',"frame":');
    w.plain(this.frame[i]);
    w.ascii(',"ts":');
    w.plain(this.ts[i]);
    w.ascii(',"src":');
    w.str(str[this.src[i]]);
    w.ascii(',"dst":');
    w.str(str[this.dst[i]]);
    w.ascii(',"transport":');
    w.str(str[this.transport[i]]);
    if (this.method[i] !== NONE) {
      w.ascii(',"method":');
      w.str(str[this.method[i]]);
    } else {
      w.ascii(',"status":');
      w.plain(this.status[i]);
      w.ascii(',"reason":');
      w.str(str[this.reason[i]]);
    }
    w.ascii(',"callId":');
    this.opt(w, this.callId[i]);
    w.ascii(',"cseq":');
    const c = this.cseq[i];
    if (Number.isNaN(c)) w.ascii('null');
    else w.plain(c);
    w.ascii(',"cseqMethod":');
    this.opt(w, this.cseqMethod[i]);
    w.ascii(',"fromTag":');
    this.opt(w, this.fromTag[i]);
    w.ascii(',"toTag":');
    this.opt(w, this.toTag[i]);
    w.ascii(',"branch":');
    this.opt(w, this.branch[i]);
    w.ascii(',"transaction":');
    this.id(w, this.transaction[i]);
    w.ascii(',"dialog":');
    this.id(w, this.dialog[i]);
    w.ascii(',"call":');
    this.id(w, this.call[i]);
    w.ascii((this.flags[i] & RETRANSMISSION) !== 0 ? ',"retransmission":true' : ',"retransmission":false');
    if ((this.flags[i] & MALFORMED) !== 0) w.ascii(',"malformed":true');
    const frames = this.frameLists.get(i);
    if (frames !== undefined) {
      w.ascii(',"frames":[');
      for (let k = 0; k < frames.length; k++) {
        if (k > 0) w.ascii(',');
        w.plain(frames[k]);
      }
      w.ascii(']');
    }
    w.ascii('}');
  }

  private opt(w: JsonBytes, k: number): void {
    if (k === NONE) w.ascii('null');
    else w.str(this.strings[k]);
  }

  private id(w: JsonBytes, n: number): void {
    if (n === NONE) w.ascii('null');
    else w.plain(n);
  }

  private internOrNone(v: string | undefined): number {
    return v === undefined ? NONE : this.intern(v);
  }

  private intern(v: string): number {
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.strings.length;
      // Kept for the whole analysis: a copy, not a slice of the message text.
      const own = detach(v);
      this.strings.push(own);
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
    this.callId = g(this.callId, i32);
    this.cseqMethod = g(this.cseqMethod, i32);
    this.fromTag = g(this.fromTag, i32);
    this.toTag = g(this.toTag, i32);
    this.branch = g(this.branch, i32);
    this.status = g(this.status, i32);
    this.transaction = g(this.transaction, i32);
    this.dialog = g(this.dialog, i32);
    this.call = g(this.call, i32);
    this.flags = g(this.flags, (n) => new Uint8Array(n));
    this.cap = cap;
  }
}
