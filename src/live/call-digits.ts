/**
 * The DTMF digits of each call of a live capture, as `analyze` gives them
 * (report/call-dtmf.ts `callDtmf`: a call's `dtmf`): the RFC 4733 events of
 * the RTP streams its SDP set up and the digits of its SIP INFO requests.
 *
 * The live pipeline hands a call out 32 s after it ended (the linger), but
 * finishes its streams only once idle for `idleSeconds` (60 s): a call's
 * RTP digits come after the call. So the digits of a call are given once
 * every stream that can still be named with it is out: `keep` seconds of
 * capture time after the hand-out (stream-calls.ts forgets the call's SDP
 * messages then; a stream still flowing later finds no call), at once for
 * a call without SDP (no stream), and at `end()` for all.
 *
 * Bounded: digits wait for at most `max` calls in progress and `max` INFO
 * requests (oldest first out); a call handed out waits `keep` seconds.
 */
import type { CallRecord, MessageCorrelation } from '../correlate/model.js';
import { endpointString } from '../decode/payload.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { type CallDtmf, callDtmf, type DtmfStream, type InfoDigit } from '../report/call-dtmf.js';
import { infoDtmf } from '../sip/info-dtmf.js';
import type { SipMessage } from '../sip/message.js';

/** Most calls in progress, and INFO digits, waiting. */
export const MAX_CALLS_WITH_DIGITS = 65_536;

interface Waiting {
  call: number;
  due: number;
  streams: DtmfStream[];
  info: InfoDigit[];
}

export class CallDigits {
  /** Streams with digits of calls not handed out yet, by the call they named. */
  private readonly streamsOf = new Map<number, DtmfStream[]>();
  /** INFO digits by message id, until their call is handed out. */
  private readonly info = new Map<number, InfoDigit>();
  /** Calls handed out, waiting for their last streams; `due` never decreases (capture time). */
  private readonly waiting: Waiting[] = [];
  private head = 0;
  /** The waiting entry of each call handed out, for its late streams. */
  private readonly byCall = new Map<number, Waiting>();

  constructor(
    private readonly keep: number,
    private readonly out: (call: number, digits: CallDtmf[]) => void,
    private readonly max = MAX_CALLS_WITH_DIGITS,
  ) {}

  /** Calls and INFO requests whose digits are held. */
  get size(): number {
    return this.streamsOf.size + this.info.size + this.byCall.size;
  }

  /** A message: an INFO carrying a digit (its first copy) is kept until its call is handed out. */
  message(id: number, msg: SipMessage, c: MessageCorrelation): void {
    if (msg.kind !== 'request' || msg.method !== 'INFO' || c.retransmission || msg.source === null) return;
    const d = infoDtmf(msg);
    if (d === null) return;
    const s = msg.source;
    this.info.set(id, { ...d, message: id, src: endpointString(s.src), ts: s.ts, frame: s.frame });
    if (this.info.size > this.max) this.info.delete(this.info.keys().next().value as number);
  }

  /** A finished stream, its `call` set: kept when it carried digits. */
  stream(st: RtpStreamRecord): void {
    if (st.dtmf === undefined || st.dtmf.length === 0 || st.call === null) return;
    const s: DtmfStream = { id: st.id, src: st.src, dtmf: st.dtmf };
    const w = this.byCall.get(st.call);
    if (w !== undefined) {
      w.streams.push(s);
      return;
    }
    const list = this.streamsOf.get(st.call);
    if (list !== undefined) list.push(s);
    else this.streamsOf.set(st.call, [s]);
    if (this.streamsOf.size > this.max) this.streamsOf.delete(this.streamsOf.keys().next().value as number);
  }

  /**
   * `call` was handed out at capture time `now`; `streams`: whether its
   * SDP set up streams that may still finish (else its digits go at once).
   */
  handedOut(call: CallRecord, now: number, streams: boolean): void {
    let info: InfoDigit[] | undefined;
    if (this.info.size > 0)
      for (const id of call.messages) {
        const d = this.info.get(id);
        if (d === undefined) continue;
        this.info.delete(id);
        (info ??= []).push(d);
      }
    const w: Waiting = {
      call: call.id,
      due: now + this.keep,
      streams: this.streamsOf.get(call.id) ?? [],
      info: info ?? [],
    };
    this.streamsOf.delete(call.id);
    if (!streams) {
      this.give(w);
      return;
    }
    this.waiting.push(w);
    this.byCall.set(w.call, w);
  }

  /** Capture time reached `now`: the calls whose streams are all out give their digits. */
  advance(now: number): void {
    const q = this.waiting;
    while (this.head < q.length && q[this.head].due < now) this.give(q[this.head++]);
    if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The input ended (every call and stream is out): the calls still waiting give their digits. */
  end(): void {
    this.advance(Number.POSITIVE_INFINITY);
    this.streamsOf.clear();
    this.info.clear();
  }

  private give(w: Waiting): void {
    this.byCall.delete(w.call);
    if (w.streams.length === 0 && w.info.length === 0) return;
    this.out(w.call, callDtmf(w.streams, w.info));
  }
}
