/**
 * SCTP user messages from DATA chunks (RFC 9260 §6.9), per direction of an
 * association (the caller's key: source ip:port → destination ip:port and the
 * verification tag):
 * - an unfragmented chunk (B and E set) is one user message (a view);
 * - a fragmented message is reassembled when its fragments arrive in TSN
 *   order (first B, then consecutive TSNs up to E) — the simple case; a
 *   fragment out of that order drops the partial message (counted);
 * - a chunk whose TSN was seen recently (a transport retransmission) is not
 *   delivered twice;
 * - I-DATA (RFC 8260) is delivered only when unfragmented.
 */
import type { Endpoint, Payload } from './payload.js';
import { SCTP_DATA, type SctpChunk } from './sctp.js';

export interface SctpReassemblyOptions {
  /** Association directions tracked at once (least recently used evicted). Default 4096. */
  maxFlows?: number;
  /** Largest reassembled user message. Default 256 KiB. */
  maxMessageBytes?: number;
  /** Partial messages held per direction. Default 64. */
  maxPartials?: number;
  /** Recent TSNs remembered per direction for duplicate suppression. Default 1024. */
  dedupeWindow?: number;
}

export interface SctpStats {
  dataChunks: number;
  messages: number;
  duplicates: number;
  fragments: number;
  /** Partial messages dropped (out of order, too large, too many, evicted, end of input). */
  partialsDropped: number;
  /** Fragmented I-DATA chunks, which are not reassembled. */
  unsupported: number;
  flowsEvicted: number;
}

interface Partial {
  nextTsn: number;
  parts: Uint8Array[];
  bytes: number;
  frames: number[];
}

interface Flow {
  src: Endpoint;
  dst: Endpoint;
  recent: Set<number>;
  ring: number[];
  ringPos: number;
  partials: Map<string, Partial>;
}

export class SctpReassembler {
  readonly stats: SctpStats = {
    dataChunks: 0,
    messages: 0,
    duplicates: 0,
    fragments: 0,
    partialsDropped: 0,
    unsupported: 0,
    flowsEvicted: 0,
  };
  private readonly flows = new Map<string, Flow>();
  private readonly maxFlows: number;
  private readonly maxMessage: number;
  private readonly maxPartials: number;
  private readonly window: number;

  constructor(opts: SctpReassemblyOptions = {}) {
    this.maxFlows = opts.maxFlows ?? 4096;
    this.maxMessage = opts.maxMessageBytes ?? 256 * 1024;
    this.maxPartials = opts.maxPartials ?? 64;
    this.window = opts.dedupeWindow ?? 1024;
  }

  /**
   * Take the chunks of one packet; user messages are appended to `out`.
   * Returns an issue text when a partial message had to be dropped.
   */
  push(
    key: string,
    src: Endpoint,
    dst: Endpoint,
    chunks: readonly SctpChunk[],
    frames: number[],
    ts: number,
    out: Payload[],
  ): string | undefined {
    let flow: Flow | undefined;
    let issue: string | undefined;
    const frame = frames[frames.length - 1];
    for (const c of chunks) {
      if (c.data === undefined || c.tsn === undefined) continue;
      this.stats.dataChunks++;
      if (flow === undefined) flow = this.flow(key, src, dst);
      // RFC 9260 §6.2: "the data receiver MUST ... treat the DATA chunk as a duplicate" when its TSN was already received.
      if (flow.recent.has(c.tsn)) {
        this.stats.duplicates++;
        continue;
      }
      this.remember(flow, c.tsn);
      if (c.begin && c.end) {
        this.stats.messages++;
        out.push({ transport: 'sctp', src, dst, bytes: c.data, frame, frames, ts });
        continue;
      }
      this.stats.fragments++;
      if (c.type !== SCTP_DATA) {
        this.stats.unsupported++;
        issue = 'fragmented SCTP I-DATA chunk is not reassembled';
        continue;
      }
      const pk = `${c.unordered ? 'u' : 'o'}${c.stream}:${c.unordered ? '' : c.ssn}`;
      if (c.begin) {
        if (flow.partials.has(pk)) {
          this.stats.partialsDropped++;
          issue = 'SCTP message restarted before its last fragment; partial message dropped';
        } else if (flow.partials.size >= this.maxPartials) {
          this.stats.partialsDropped++;
          issue = 'too many partial SCTP messages; fragment dropped';
          continue;
        }
        flow.partials.set(pk, {
          nextTsn: (c.tsn + 1) >>> 0,
          parts: [c.data.slice()],
          bytes: c.data.length,
          frames: [...frames],
        });
        continue;
      }
      const p = flow.partials.get(pk);
      if (p === undefined || p.nextTsn !== c.tsn || p.bytes + c.data.length > this.maxMessage) {
        if (p !== undefined) flow.partials.delete(pk);
        this.stats.partialsDropped++;
        issue = 'SCTP fragment out of TSN order or message too large; partial message dropped';
        continue;
      }
      p.parts.push(c.data.slice());
      p.bytes += c.data.length;
      p.nextTsn = (c.tsn + 1) >>> 0;
      for (const f of frames) if (p.frames[p.frames.length - 1] !== f) p.frames.push(f);
      if (!c.end) continue;
      flow.partials.delete(pk);
      const bytes = new Uint8Array(p.bytes);
      let o = 0;
      for (const part of p.parts) {
        bytes.set(part, o);
        o += part.length;
      }
      this.stats.messages++;
      out.push({ transport: 'sctp', src, dst, bytes, frame, frames: p.frames, ts });
    }
    return issue;
  }

  /** End of input: partial messages are dropped (and counted). */
  flush(): void {
    for (const f of this.flows.values()) this.stats.partialsDropped += f.partials.size;
    this.flows.clear();
  }

  private flow(key: string, src: Endpoint, dst: Endpoint): Flow {
    let flow = this.flows.get(key);
    if (flow !== undefined) {
      this.flows.delete(key);
      this.flows.set(key, flow);
      return flow;
    }
    flow = { src, dst, recent: new Set(), ring: [], ringPos: 0, partials: new Map() };
    this.flows.set(key, flow);
    if (this.flows.size > this.maxFlows) {
      for (const [k, f] of this.flows) {
        this.stats.partialsDropped += f.partials.size;
        this.stats.flowsEvicted++;
        this.flows.delete(k);
        break;
      }
    }
    return flow;
  }

  private remember(flow: Flow, tsn: number): void {
    if (flow.ring.length < this.window) flow.ring.push(tsn);
    else {
      flow.recent.delete(flow.ring[flow.ringPos]);
      flow.ring[flow.ringPos] = tsn;
      flow.ringPos = (flow.ringPos + 1) % this.window;
    }
    flow.recent.add(tsn);
  }
}
