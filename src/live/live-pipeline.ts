/**
 * The live pipeline: frames (a live capture) and payloads (a HEP collector)
 * in; messages, findings and finished calls out as events, as they happen.
 * The same stages as a file (src/pipeline.ts → correlator → analyzer), run
 * for as long as the traffic lasts with memory that follows the traffic in
 * flight, not the traffic seen:
 *
 * - the correlator runs without `retain`: a call lives in its hot indexes
 *   until it is over, is handed out once (`call` event) and forgotten;
 * - the analyzer reports to `finding` listeners instead of collecting;
 * - messages are handed out (`message` event) and not kept: keeping a
 *   window of them is the consumer's business (the store, the CLI);
 * - RTP streams are found on the addresses the SDP announced
 *   (media/media-tracker.ts): the tracker holds the streams still flowing
 *   and a bounded map of addresses; a stream is handed out (`stream`
 *   event) once idle for a minute of capture time, with the call of the
 *   message whose SDP set it up (stream-calls.ts), and goes to the rules
 *   (`media.one-way`);
 * - the records the correlated rules look up by id (a CANCEL's INVITE, a
 *   forwarded request's upstream) are kept while their call is hot and a
 *   little longer (`retireAfter`) after it was handed out; while the call is
 *   parked (`parkAfter`), a handle that wakes it when read stands for them.
 *
 * Time is capture time (DESIGN.md "Time is data"), which a packet moves
 * forward. When none comes, `tick()` moves it on with the wall clock — from
 * the last packet's capture time plus the wall time since it arrived, less
 * `idleLag` for packets still on their way through the capture pipe — so
 * the timers of a quiet link still fire: an unanswered INVITE fails after
 * Timer B, a 2xx without ACK becomes a finding 64·T1 after it, a finished
 * call is handed out 32 s after its last message. The pipeline has no
 * timer of its own; whoever runs it calls `tick()` (live-session.ts every
 * 250 ms).
 */
import { createAnalyzer } from '../analyze/analyzer.js';
import type { Finding, Severity, SeverityCounts } from '../analyze/finding.js';
import type { Rule } from '../analyze/rule.js';
import type { Frame } from '../capture/frame.js';
import {
  type CallFinalDetail,
  type CorrelatorOptions,
  createCorrelator,
  type HotStats,
} from '../correlate/correlator.js';
import type { CallRecord, DialogRecord, MessageCorrelation, TransactionRecord } from '../correlate/model.js';
import { awake, DEFAULT_PARK_AFTER, type ParkedRef, parkingHooks } from '../correlate/parked-records.js';
import { resolveTimers } from '../correlate/timers.js';
import type { DecoderOptions } from '../decode/decoder.js';
import type { Payload } from '../decode/payload.js';
import { MediaTracker, type MediaTrackerOptions, type RtpStreamRecord } from '../media/media-tracker.js';
import { createPipeline } from '../pipeline.js';
import type { CallDtmf } from '../report/call-dtmf.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import { CallDigits } from './call-digits.js';
import { Emitter } from './emitter.js';
import { type LiveTls, type LiveTlsOptions, type LiveTlsStats, liveTls, liveTlsStats } from './live-tls.js';
import { StreamCalls } from './stream-calls.js';

export interface LivePipelineOptions {
  decoder?: DecoderOptions;
  /** Correlator timers and limits (`retain` is always off here; parking is `parkAfter`). */
  correlator?: Omit<CorrelatorOptions, 'retain' | 'onCallFinal' | 'parkAfter' | 'onPark' | 'onWake'>;
  /**
   * Seconds of capture time without a message after which a call is parked,
   * an ended one at once (correlator.ts `parkAfter`; default
   * DEFAULT_PARK_AFTER, parked-records.ts; Infinity: never).
   */
  parkAfter?: number;
  /** Rules to run (default all) and the mildest severity kept (default info). */
  rules?: readonly Rule[];
  minSeverity?: Severity;
  /** Wall clock in seconds (default `Date.now() / 1000`). */
  clock?: () => number;
  /** Seconds capture time is held behind the wall clock when it advances without packets (default 1). */
  idleLag?: number;
  /**
   * Seconds of capture time the records of a handed-out call stay findable
   * by id. Default: what the correlated rules can still need — their
   * deadlines fall at most 64·T1 after a message, a call is handed out
   * `callLinger` after its last one — plus 2 s: max(0, 64·T1 − callLinger) + 2.
   */
  retireAfter?: number;
  /** RTP stream tracking: seconds of capture time after which an idle stream is finished (default 60), SDP addresses kept (default 65,536). */
  media?: Pick<MediaTrackerOptions, 'idleSeconds' | 'maxEndpoints'>;
  /** SIP over TLS: the key log followed as it grows, servers' RSA keys (live-tls.ts). */
  tls?: LiveTlsOptions;
}

export interface LiveMessage {
  /** 0-based, in the order messages completed, across every source. */
  id: number;
  msg: SipMessage;
  correlation: MessageCorrelation;
}

export interface LiveEvents {
  /** A SIP message, correlated as far as is known when it arrives. */
  message: [LiveMessage];
  finding: [Finding];
  /** A call is over (nothing of it can change any more): its final record, transactions and dialogs. */
  call: [CallRecord, CallFinalDetail];
  /** An RTP stream is over (idle for `idleSeconds`, or the input ended), `call` set (null: its SDP's call is not known). */
  stream: [RtpStreamRecord];
  /** A call's DTMF digits as `analyze` gives its `dtmf`, once every stream it set up is out (call-digits.ts); fed only when listened to. */
  dtmf: [number, CallDtmf[]];
}

export interface LiveStats {
  frames: number;
  /** Bytes of the frames and payloads taken. */
  bytes: number;
  /** Payloads pushed directly (HEP). */
  payloads: number;
  messages: number;
  requests: number;
  responses: number;
  retransmissions: number;
  malformed: number;
  /** Framed candidates that were not SIP. */
  notSip: number;
  decodeErrors: number;
  /** Calls handed out, and how many by final state. */
  calls: number;
  callsByState: Record<string, number>;
  /** Calls still hot (in progress or lingering). */
  activeCalls: number;
  findings: number;
  findingsByRule: Record<string, number>;
  findingsBySeverity: SeverityCounts;
  /** RTP streams handed out; datagrams taken as RTP and as RTCP on the SDP's addresses. */
  streams: number;
  rtpPackets: number;
  rtcpPackets: number;
  /** Capture time reached (seconds), null before the first packet. */
  captureTime: number | null;
  /** SIP over TLS (null: no TLS connection seen). */
  tls: LiveTlsStats | null;
  /**
   * Sizes of the hot state: what memory follows (`streams`: RTP streams still flowing; `sdpMessages`: calls of
   * SDP messages remembered for them; `digits`: calls and INFO requests whose DTMF digits wait, call-digits.ts).
   */
  hot: HotStats & { records: number; streams: number; sdpMessages: number; digits: number };
}

export class LivePipeline extends Emitter<LiveEvents> {
  private readonly pipeline;
  private readonly correlator;
  private readonly analyzer;
  private readonly media: MediaTracker;
  private readonly streamCalls: StreamCalls;
  private readonly digits: CallDigits;
  private readonly tls: LiveTls | null;
  /** Streams finished by `end()` before the calls were handed out: emitted once their final call is known. */
  private endStreams: RtpStreamRecord[] | null = null;
  private readonly clock: () => number;
  private readonly idleLag: number;
  private readonly retireAfter: number;
  /** Records the correlated rules may look up by id: hot calls' and recently handed-out ones. */
  private readonly txs = new Map<number, TransactionRecord | ParkedRef>();
  private readonly dialogs = new Map<number, DialogRecord | ParkedRef>();
  /** Handed-out calls waiting for `retireAfter` before their records go: [capture time, tx ids, dialog ids]. */
  private readonly retiring: Array<[number, number[], number[]]> = [];
  private retireHead = 0;
  /** Latest capture time of a packet, and the wall time it arrived. */
  private lastTs = Number.NEGATIVE_INFINITY;
  private lastWall = 0;
  private now = Number.NEGATIVE_INFINITY;
  private ended = false;
  private readonly counts = {
    frames: 0,
    bytes: 0,
    payloads: 0,
    requests: 0,
    responses: 0,
    retransmissions: 0,
    malformed: 0,
    calls: 0,
    streams: 0,
  };
  private readonly callsByState: Record<string, number> = {};
  /** Calls a message touched since the last `takeUpdatedCalls()` (tracked once someone asked: cleared on each ask). */
  private readonly touched = new Set<number>();
  private tracking = false;

  constructor(opts: LivePipelineOptions = {}) {
    super();
    this.clock = opts.clock ?? (() => Date.now() / 1000);
    this.idleLag = opts.idleLag ?? 1;
    const timers = resolveTimers(opts.correlator);
    this.retireAfter = opts.retireAfter ?? Math.max(0, timers.b - timers.callLinger) + 2;
    this.correlator = createCorrelator({
      ...opts.correlator,
      retain: false,
      onCallFinal: (call, detail) => this.callFinal(call, detail),
      parkAfter: opts.parkAfter ?? DEFAULT_PARK_AFTER,
      ...parkingHooks(this.txs, this.dialogs),
    });
    const c = this.correlator;
    const wake = (call: number): void => c.wake(call);
    this.analyzer = createAnalyzer({
      rules: opts.rules,
      minSeverity: opts.minSeverity,
      timers,
      onFinding: (f) => this.emit('finding', f),
      model: {
        transaction: (id) => awake(this.txs, id, wake),
        dialog: (id) => awake(this.dialogs, id, wake),
        call: (id) => c.call(id),
        liveTransaction: (branch, sentBy, method, callId) =>
          c.liveTransaction(branch, sentBy, method, callId),
      },
    });
    const idle = opts.media?.idleSeconds ?? 60;
    this.tls = opts.tls === undefined ? null : liveTls(opts.tls);
    this.media = new MediaTracker({
      ...opts.media,
      idleSeconds: idle,
      onStream: (st) => this.stream(st),
      onDtlsCheck: (c) => {
        if (c.message !== undefined) this.analyzer.onDtlsCheck(c, this.streamCalls.callOf(c.message));
      },
      onDtlsHello: (h) => this.analyzer.onDtlsHello(h),
      // DTLS-SRTP (RFC 5764): the same key log as SIP over TLS, followed as it grows.
      tlsKeys: this.tls?.keys,
    });
    // A stream whose last packet came before its call was handed out is finished idle + 1 s (the sweep) later.
    this.streamCalls = new StreamCalls(idle + 2);
    this.digits = new CallDigits(idle + 2, (call, d) => this.emit('dtmf', call, d));
    this.pipeline = createPipeline({
      decoder: opts.decoder,
      media: this.media,
      onMessage: (msg, id) => this.message(msg, id),
      extractor: this.tls === null ? undefined : { tlsKeys: this.tls.keys },
      tlsKeyWait: this.tls?.wait,
    });
  }

  /** A captured frame (numbered by the caller, in arrival order). */
  pushFrame(frame: Frame): void {
    if (this.ended) return;
    this.counts.frames++;
    this.counts.bytes += frame.data.length;
    this.arrived(frame.sec + frame.nsec / 1e9);
    this.pipeline.push(frame);
  }

  /** A transport payload from a HEP collector. */
  pushPayload(p: Payload): void {
    if (this.ended) return;
    this.counts.payloads++;
    this.counts.bytes += p.bytes.length;
    this.arrived(p.ts);
    this.pipeline.pushPayload(p);
  }

  /** The wall clock moved: capture time follows it when no packet came (see the file comment). */
  tick(): void {
    if (this.ended || this.lastTs === Number.NEGATIVE_INFINITY) return;
    const est = this.lastTs + (this.clock() - this.lastWall) - this.idleLag;
    if (est > this.now) this.advance(est);
    // TLS connections whose key the key log now has go on (src/tls/key-wait.ts).
    if (this.tls !== null) this.pipeline.poll(this.now);
  }

  /**
   * End of input: every hot call is handed out, every stream finished (after
   * the calls, so that it names its setup's final call), pending rules
   * decide. Later pushes are ignored.
   */
  end(): void {
    if (this.ended) return;
    this.endStreams = [];
    this.pipeline.end(); // finishes the streams too
    this.correlator.end();
    const streams = this.endStreams;
    this.endStreams = null;
    for (const st of streams) this.stream(st);
    this.digits.end();
    this.analyzer.end();
    this.ended = true;
    this.txs.clear();
    this.dialogs.clear();
    this.streamCalls.clear();
    this.retiring.length = 0;
    this.retireHead = 0;
  }

  /**
   * The hot calls that messages touched since the last call, with their
   * state as of now (for batched UI updates), oldest call first. Costs a
   * look-up per touched call (not a pass over every hot call), so it can be
   * called a few times a second at any rate. The first call starts the
   * tracking (and returns nothing).
   */
  takeUpdatedCalls(): CallRecord[] {
    this.tracking = true;
    if (this.touched.size === 0) return [];
    const out: CallRecord[] = [];
    for (const id of [...this.touched].sort((a, b) => a - b)) {
      const rec = this.correlator.hotCall(id);
      if (rec !== undefined) out.push(rec);
    }
    this.touched.clear();
    return out;
  }

  /** Every hot call with its state as of now. */
  activeCalls(): CallRecord[] {
    return this.correlator.snapshot().calls;
  }

  stats(): LiveStats {
    const p = this.pipeline.stats;
    const a = this.analyzer.stats;
    const hot = this.correlator.hotStats();
    const k = this.counts;
    return {
      frames: k.frames,
      bytes: k.bytes,
      payloads: k.payloads,
      messages: p.sipMessages,
      requests: k.requests,
      responses: k.responses,
      retransmissions: k.retransmissions,
      malformed: k.malformed,
      notSip: p.notSip,
      decodeErrors: p.decodeErrors,
      calls: k.calls,
      callsByState: { ...this.callsByState },
      activeCalls: hot.calls,
      findings: a.findings,
      findingsByRule: { ...a.byRule },
      findingsBySeverity: { ...a.bySeverity },
      streams: k.streams,
      rtpPackets: this.media.rtpPackets,
      rtcpPackets: this.media.rtcpPackets,
      captureTime: Number.isFinite(this.now) ? this.now : null,
      tls: this.tlsStats(),
      hot: {
        ...hot,
        records: this.txs.size + this.dialogs.size,
        streams: this.media.activeStreams,
        sdpMessages: this.streamCalls.size,
        digits: this.digits.size,
      },
    };
  }

  /** SIP over TLS's counters (null: no TLS connection seen, unless `always` and the pipeline was given TLS keys). */
  tlsStats(always = false): LiveTlsStats | null {
    return liveTlsStats(this.pipeline.extractorStats, this.tls, always && this.tls !== null);
  }

  private arrived(ts: number): void {
    if (ts >= this.lastTs) {
      this.lastTs = ts;
      this.lastWall = this.clock();
    }
  }

  private message(msg: SipMessage, id: number): void {
    const ts = msg.source?.ts;
    if (ts !== undefined && ts > this.now) {
      this.now = ts;
      // SIP moves capture time too: streams that went quiet finish with no RTP datagram.
      this.media.advance(ts);
      this.retire();
    }
    const c = this.correlator.push(msg, id);
    // The tracker learnt its SDP already (sdpOf is memoised): it may set up streams.
    if (msg.body.length > 0 && sdpOf(msg) !== undefined) this.streamCalls.sdp(id, c.call);
    // Without `retain` the correlator answers lookups for the last message only: keep what the rules may ask later.
    const tx = this.correlator.transaction(c.transaction);
    if (tx !== undefined) this.txs.set(tx.id, tx);
    if (c.dialog !== null) {
      const d = this.correlator.dialog(c.dialog);
      if (d !== undefined) this.dialogs.set(d.id, d);
    }
    const k = this.counts;
    if (msg.kind === 'request') k.requests++;
    else k.responses++;
    if (c.retransmission) k.retransmissions++;
    if (msg.malformed) k.malformed++;
    if (this.tracking) {
      this.touched.add(c.call);
      if (c.touched !== undefined) for (const other of c.touched) this.touched.add(other);
    }
    this.analyzer.onMessage(msg, id, c);
    if (this.has('dtmf')) this.digits.message(id, msg, c);
    if (this.has('message')) this.emit('message', { id, msg, correlation: c });
  }

  private advance(ts: number): void {
    this.now = ts;
    this.correlator.advance(ts);
    this.media.advance(ts);
    this.analyzer.advance(ts);
    this.retire();
  }

  /** A finished RTP stream: its call (that of the message whose SDP set it up), out as an event, then to the rules. */
  private stream(st: RtpStreamRecord): void {
    if (this.endStreams !== null) {
      this.endStreams.push(st);
      return;
    }
    const call = this.streamCalls.callOf(st.setup);
    st.call = call;
    this.counts.streams++;
    this.emit('stream', st);
    if (this.has('dtmf')) this.digits.stream(st);
    this.analyzer.onStream(st, call);
  }

  private callFinal(call: CallRecord, detail: CallFinalDetail): void {
    const k = this.counts;
    k.calls++;
    this.callsByState[call.state] = (this.callsByState[call.state] ?? 0) + 1;
    this.touched.delete(call.id);
    for (const t of detail.transactions) this.analyzer.onTransactionFinal(t);
    for (const d of detail.dialogs) this.analyzer.onDialogFinal(d);
    this.analyzer.onCallFinal(call);
    const streams = this.streamCalls.handedOut(call, this.now);
    this.retiring.push([this.now, detail.transactions.map((t) => t.id), detail.dialogs.map((d) => d.id)]);
    this.emit('call', call, detail);
    // After the call: its digits go now when no stream can still name it.
    if (this.has('dtmf')) this.digits.handedOut(call, this.now, streams);
  }

  /** Forgets the records of calls handed out more than `retireAfter` ago (and the calls of SDP messages kept for streams). */
  private retire(): void {
    this.streamCalls.advance(this.now);
    this.digits.advance(this.now);
    const q = this.retiring;
    while (this.retireHead < q.length && q[this.retireHead][0] + this.retireAfter < this.now) {
      const [, txs, dialogs] = q[this.retireHead++];
      for (const id of txs) this.txs.delete(id);
      for (const id of dialogs) this.dialogs.delete(id);
    }
    if (this.retireHead > 1024 && this.retireHead * 2 > q.length) {
      q.splice(0, this.retireHead);
      this.retireHead = 0;
    }
  }
}

export function createLivePipeline(opts: LivePipelineOptions = {}): LivePipeline {
  return new LivePipeline(opts);
}
