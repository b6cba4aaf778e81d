/**
 * The decode stage: Frame in, transport payloads out (DESIGN.md "Data flow").
 *
 * Stateless layers are walked through the registries (registry.ts); the
 * stateful parts — IP fragment reassembly, TCP stream reassembly, SCTP
 * message reassembly — are bounded and keep the frame numbers the bytes came
 * from. Bad input never throws: it is counted in `stats` and described in
 * `issues` (a bounded list).
 *
 * Delivered `Payload.bytes` may be views into `frame.data` (UDP, in-order
 * TCP, unfragmented SCTP); a consumer that keeps bytes beyond the next `push`
 * must copy them if its frame source reuses buffers. Held bytes (fragments,
 * out-of-order segments) are always copied here.
 */
import type { Frame } from '../capture/frame.js';
import { ipv4ToString, ipv6ToString } from './address.js';
import { ETHERTYPE_IPV4, IPPROTO_UDP, LINKTYPE_ETHERNET } from './constants.js';
import { DecodeLog, type DecoderStats, emptyStats } from './decoder-stats.js';
import { decodeEthernet } from './ethernet.js';
import { type FragmentOptions, IpFragmentReassembler } from './ip-fragments.js';
import { decodeIpv4, isIpv4Fragment } from './ipv4.js';
import { decodeIpv6, walkIpv6Extensions } from './ipv6.js';
import { hex16, NEXT_NONE, u16, u32 } from './layer.js';
import type { DecodeIssue, Endpoint, Payload } from './payload.js';
import { ETHER_TYPES, IP_PROTOCOLS, LINK_TYPES, UDP_CARRIERS, UDP_TUNNELS } from './registry.js';
import { decodeSctp, type SctpChunk } from './sctp.js';
import { SctpReassembler, type SctpReassemblyOptions } from './sctp-reassembly.js';
import { decodeTcp } from './tcp.js';
import { TcpReassembler, type TcpReassemblyOptions } from './tcp-reassembly.js';
import { decodeUdp } from './udp.js';

export interface DecoderOptions {
  /** IP fragment reassembly bounds (defaults: 30 s, 16 MiB held, 65543-byte datagrams, 4096 in flight). */
  fragments?: FragmentOptions;
  /** TCP reassembly bounds (defaults: 65536 flows, 300 s idle, 256 KiB / 256 segments / 10 s per hole, 32 MiB held). */
  tcp?: TcpReassemblyOptions;
  /** SCTP reassembly bounds (defaults: 4096 flows, 256 KiB messages, 64 partials, 1024 TSNs remembered). */
  sctp?: SctpReassemblyOptions;
  /** Issues kept in `issues`; further ones are only counted (`stats.issuesDropped`). Default 1000. */
  maxIssues?: number;
  /** Nested layers followed in one frame before giving up (tunnel loops, crafted input). Default 24. */
  maxDepth?: number;
  /**
   * Told of every TCP segment decoded, with the frames that carried it (its
   * IP fragments'): what a call's pcap export keeps of a TLS connection
   * (capture/frame-export.ts); and with its sequence number, data (a view,
   * valid during the call) and time, what a merged capture's clocks are
   * measured from (capture/clock-segments.ts).
   */
  onTcpSegment?: (
    src: Endpoint,
    dst: Endpoint,
    frames: readonly number[],
    seq: number,
    data: Uint8Array,
    ts: number,
  ) => void;
  /**
   * Told of every SCTP DATA or I-DATA chunk with user data, before duplicate
   * TSNs are dropped, with the frames that carried it, its stream, TSN, data
   * (a view, valid during the call) and time: what a merged capture's clocks
   * are measured from (capture/clock-segments.ts).
   */
  onSctpChunk?: (
    src: Endpoint,
    dst: Endpoint,
    frames: readonly number[],
    stream: number,
    tsn: number,
    data: Uint8Array,
    ts: number,
  ) => void;
}

export interface PacketDecoder {
  /** Decode one frame; returns the payloads it completed (possibly none, possibly several). */
  push(frame: Frame): Payload[];
  /** End of input: releases held TCP data (holes skipped) and drops incomplete fragments. */
  flush(): Payload[];
  readonly stats: DecoderStats;
  readonly issues: DecodeIssue[];
}

export type { DecoderStats } from './decoder-stats.js';

export function createDecoder(opts: DecoderOptions = {}): PacketDecoder {
  return new Decoder(opts);
}

const ETHER = 0;
const IP = 1;
const V4_CACHE_MAX = 65536;
const RECENT_ENDPOINTS = 8;
/** The registries send Ethernet → IPv4 → UDP where `plainUdp4` expects them to. */
const PLAIN_UDP4 =
  LINK_TYPES.get(LINKTYPE_ETHERNET)?.decode === decodeEthernet &&
  ETHER_TYPES.get(ETHERTYPE_IPV4)?.kind === 'ipv4' &&
  IP_PROTOCOLS.get(IPPROTO_UDP)?.kind === 'udp';

class Decoder implements PacketDecoder {
  readonly stats: DecoderStats;
  private readonly log: DecodeLog;
  private readonly frags: IpFragmentReassembler;
  private readonly tcp: TcpReassembler;
  private readonly sctp: SctpReassembler;
  private readonly maxDepth: number;
  private readonly onTcpSegment: DecoderOptions['onTcpSegment'];
  private readonly onSctpChunk: DecoderOptions['onSctpChunk'];
  private readonly v4names = new Map<number, string>();
  /**
   * The last few IPv4 endpoints handed out, shared by the payloads that name
   * them again (a capture is mostly the same few address:port pairs back and
   * forth): one object instead of two per datagram. Endpoints are read-only.
   */
  private readonly recent: Array<{ a4: number; port: number; ep: Endpoint }> = [];
  private recentNext = 0;

  constructor(opts: DecoderOptions) {
    this.frags = new IpFragmentReassembler(opts.fragments);
    this.tcp = new TcpReassembler(opts.tcp);
    this.sctp = new SctpReassembler(opts.sctp);
    this.maxDepth = opts.maxDepth ?? 24;
    this.onTcpSegment = opts.onTcpSegment;
    this.onSctpChunk = opts.onSctpChunk;
    this.stats = emptyStats(this.frags.stats, this.tcp.stats, this.sctp.stats);
    this.log = new DecodeLog(this.stats, opts.maxIssues ?? 1000);
  }

  get issues(): DecodeIssue[] {
    return this.log.issues;
  }

  push(frame: Frame): Payload[] {
    const no = frame.no;
    const ts = frame.sec + frame.nsec / 1e9;
    this.stats.frames++;
    if (this.frags.pending > 0) {
      const issue = this.frags.expire(ts);
      if (issue !== undefined) this.log.report(no, 'ip-fragments', issue, false);
    }
    if (frame.linkType === LINKTYPE_ETHERNET && PLAIN_UDP4) {
      const p = this.plainUdp4(frame.data, no, ts);
      if (p !== null) {
        // A one-element literal: `[]` then push would reserve room for 17.
        this.sync(1);
        return [p];
      }
    }
    const out: Payload[] = [];
    this.layered(frame, no, ts, out);
    this.sync(out.length);
    return out;
  }

  /**
   * The usual frame of a SIP capture — Ethernet II, an unfragmented IPv4
   * packet whose lengths agree with the capture, a UDP datagram on a port
   * that is neither a tunnel nor a carrier — taken apart by offsets: the
   * payload `walk` would deliver for it, without its views and field objects
   * per layer. Null (nothing done) for any other frame, which `walk` takes.
   */
  private plainUdp4(d: Uint8Array, no: number, ts: number): Payload | null {
    // Ethernet II (IEEE 802.3 §3.2.6: Length/Type from 0x0600 is an EtherType) carrying IPv4.
    if (d.length < 14 + 20 + 8 || u16(d, 12) !== ETHERTYPE_IPV4) return null;
    // RFC 791 §3.1: version 4, IHL ≥ 5 words, Total Length within the capture (else walk reports it).
    const v = d[14];
    const hl = (v & 0x0f) * 4;
    const avail = d.length - 14;
    const total = u16(d, 16);
    if (v >>> 4 !== 4 || hl < 20 || total < hl + 8 || total > avail) return null;
    // Not a fragment (MF clear, offset 0), protocol UDP.
    if ((u16(d, 20) & 0x3fff) !== 0 || d[23] !== IPPROTO_UDP) return null;
    // RFC 768: Length counts the 8-byte header, within the IP payload.
    const u = 14 + hl;
    const len = u16(d, u + 4);
    if (len < 8 || len > total - hl) return null;
    const srcPort = u16(d, u);
    const dstPort = u16(d, u + 2);
    if (UDP_TUNNELS.has(dstPort) || UDP_TUNNELS.get(srcPort)?.eitherPort || UDP_CARRIERS.has(dstPort))
      return null;
    this.stats.decoded++;
    return {
      transport: 'udp',
      src: this.endpoint(false, u32(d, 26), null, srcPort),
      dst: this.endpoint(false, u32(d, 30), null, dstPort),
      bytes: d.subarray(u + 8, u + len),
      frame: no,
      frames: [no],
      ts,
    };
  }

  /** Any frame, layer by layer through the registries. */
  private layered(frame: Frame, no: number, ts: number, out: Payload[]): void {
    const link = LINK_TYPES.get(frame.linkType);
    if (link === undefined) {
      this.log.report(no, 'link', `unsupported link type ${frame.linkType}`, true);
    } else {
      const r = link.decode(frame.data, 0);
      if (this.log.check(no, link.name, r)) this.walk(no, ts, r.payload, r.next, out);
    }
  }

  flush(): Payload[] {
    const out: Payload[] = [];
    this.tcp.flush(out);
    this.sctp.flush();
    const dropped = this.frags.flush();
    if (dropped > 0)
      this.log.report(0, 'ip-fragments', `${dropped} incomplete IP datagram(s) at end of input`, false);
    this.sync(out.length);
    return out;
  }

  /** Follow the layers of one frame from a link-layer payload down to a transport. */
  private walk(no: number, ts: number, bytes: Uint8Array, type: number, out: Payload[]): void {
    let space = ETHER;
    let frames: number[] | null = null;
    let v6 = false;
    let src4 = 0;
    let dst4 = 0;
    let src6: Uint8Array | null = null;
    let dst6: Uint8Array | null = null;
    for (let depth = 0; depth < this.maxDepth; depth++) {
      if (space === ETHER) {
        const h = type === NEXT_NONE ? undefined : ETHER_TYPES.get(type);
        if (h === undefined) {
          this.log.ignore(type === NEXT_NONE ? 'non-ip' : `ethertype ${hex16(type)}`);
          return;
        }
        if (h.kind === 'layer') {
          const r = h.decode(bytes, 0);
          if (!this.log.check(no, h.name, r)) return;
          bytes = r.payload;
          type = r.next;
          continue;
        }
        if (h.kind === 'ipv4') {
          const r = decodeIpv4(bytes, 0);
          if (!this.log.check(no, 'ipv4', r)) return;
          const f = r.fields;
          v6 = false;
          src4 = f.src;
          dst4 = f.dst;
          if (isIpv4Fragment(f)) {
            this.stats.ipFragments++;
            const key = `4 ${f.src} ${f.dst} ${f.id} ${f.protocol}`;
            const res = this.frags.push(key, f.fragmentOffset, f.moreFragments, r.payload, no, ts, 'ipv4');
            if (res.issue !== undefined) this.log.report(no, 'ip-fragments', res.issue, false);
            if (res.done === undefined) {
              this.stats.decoded++;
              return;
            }
            this.stats.ipReassembled++;
            bytes = res.done.bytes;
            frames = mergeFrames(frames, res.done.frames);
          } else {
            bytes = r.payload;
          }
          type = f.protocol;
          space = IP;
          continue;
        }
        // IPv6
        const r = decodeIpv6(bytes, 0);
        if (!this.log.check(no, 'ipv6', r)) return;
        const f = r.fields;
        v6 = true;
        src6 = f.src;
        dst6 = f.dst;
        const frag = f.fragment;
        if (frag === undefined) {
          bytes = r.payload;
          type = f.protocol;
          space = IP;
          continue;
        }
        this.stats.ipFragments++;
        // RFC 8200 §4.5: fragments are reassembled by "Source Address, Destination Address, and Fragment Identification".
        const key = `6 ${ipv6ToString(f.src, 0)} ${ipv6ToString(f.dst, 0)} ${frag.id}`;
        const res = this.frags.push(key, frag.offset, frag.more, r.payload, no, ts, 'ipv6');
        if (res.issue !== undefined) this.log.report(no, 'ip-fragments', res.issue, false);
        if (res.done === undefined) {
          this.stats.decoded++;
          return;
        }
        this.stats.ipReassembled++;
        frames = mergeFrames(frames, res.done.frames);
        const whole = res.done.bytes;
        const walked = walkIpv6Extensions(whole, 0, frag.nextHeader, whole.length);
        if (typeof walked === 'string' || walked.fragment !== undefined) {
          this.log.report(
            no,
            'ipv6',
            typeof walked === 'string' ? walked : 'fragment header inside a reassembled datagram',
            true,
          );
          return;
        }
        bytes = whole.subarray(walked.offset);
        type = walked.protocol;
        space = IP;
        continue;
      }

      const h = IP_PROTOCOLS.get(type);
      if (h === undefined) {
        this.log.ignore(`ip protocol ${type}`);
        return;
      }
      switch (h.kind) {
        case 'ip':
          type = h.etherType;
          space = ETHER;
          continue;
        case 'layer': {
          const r = h.decode(bytes, 0);
          if (!this.log.check(no, h.name, r)) return;
          bytes = r.payload;
          type = r.next;
          space = ETHER;
          continue;
        }
        case 'terminal':
          if (h.decode !== undefined && !this.log.check(no, h.name, h.decode(bytes, 0))) return;
          this.log.ignore(h.name);
          return;
        case 'udp': {
          const r = decodeUdp(bytes, 0);
          if (!this.log.check(no, 'udp', r)) return;
          const { srcPort, dstPort } = r.fields;
          let tunnel = UDP_TUNNELS.get(dstPort);
          if (tunnel === undefined) {
            const t = UDP_TUNNELS.get(srcPort);
            if (t?.eitherPort) tunnel = t;
          }
          if (tunnel !== undefined) {
            const t = tunnel.decode(r.payload, 0);
            if (t.ok) {
              if (t.issue !== undefined) this.log.report(no, tunnel.name, t.issue, false);
              if (t.next === NEXT_NONE) {
                this.log.ignore(tunnel.name);
                return;
              }
              bytes = t.payload;
              type = t.next;
              space = ETHER;
              continue;
            }
            // Not the tunnel after all: an ordinary datagram on that port.
          }
          const carrier = UDP_CARRIERS.get(dstPort);
          if (carrier !== undefined) {
            const c = carrier.decode(r.payload, no, frames ?? [no], ts);
            if (c.kind === 'payload') {
              if (c.issue !== undefined) this.log.report(no, carrier.name, c.issue, false);
              this.stats.decoded++;
              out.push(c.payload);
              return;
            }
            if (c.kind === 'ignore') {
              this.log.ignore(carrier.name);
              return;
            }
            // Not the carrier: an ordinary datagram on that port.
          }
          this.stats.decoded++;
          out.push({
            transport: 'udp',
            src: this.endpoint(v6, src4, src6, srcPort),
            dst: this.endpoint(v6, dst4, dst6, dstPort),
            bytes: r.payload,
            frame: no,
            frames: frames ?? [no],
            ts,
          });
          return;
        }
        case 'tcp': {
          const r = decodeTcp(bytes, 0);
          if (!this.log.check(no, 'tcp', r)) return;
          const f = r.fields;
          this.stats.decoded++;
          const src = this.endpoint(v6, src4, src6, f.srcPort);
          const dst = this.endpoint(v6, dst4, dst6, f.dstPort);
          this.onTcpSegment?.(src, dst, frames ?? [no], f.seq, r.payload, ts);
          const gapBytes = this.tcp.stats.gapBytes;
          this.tcp.push(
            {
              key: `${src.ip} ${src.port} ${dst.ip} ${dst.port}`,
              src,
              dst,
              seq: f.seq,
              flags: f.flags,
              data: r.payload,
              frame: no,
              frames: frames ?? [no],
              ts,
            },
            out,
          );
          const skipped = this.tcp.stats.gapBytes - gapBytes;
          if (skipped > 0)
            this.log.report(
              no,
              'tcp',
              `${skipped} bytes never captured; TCP stream resumed after the hole`,
              false,
            );
          return;
        }
        case 'sctp': {
          const r = decodeSctp(bytes, 0);
          if (!this.log.check(no, 'sctp', r)) return;
          const f = r.fields;
          this.stats.decoded++;
          const src = this.endpoint(v6, src4, src6, f.srcPort);
          const dst = this.endpoint(v6, dst4, dst6, f.dstPort);
          // The verification tag names the association (RFC 9260 §8.5), so a new one on the same ports starts afresh.
          const key = `${src.ip} ${src.port} ${dst.ip} ${dst.port} ${f.verificationTag}`;
          if (this.onSctpChunk !== undefined)
            tellChunks(this.onSctpChunk, src, dst, f.chunks, frames ?? [no], ts);
          const issue = this.sctp.push(key, src, dst, f.chunks, frames ?? [no], ts, out);
          if (issue !== undefined) this.log.report(no, 'sctp', issue, false);
          return;
        }
      }
    }
    this.log.report(no, 'decoder', `more than ${this.maxDepth} nested layers`, true);
  }

  private endpoint(v6: boolean, a4: number, a6: Uint8Array | null, port: number): Endpoint {
    if (v6 && a6 !== null) return { ip: ipv6ToString(a6, 0), port };
    const r = this.recent;
    for (let k = 0; k < r.length; k++) {
      const e = r[k];
      if (e.a4 === a4 && e.port === port) return e.ep;
    }
    let ip = this.v4names.get(a4);
    if (ip === undefined) {
      if (this.v4names.size >= V4_CACHE_MAX) this.v4names.clear();
      ip = ipv4ToString(a4);
      this.v4names.set(a4, ip);
    }
    const ep = { ip, port };
    if (r.length < RECENT_ENDPOINTS) r.push({ a4, port, ep });
    else {
      const e = r[this.recentNext];
      e.a4 = a4;
      e.port = port;
      e.ep = ep;
      this.recentNext = (this.recentNext + 1) % RECENT_ENDPOINTS;
    }
    return ep;
  }

  private sync(delivered: number): void {
    const s = this.stats;
    s.payloads += delivered;
    s.fragmentSetsDropped = this.frags.stats.dropped;
    s.tcpGaps = this.tcp.stats.gaps;
    s.tcpRetransmissions = this.tcp.stats.retransmissions;
  }
}

/** Union of two ascending frame lists, ascending and without repeats. */
function mergeFrames(a: number[] | null, b: number[]): number[] {
  if (a === null) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

/** Each chunk of a packet with user data (DATA, I-DATA) to `tell`. */
function tellChunks(
  tell: NonNullable<DecoderOptions['onSctpChunk']>,
  src: Endpoint,
  dst: Endpoint,
  chunks: readonly SctpChunk[],
  frames: readonly number[],
  ts: number,
): void {
  for (const c of chunks)
    if (c.data !== undefined && c.tsn !== undefined && c.data.length > 0)
      tell(src, dst, frames, c.stream ?? 0, c.tsn, c.data, ts);
}
