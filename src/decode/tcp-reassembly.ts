/**
 * TCP stream reassembly, one direction of a connection at a time
 * (flow key: source ip:port → destination ip:port).
 *
 * What it guarantees to the SIP framer:
 * - bytes come out in stream order, each byte at most once: a retransmitted
 *   or overlapping segment contributes only the bytes not delivered yet;
 * - a segment that arrives ahead of a hole is held (copied) until the hole
 *   fills, then released, one Payload per original segment, each with its
 *   own frame and time;
 * - a hole that does not fill (too many bytes or segments held, held too long
 *   in capture time, FIN/RST, flow evicted, end of input) is skipped: what
 *   follows is delivered with `gap: true` so the framer resynchronises;
 * - a connection first seen without its SYN starts at the first segment seen,
 *   and its first chunk carries `gap: true`;
 * - segments without data deliver nothing, except that the end of a stream
 *   (FIN, or RST) is signalled once with `fin: true` — on the last chunk
 *   released, or on an empty chunk when the FIN came alone;
 * - sequence numbers are compared modulo 2^32 (RFC 9293 §3.4), so streams
 *   that wrap around are followed;
 * - flows are bounded (least recently used evicted past `maxFlows`, idle ones
 *   after `idleTimeoutSeconds` of capture time), and so are held bytes.
 */
import type { Endpoint, Payload } from './payload.js';
import { TCP_FIN, TCP_RST, TCP_SYN } from './tcp.js';

export interface TcpReassemblyOptions {
  /** Flow directions tracked at once; the least recently used is evicted past this. Default 65536. */
  maxFlows?: number;
  /** A flow direction without segments for this long (capture time) is forgotten. Default 300 s. */
  idleTimeoutSeconds?: number;
  /** Out-of-order bytes held per flow direction before the hole is skipped. Default 256 KiB. */
  maxHeldBytes?: number;
  /** Out-of-order segments held per flow direction before the hole is skipped. Default 256. */
  maxHeldSegments?: number;
  /** A hole older than this (capture time) is skipped. Default 10 s. */
  maxGapSeconds?: number;
  /** Out-of-order bytes held across all flows before holes are skipped. Default 32 MiB. */
  maxTotalHeldBytes?: number;
}

export interface TcpSegment {
  key: string;
  src: Endpoint;
  dst: Endpoint;
  seq: number;
  flags: number;
  /** Segment data (a view; copied only when it has to be held). */
  data: Uint8Array;
  frame: number;
  frames: number[];
  ts: number;
}

export interface TcpStats {
  segments: number;
  /** Flow directions currently tracked. */
  flows: number;
  flowsCreated: number;
  flowsEvicted: number;
  /** Flows first seen without a SYN. */
  midstreamStarts: number;
  /** Segments whose bytes had all been delivered already. */
  retransmissions: number;
  /** Segments partly overlapping bytes already delivered (the overlap is dropped). */
  overlaps: number;
  /** Segments held because they arrived ahead of a hole. */
  outOfOrder: number;
  /** Holes skipped (bytes never seen). */
  gaps: number;
  gapBytes: number;
  heldBytes: number;
  bytesDelivered: number;
}

interface Held {
  seq: number;
  data: Uint8Array;
  frame: number;
  frames: number[];
  ts: number;
}

interface Flow {
  src: Endpoint;
  dst: Endpoint;
  started: boolean;
  synSeen: boolean;
  isn: number;
  /** Next sequence number expected (unsigned 32-bit). */
  nextSeq: number;
  /** The next delivered chunk has bytes missing before it. */
  gap: boolean;
  /** Sequence number of the FIN, -1 until one is seen. */
  finSeq: number;
  /** The close (FIN/RST) has been signalled with `fin: true`. */
  finSignalled: boolean;
  /** Some bytes were delivered on this flow since its SYN (or first segment). */
  delivered: boolean;
  /** Sorted by sequence (relative to nextSeq). */
  held: Held[];
  heldBytes: number;
  /** Capture time the oldest hole appeared. */
  gapSince: number;
  lastTs: number;
}

/** Signed distance a - b in sequence space (RFC 9293 §3.4: arithmetic modulo 2^32). */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpReassembler {
  readonly stats: TcpStats = {
    segments: 0,
    flows: 0,
    flowsCreated: 0,
    flowsEvicted: 0,
    midstreamStarts: 0,
    retransmissions: 0,
    overlaps: 0,
    outOfOrder: 0,
    gaps: 0,
    gapBytes: 0,
    heldBytes: 0,
    bytesDelivered: 0,
  };
  private readonly flows = new Map<string, Flow>();
  /** Flows that hold out-of-order data (checked for stale holes on every sweep). */
  private readonly holding = new Set<Flow>();
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly maxFlows: number;
  private readonly idleTimeout: number;
  private readonly maxHeldBytes: number;
  private readonly maxHeldSegments: number;
  private readonly maxGap: number;
  private readonly maxTotalHeld: number;

  constructor(opts: TcpReassemblyOptions = {}) {
    this.maxFlows = opts.maxFlows ?? 65536;
    this.idleTimeout = opts.idleTimeoutSeconds ?? 300;
    this.maxHeldBytes = opts.maxHeldBytes ?? 256 * 1024;
    this.maxHeldSegments = opts.maxHeldSegments ?? 256;
    this.maxGap = opts.maxGapSeconds ?? 10;
    this.maxTotalHeld = opts.maxTotalHeldBytes ?? 32 * 1024 * 1024;
  }

  /** Take one segment; the payloads it releases are appended to `out`. */
  push(seg: TcpSegment, out: Payload[]): void {
    this.stats.segments++;
    if (seg.ts - this.lastSweep >= 1 || seg.ts < this.lastSweep) this.sweep(seg.ts, out);
    let flow = this.flows.get(seg.key);
    if (flow === undefined) {
      flow = {
        src: seg.src,
        dst: seg.dst,
        started: false,
        synSeen: false,
        isn: 0,
        nextSeq: 0,
        gap: false,
        finSeq: -1,
        finSignalled: false,
        delivered: false,
        held: [],
        heldBytes: 0,
        gapSince: 0,
        lastTs: seg.ts,
      };
      this.flows.set(seg.key, flow);
      this.stats.flowsCreated++;
      if (this.flows.size > this.maxFlows) this.evictOldest(out);
    } else {
      // Move to the end: Map order is least recently used first.
      this.flows.delete(seg.key);
      this.flows.set(seg.key, flow);
    }
    this.stats.flows = this.flows.size;
    flow.lastTs = seg.ts;
    const flags = seg.flags;
    let seq = seg.seq;

    if (flags & TCP_SYN) {
      // RFC 9293 §3.4: "the SYN is considered to occur before the first actual
      // data octet of the segment in which it occurs" — data starts at ISN+1.
      // A SYN with another ISN on a known flow is a new connection (port reuse).
      if (!(flow.synSeen && flow.isn === seq)) {
        if (flow.held.length > 0) this.skipAll(flow, out);
        flow.synSeen = true;
        flow.isn = seq;
        flow.nextSeq = (seq + 1) >>> 0;
        flow.started = true;
        flow.gap = false;
        flow.finSeq = -1;
        flow.finSignalled = false;
        flow.delivered = false;
      }
      seq = (seq + 1) >>> 0;
    } else if (!flow.started) {
      flow.started = true;
      flow.nextSeq = seq;
      flow.gap = true;
      this.stats.midstreamStarts++;
    }

    const before = out.length;
    if (flags & TCP_RST) {
      // RFC 9293 §3.10.7: a reset ends the connection; whatever is held cannot be completed.
      if (flow.held.length > 0) this.skipAll(flow, out);
      this.signalFin(flow, seg, out, before);
      return;
    }
    const len = seg.data.length;
    if (flags & TCP_FIN) flow.finSeq = (seq + len) >>> 0;
    if (len > 0) {
      const rel = seqDiff(seq, flow.nextSeq);
      if (rel + len <= 0) {
        this.stats.retransmissions++;
      } else if (rel <= 0) {
        if (rel < 0) this.stats.overlaps++;
        this.deliver(flow, seg.data.subarray(-rel), seg.frame, seg.frames, seg.ts, out);
        this.drain(flow, out);
      } else {
        this.hold(flow, seq, seg);
        this.enforceBounds(flow, seg.ts, out);
      }
    } else if (flow.held.length > 0) {
      this.enforceBounds(flow, seg.ts, out);
    }
    if (flow.finSeq >= 0) {
      // A FIN means no more data will come: a hole before it is not going to fill.
      if (flow.held.length > 0) this.skipAll(flow, out);
      if (seqDiff(flow.nextSeq, flow.finSeq) >= 0) this.signalFin(flow, seg, out, before);
    }
  }

  /** End of input: release everything held, holes skipped. */
  flush(out: Payload[]): void {
    for (const flow of this.flows.values()) if (flow.held.length > 0) this.skipAll(flow, out);
    this.flows.clear();
    this.holding.clear();
    this.stats.flows = 0;
    this.stats.heldBytes = 0;
  }

  /**
   * Tell the consumer the stream ended, once per connection: `fin: true` on
   * the last chunk this segment released, or, when the FIN/RST came without
   * data, on an empty chunk — only if the flow ever delivered bytes, so the
   * framer can drop what it buffered for it. Retransmitted FINs say nothing.
   */
  private signalFin(flow: Flow, seg: TcpSegment, out: Payload[], from: number): void {
    if (flow.finSignalled) return;
    flow.finSignalled = true;
    for (let i = out.length - 1; i >= from; i--) {
      if (out[i].src === flow.src && out[i].dst === flow.dst) {
        out[i].fin = true;
        return;
      }
    }
    if (!flow.delivered) return;
    out.push({
      transport: 'tcp',
      src: flow.src,
      dst: flow.dst,
      bytes: seg.data.subarray(0, 0),
      frame: seg.frame,
      frames: seg.frames,
      ts: seg.ts,
      fin: true,
    });
  }

  private deliver(
    flow: Flow,
    bytes: Uint8Array,
    frame: number,
    frames: number[],
    ts: number,
    out: Payload[],
  ): void {
    const p: Payload = { transport: 'tcp', src: flow.src, dst: flow.dst, bytes, frame, frames, ts };
    if (flow.gap) {
      p.gap = true;
      flow.gap = false;
    }
    out.push(p);
    flow.delivered = true;
    flow.nextSeq = (flow.nextSeq + bytes.length) >>> 0;
    this.stats.bytesDelivered += bytes.length;
  }

  private hold(flow: Flow, seq: number, seg: TcpSegment): void {
    this.stats.outOfOrder++;
    const held = flow.held;
    const rel = seqDiff(seq, flow.nextSeq);
    let i = held.length;
    while (i > 0 && seqDiff(held[i - 1].seq, flow.nextSeq) > rel) i--;
    if (held.length === 0) {
      flow.gapSince = seg.ts;
      this.holding.add(flow);
    }
    held.splice(i, 0, { seq, data: seg.data.slice(), frame: seg.frame, frames: seg.frames, ts: seg.ts });
    flow.heldBytes += seg.data.length;
    this.stats.heldBytes += seg.data.length;
  }

  /** Release held segments that are now in order. */
  private drain(flow: Flow, out: Payload[]): void {
    const held = flow.held;
    let n = 0;
    while (n < held.length) {
      const h = held[n];
      const rel = seqDiff(h.seq, flow.nextSeq);
      if (rel > 0) break;
      n++;
      flow.heldBytes -= h.data.length;
      this.stats.heldBytes -= h.data.length;
      if (rel + h.data.length <= 0) {
        this.stats.retransmissions++;
        continue;
      }
      if (rel < 0) this.stats.overlaps++;
      this.deliver(flow, h.data.subarray(-rel), h.frame, h.frames, h.ts, out);
    }
    if (n > 0) held.splice(0, n);
    if (held.length > 0) flow.gapSince = held[0].ts;
    else this.holding.delete(flow);
  }

  /** Skip the first hole: jump to the first held segment and release what follows it in order. */
  private skipGap(flow: Flow, out: Payload[]): void {
    const first = flow.held[0];
    this.stats.gaps++;
    this.stats.gapBytes += seqDiff(first.seq, flow.nextSeq);
    flow.nextSeq = first.seq;
    flow.gap = true;
    this.drain(flow, out);
  }

  private skipAll(flow: Flow, out: Payload[]): void {
    while (flow.held.length > 0) this.skipGap(flow, out);
  }

  private enforceBounds(flow: Flow, now: number, out: Payload[]): void {
    while (
      flow.held.length > 0 &&
      (flow.heldBytes > this.maxHeldBytes ||
        flow.held.length > this.maxHeldSegments ||
        now - flow.gapSince > this.maxGap ||
        this.stats.heldBytes > this.maxTotalHeld)
    ) {
      this.skipGap(flow, out);
    }
    if (this.stats.heldBytes > this.maxTotalHeld) {
      for (const other of this.flows.values()) {
        if (this.stats.heldBytes <= this.maxTotalHeld) break;
        if (other.held.length > 0) this.skipAll(other, out);
      }
    }
  }

  /**
   * At most once a second of capture time: forget idle flows (oldest first in
   * Map order) and skip holes that have been open too long, so a quiet flow
   * does not keep its data back forever.
   */
  private sweep(now: number, out: Payload[]): void {
    this.lastSweep = now;
    for (const [key, flow] of this.flows) {
      if (now - flow.lastTs <= this.idleTimeout) break;
      this.evict(key, flow, out);
    }
    for (const flow of this.holding) if (now - flow.gapSince > this.maxGap) this.skipAll(flow, out);
  }

  private evictOldest(out: Payload[]): void {
    for (const [key, flow] of this.flows) {
      this.evict(key, flow, out);
      return;
    }
  }

  private evict(key: string, flow: Flow, out: Payload[]): void {
    if (flow.held.length > 0) this.skipAll(flow, out);
    this.flows.delete(key);
    this.stats.flowsEvicted++;
    this.stats.flows = this.flows.size;
  }
}
