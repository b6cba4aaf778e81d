/**
 * The HEP collector: listens on UDP and TCP (the same port number, 9060 by
 * convention) for HEP v3 — and v1/v2 on UDP — from heplify, Kamailio and
 * OpenSIPS `siptrace`, FreeSWITCH, Asterisk `res_hep` or `sngrep -H`, and
 * hands out each carried SIP message as a transport `Payload`, ready for
 * `Pipeline.pushPayload` (src/pipeline.ts).
 *
 * A thin Node adapter (DESIGN.md convention 10): the bytes are decoded by
 * src/decode/hep.ts. Bad packets are counted by reason and never crash the
 * collector; with `authKey` set, packets without that key (HEP3 chunk
 * 0x000e) are dropped and counted. TCP connections are bounded in number and
 * each holds at most one partial packet (hep-stream.ts).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { decodeHep, hepNotSip, hepToPayload } from '../decode/hep.js';
import type { Payload } from '../decode/payload.js';
import { createHepStreamFramer } from './hep-stream.js';

export interface HepCollectorOptions {
  /** Port for both UDP and TCP; 0 picks free ports (see `addresses()`). */
  port: number;
  /** Address to listen on (default `::`, both IPv6 and IPv4 where the host allows, else `0.0.0.0`). */
  host?: string;
  /** Listen on UDP (default true). */
  udp?: boolean;
  /** Listen on TCP (default true). */
  tcp?: boolean;
  /** Required HEP3 authentication key (chunk 0x000e); default none (every packet taken). */
  authKey?: string;
  /** TCP connections accepted at once (default 256); more are refused and counted. */
  maxConnections?: number;
  /** UDP receive buffer asked of the kernel, bytes (default 4 MiB). */
  receiveBuffer?: number;
  /** Wall clock in seconds, for packets without a timestamp (default `Date.now() / 1000`). */
  clock?: () => number;
}

export interface HepCollectorStats {
  /** HEP packets received (UDP datagrams and TCP-framed packets). */
  packets: number;
  bytes: number;
  udpPackets: number;
  tcpPackets: number;
  /** SIP payloads handed out. */
  sip: number;
  /** Decoded packets of another protocol type (RTCP, logs, …) or without what SIP needs. */
  ignored: number;
  /** Packets that did not decode (truncated, garbage, TCP streams that are not HEP3). */
  bad: number;
  /** Packets dropped for a missing or wrong authentication key. */
  authFailed: number;
  tcpConnections: number;
  tcpRefused: number;
  /** Counts per reason of `bad` and `ignored` (bounded: at most 64 distinct reasons, the rest under `other`). */
  reasons: Record<string, number>;
}

export interface HepCollectorEvents {
  payload: [Payload];
  /** A listener failed after start (the collector goes on with the other one). */
  error: [Error];
}

export interface HepCollector extends EventEmitter<HepCollectorEvents> {
  /** Binds the listeners; rejects with one clear line when a port cannot be had. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Ports actually bound (useful with port 0). */
  addresses(): { udp: number | null; tcp: number | null };
  readonly stats: HepCollectorStats;
  /** The last listener failure after start (also kept when nobody listens for `error`). */
  readonly lastError: Error | null;
}

const MAX_REASONS = 64;

export function createHepCollector(opts: HepCollectorOptions): HepCollector {
  return new Collector(opts);
}

class Collector extends EventEmitter<HepCollectorEvents> implements HepCollector {
  readonly stats: HepCollectorStats = {
    packets: 0,
    bytes: 0,
    udpPackets: 0,
    tcpPackets: 0,
    sip: 0,
    ignored: 0,
    bad: 0,
    authFailed: 0,
    tcpConnections: 0,
    tcpRefused: 0,
    reasons: {},
  };
  lastError: Error | null = null;
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  private readonly conns = new Set<Socket>();
  private readonly key: string | null;
  private readonly clock: () => number;
  private frameNo = 0;

  constructor(private readonly opts: HepCollectorOptions) {
    super();
    // Compared byte for byte: the packet's key is read as latin1 (one char per byte) of its bytes.
    this.key = opts.authKey === undefined ? null : Buffer.from(opts.authKey, 'utf8').toString('latin1');
    this.clock = opts.clock ?? (() => Date.now() / 1000);
  }

  async start(): Promise<void> {
    const { port } = this.opts;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`HEP port ${port} is not a port number`);
    try {
      if (this.opts.udp !== false) this.udp = await this.bindUdp();
      if (this.opts.tcp !== false) this.tcp = await this.bindTcp();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    if (udp !== null) await new Promise<void>((r) => udp.close(() => r()));
    if (tcp !== null) await new Promise<void>((r) => tcp.close(() => r()));
  }

  addresses(): { udp: number | null; tcp: number | null } {
    const t = this.tcp?.address();
    return {
      udp: this.udp !== null ? this.udp.address().port : null,
      tcp: t !== null && typeof t === 'object' ? t.port : null,
    };
  }

  /** One HEP packet from either listener. */
  packet(bytes: Uint8Array, via: 'udp' | 'tcp'): void {
    const s = this.stats;
    s.packets++;
    s.bytes += bytes.length;
    if (via === 'udp') s.udpPackets++;
    else s.tcpPackets++;
    const r = decodeHep(bytes, 0);
    if (!r.ok) {
      s.bad++;
      this.reason(r.issue);
      return;
    }
    const f = r.fields;
    if (this.key !== null && (f.authKey === null || !sameKey(f.authKey, this.key))) {
      s.authFailed++;
      return;
    }
    const no = ++this.frameNo;
    const p = hepToPayload(f, r.payload, no, [no], this.clock());
    if (p === undefined) {
      s.ignored++;
      this.reason(hepNotSip(f) ?? 'not SIP');
      return;
    }
    s.sip++;
    this.emit('payload', p);
  }

  private fail(e: Error): void {
    this.lastError = e;
    // An 'error' event nobody listens to would throw: the failure is kept in `lastError` then.
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  private reason(text: string): void {
    // Reasons name byte counts and offsets: keep the shape, not every number.
    const key = text.replace(/\b\d+\b/g, 'N');
    const r = this.stats.reasons;
    if (r[key] !== undefined || Object.keys(r).length < MAX_REASONS) r[key] = (r[key] ?? 0) + 1;
    else r.other = (r.other ?? 0) + 1;
  }

  private bindUdp(): Promise<UdpSocket> {
    const host = this.opts.host;
    const six = host === undefined || isIPv6(host);
    return new Promise((resolve, reject) => {
      const sock = createSocket({ type: six ? 'udp6' : 'udp4', reuseAddr: false });
      const fail = (e: NodeJS.ErrnoException) => {
        sock.close();
        // No IPv6 on this host: the IPv4 wildcard does.
        if (host === undefined && (e.code === 'EAFNOSUPPORT' || e.code === 'EADDRNOTAVAIL')) {
          const v4 = createSocket('udp4');
          v4.once('error', (e4: NodeJS.ErrnoException) => reject(bindError(e4, 'UDP', this.opts.port)));
          v4.bind(this.opts.port, '0.0.0.0', () => resolve(this.wireUdp(v4)));
          return;
        }
        reject(bindError(e, 'UDP', this.opts.port));
      };
      sock.once('error', fail);
      sock.bind({ port: this.opts.port, address: host ?? '::', exclusive: true }, () => {
        sock.off('error', fail);
        resolve(this.wireUdp(sock));
      });
    });
  }

  private wireUdp(sock: UdpSocket): UdpSocket {
    try {
      sock.setRecvBufferSize(this.opts.receiveBuffer ?? 4 * 1024 * 1024);
    } catch {
      // The kernel may cap it (net.core.rmem_max): the default buffer still works.
    }
    sock.on('message', (msg) => this.packet(msg, 'udp'));
    sock.on('error', (e) => this.fail(e));
    return sock;
  }

  private bindTcp(): Promise<Server> {
    const max = this.opts.maxConnections ?? 256;
    const server = createServer((c) => {
      if (this.conns.size >= max) {
        this.stats.tcpRefused++;
        c.destroy();
        return;
      }
      this.stats.tcpConnections++;
      this.conns.add(c);
      const framer = createHepStreamFramer();
      c.on('data', (chunk) => {
        const pkts = framer.push(chunk);
        for (let i = 0; i < pkts.length; i++) this.packet(pkts[i], 'tcp');
        if (framer.error !== undefined) {
          this.stats.bad++;
          this.reason(framer.error);
          c.destroy();
        }
      });
      c.on('error', () => c.destroy());
      c.on('close', () => this.conns.delete(c));
    });
    const host = this.opts.host;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(bindError(e, 'TCP', this.opts.port)));
      server.listen({ port: this.opts.port, host, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', (e) => this.fail(e));
        resolve(server);
      });
    });
  }
}

function sameKey(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

function bindError(e: NodeJS.ErrnoException, proto: string, port: number): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return new Error(`HEP ${proto} port ${port} is already in use`);
    case 'EACCES':
    case 'EPERM':
      return new Error(`HEP ${proto} port ${port}: permission denied (ports below 1024 need privileges)`);
    default:
      return new Error(`HEP ${proto} port ${port}: ${e.message}`);
  }
}
