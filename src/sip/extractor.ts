/**
 * From transport payloads to framed SIP messages: the layer between the
 * decode stage (`Payload`) and the SIP parser.
 *
 * - UDP and SCTP: one payload is one message (a UDP datagram, RFC 3261
 *   §18.3; an SCTP user message, RFC 4168), kept when it begins with a SIP
 *   start line.
 * - TCP: each direction is classified by its content, not its port: SIP
 *   (framed by Content-Length), WebSocket after an HTTP Upgrade (RFC 7118), TLS
 *   (decrypted with a key log when it has the connection's secrets, then
 *   framed as SIP with transport `tls`; see src/tls/session.ts), or something
 *   else (HTTP, …) that yields nothing.
 *
 * Flow state is bounded (number of directions, idle eviction by capture time)
 * and every drop is counted in `stats`.
 */
import type { Payload } from '../decode/payload.js';
import type { TlsKeyLog } from '../tls/keylog.js';
import { looksLikeTlsRecord } from '../tls/record.js';
import { newTlsStats, TlsConnection, TlsDirection, type TlsStats } from '../tls/session.js';
import { copyBytes } from './byte-pool.js';
import { ChunkBuffer } from './chunk-buffer.js';
import {
  findHeaderEnd,
  isTokenByte,
  MAX_START_LINE,
  matchSipStartLine,
  START_LINE_NEED_MORE,
  sipMessageStart,
} from './sniff.js';
import {
  DEFAULT_GIVE_UP_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  type FramedMessage,
  type FramingStats,
  newFramingStats,
  StreamFramer,
} from './stream-framer.js';
import { newWsStats, sniffWsFrame, WsFramer, type WsStats } from './websocket.js';

export type { FramedMessage } from './stream-framer.js';

export interface ExtractorOptions {
  /** Largest SIP / WebSocket message kept (default 1 MiB). */
  maxMessageBytes?: number;
  /** Largest SIP or HTTP header block waited for (default 64 KiB). */
  maxHeaderBytes?: number;
  /** Bytes a TCP direction may hold without any SIP start line before it is ignored (default 64 KiB). */
  giveUpBytes?: number;
  /** TCP directions tracked at once; the oldest is evicted beyond this (default 20,000). */
  maxFlows?: number;
  /** A TCP direction silent for this long (capture time, seconds) is evicted (default 300). */
  idleSeconds?: number;
  /**
   * A UDP/SCTP message as a view of its payload's bytes rather than a copy
   * (default false). For a consumer that keeps no message past its handling
   * and a frame source that never reuses its buffers (openCapture reads each
   * chunk into a fresh one): a kept view would pin the whole read chunk.
   * Stream messages are always copied (their buffer is reused).
   */
  datagramViews?: boolean;
  /**
   * Secrets to decrypt SIP over TLS with (NSS key log). Without it (the
   * default) TLS connections are still followed to their ServerHello and
   * counted in `tlsNoKey`.
   */
  tlsKeys?: TlsKeyLog;
}

export interface ExtractorStats extends FramingStats, WsStats, TlsStats {
  /** Messages handed out per transport. */
  udp: number;
  tcp: number;
  tls: number;
  sctp: number;
  ws: number;
  /** UDP/SCTP payloads that were neither SIP nor a keep-alive. */
  notSipDatagrams: number;
  /** TCP directions tracked now. */
  flows: number;
  flowsCreated: number;
  /** Directions evicted: idle, or to make room. */
  flowsEvictedIdle: number;
  flowsEvictedFull: number;
  /** Directions found to carry something else than SIP (HTTP, TLS, …). */
  flowsNotSip: number;
  /** Directions switched to WebSocket framing. */
  flowsWebSocket: number;
}

export interface SipExtractor {
  /** Takes one payload; returns the messages it completed (possibly from evicted flows too). */
  push(p: Payload): FramedMessage[];
  /** End of input: hands out what the flows can still complete and forgets them. */
  flush(): FramedMessage[];
  readonly stats: ExtractorStats;
}

/** What the first bytes of a TCP direction say about HTTP (RFC 6455 §4 handshake). */
export type HttpHeadKind = 'need-more' | 'not-http' | 'http' | 'ws-upgrade' | 'ws-accept';

export interface HttpHead {
  kind: HttpHeadKind;
  /** Index after the blank line ending the HTTP header block (when kind is http / ws-*). */
  end: number;
  /** `Sec-WebSocket-Protocol` names `sip` (RFC 7118 §4). */
  sipProtocol: boolean;
}

/** SIP over TLS's port (RFC 3261 §26.2): a connection not decrypted there is worth a warning. */
const SIPS_PORT = 5061;
const LATIN1 = new TextDecoder('latin1');
const HTTP_REQUEST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ +\S+ +HTTP\/\d\.\d *\r?$/;
const HTTP_RESPONSE = /^HTTP\/\d\.\d +(\d{3})(?:[ \r]|$)/;
const UPGRADE_WEBSOCKET = /^upgrade[ \t]*:[^\n]*\bwebsocket\b/im;
const PROTOCOL_SIP = /^sec-websocket-protocol[ \t]*:[^\n]*\bsip\b/im;

/**
 * Recognises an HTTP request or response head at `b[i..e)`.
 *
 * RFC 6455 §4.1: the opening handshake is an HTTP/1.1 GET request that
 * "MUST contain an |Upgrade| header field whose value MUST include the
 * "websocket" keyword"; RFC 6455 §4.2.2: the server accepts with
 * "HTTP/1.1 101 Switching Protocols". RFC 7118 §4: the client includes "sip"
 * in Sec-WebSocket-Protocol. After the blank line both directions carry
 * WebSocket frames.
 *
 * Called once per flow direction (strings are fine here).
 */
export function sniffHttpHead(
  b: Uint8Array,
  i: number,
  e: number,
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
): HttpHead {
  const res: HttpHead = { kind: 'not-http', end: i, sipProtocol: false };
  const lf = b.indexOf(10, i);
  if (lf < 0 || lf >= e) {
    if (e - i < MAX_START_LINE && plausibleHttpPrefix(b, i, e)) res.kind = 'need-more';
    return res;
  }
  const line = LATIN1.decode(b.subarray(i, lf));
  const resp = HTTP_RESPONSE.exec(line);
  if (resp === null && !HTTP_REQUEST.test(line)) return res;
  const hend = findHeaderEnd(b, lf, e);
  if (hend < 0) {
    if (e - i > maxHeaderBytes) {
      res.kind = 'http';
      res.end = e;
    } else res.kind = 'need-more';
    return res;
  }
  res.end = hend;
  const headers = LATIN1.decode(b.subarray(lf + 1, hend));
  res.sipProtocol = PROTOCOL_SIP.test(headers);
  if (resp !== null) res.kind = resp[1] === '101' ? 'ws-accept' : 'http';
  else res.kind = line.startsWith('GET ') && UPGRADE_WEBSOCKET.test(headers) ? 'ws-upgrade' : 'http';
  return res;
}

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];

function plausibleHttpPrefix(b: Uint8Array, i: number, e: number): boolean {
  let k = 0;
  while (k < HTTP_SLASH.length && i + k < e && b[i + k] === HTTP_SLASH[k]) k++;
  if (i + k === e) return true; // a prefix of "HTTP/"
  // method SP target ... (no line end yet)
  let j = i;
  while (j < e && isTokenByte(b[j])) j++;
  if (j === i) return false;
  for (; j < e; j++) if (b[j] < 0x20 && b[j] !== 13) return false;
  return true;
}

const DETECT = 0;
const SIP = 1;
const WS = 2;
const OTHER = 3;
const TLS = 4;

interface Direction {
  mode: number;
  cb: ChunkBuffer;
  framer: StreamFramer | null;
  ws: WsFramer | null;
  lastTs: number;
  /** TLS: the reading of this direction's records, and its connection's key in `tlsConns`. */
  tls: TlsDirection | null;
  tlsConn: string;
}

export function createSipExtractor(opts: ExtractorOptions = {}): SipExtractor {
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const giveUpBytes = opts.giveUpBytes ?? DEFAULT_GIVE_UP_BYTES;
  const maxFlows = Math.max(1, opts.maxFlows ?? 20_000);
  const idleSeconds = opts.idleSeconds ?? 300;
  const datagramViews = opts.datagramViews === true;
  const framerOpts = { maxMessageBytes, maxHeaderBytes, giveUpBytes };

  const stats: ExtractorStats = {
    ...newFramingStats(),
    ...newWsStats(),
    ...newTlsStats(),
    udp: 0,
    tcp: 0,
    tls: 0,
    sctp: 0,
    ws: 0,
    notSipDatagrams: 0,
    flows: 0,
    flowsCreated: 0,
    flowsEvictedIdle: 0,
    flowsEvictedFull: 0,
    flowsNotSip: 0,
    flowsWebSocket: 0,
  };
  const flows = new Map<string, Direction>();
  /** Server directions of TLS holding their records until the ClientHello read out of order (session.ts). */
  const holding = new Set<Direction>();
  /** TLS connections by their two endpoints; each lives while one of its directions is in `flows`. */
  const tlsConns = new Map<string, TlsConnection>();
  const tlsKeys = opts.tlsKeys ?? null;
  let lastSweep = Number.NaN;

  function datagram(p: Payload): FramedMessage[] {
    const b = p.bytes;
    const start = sipMessageStart(b, 0, b.length);
    if (start < 0) {
      let k = 0;
      while (k < b.length && (b[k] === 13 || b[k] === 10)) k++;
      // RFC 5626 keeps UDP flows alive with STUN (§3.5.2), CRLF being for
      // connection-oriented transports (§3.5.1); CRLF datagrams are seen in the wild all the same.
      if (k === b.length && k > 0) stats.keepAlives++;
      else stats.notSipDatagrams++;
      return [];
    }
    const transport = p.transport === 'sctp' ? 'sctp' : 'udp';
    stats.framed++;
    stats[transport]++;
    return [
      {
        bytes: datagramViews ? (start === 0 ? b : b.subarray(start)) : copyBytes(b, start),
        source: { transport, src: p.src, dst: p.dst, frame: p.frame, frames: p.frames.slice(), ts: p.ts },
      },
    ];
  }

  function endDirection(d: Direction, out: FramedMessage[]): void {
    if (d.tls !== null) {
      d.tls.release();
      if (d.tls.conn.refs === 0) tlsConns.delete(d.tlsConn);
      d.tls = null;
      stats.skippedBytes += d.cb.clear();
    }
    if (d.framer !== null) d.framer.flush(out);
    else if (d.ws !== null) d.ws.flush();
    else stats.skippedBytes += d.cb.clear();
  }

  function remove(key: string, d: Direction, out: FramedMessage[]): void {
    // Its ClientHello never came: the connection was seen without its handshake.
    if (holding.delete(d)) d.tls?.conn.fail('no-handshake');
    endDirection(d, out);
    flows.delete(key);
    stats.flows = flows.size;
  }

  function sweep(now: number, out: FramedMessage[]): void {
    lastSweep = now;
    const horizon = now - idleSeconds;
    for (const [key, d] of flows) {
      if (d.lastTs < horizon) {
        remove(key, d, out);
        stats.flowsEvictedIdle++;
      }
    }
  }

  /** Decides what a direction carries from its first bytes; false while undecided. */
  function detect(d: Direction, p: Payload): boolean {
    const cb = d.cb;
    const b = cb.bytes;
    const i = cb.pos;
    const e = cb.end;
    const c = b[i];
    // RFC 8446 §5.1 TLSPlaintext: ContentType 20..23, legacy_record_version 0x03xx.
    if (looksLikeTlsRecord(b, i, e)) return toTls(d, p);
    const r = c === 13 || c === 10 ? 0 : matchSipStartLine(b, i, e);
    if (r >= 0) return toSip(d);
    const h = sniffHttpHead(b, i, e, maxHeaderBytes);
    switch (h.kind) {
      case 'need-more':
        return false;
      case 'ws-upgrade':
      case 'ws-accept':
        // RFC 6455 §4: after the handshake's blank line, frames follow.
        cb.consumeTo(h.end);
        return toWs(d);
      case 'http':
        // HTTP (also on a SIP port) is not SIP: an HTTP start line is not a SIP start line.
        d.mode = OTHER;
        stats.flowsNotSip++;
        return true;
    }
    if (r === START_LINE_NEED_MORE) return false;
    const w = sniffWsFrame(b, i, e);
    if (w === START_LINE_NEED_MORE) return false;
    // A WebSocket flow whose handshake was not captured, or SIP/garbage for the framer to resync.
    return w === 1 ? toWs(d) : toSip(d);
  }

  function toSip(d: Direction): true {
    d.mode = SIP;
    d.framer = new StreamFramer(framerOpts, stats, d.cb);
    return true;
  }

  function toTls(d: Direction, p: Payload): true {
    const a = `${p.src.ip} ${p.src.port}`;
    const z = `${p.dst.ip} ${p.dst.port}`;
    const key = a < z ? `${a} ${z}` : `${z} ${a}`;
    let conn = tlsConns.get(key);
    if (conn === undefined) {
      conn = new TlsConnection(tlsKeys, stats, p.src.port === SIPS_PORT || p.dst.port === SIPS_PORT);
      tlsConns.set(key, conn);
    }
    d.mode = TLS;
    d.tls = new TlsDirection(conn, stats);
    d.tlsConn = key;
    // The plaintext gets its own buffer; the framer reads it as it would a TCP stream.
    d.framer = new StreamFramer({ ...framerOpts, transport: 'tls' }, stats, new ChunkBuffer());
    return true;
  }

  /** Decrypts the whole records buffered and frames their plaintext; false when the direction is given up. */
  function drainTls(d: Direction, p: Payload, out: FramedMessage[]): boolean {
    const cb = d.cb;
    const f = d.framer!;
    const plain = f.cb;
    f.src = p.src;
    f.dst = p.dst;
    const r = d.tls!.drain(
      cb.bytes,
      cb.pos,
      cb.end,
      (bytes, from, to) => {
        const s = cb.sourceOf(from, to, 'tls', p.src, p.dst);
        plain.append(bytes, s.frame, s.frames, s.ts);
      },
      () => {
        // A record lost (it did not authenticate): frame what came before it, then resync.
        f.drain(out);
        f.gap(out);
      },
    );
    cb.consumeTo(r.pos);
    f.drain(out);
    plain.settle();
    // The ClientHello read after its ServerHello (two interfaces merged): the server's records held
    // meanwhile can be read now.
    const peer = flows.get(`${p.dst.ip} ${p.dst.port} ${p.src.ip} ${p.src.port}`);
    if (peer !== undefined && holding.has(peer) && !peer.tls!.holding) {
      holding.delete(peer);
      if (!drainTls(peer, { ...p, src: p.dst, dst: p.src }, out)) {
        peer.mode = OTHER;
        stats.flowsNotSip++;
      }
      peer.cb.settle();
    }
    if (d.tls!.holding) holding.add(d);
    return r.result === 'more' && !f.dead;
  }

  function toWs(d: Direction): true {
    d.mode = WS;
    d.ws = new WsFramer({ maxMessageBytes }, stats, d.cb);
    stats.flowsWebSocket++;
    return true;
  }

  function tcp(p: Payload): FramedMessage[] {
    const out: FramedMessage[] = [];
    const now = p.ts;
    if (!(Math.abs(now - lastSweep) < idleSeconds / 4)) sweep(now, out);
    const key = `${p.src.ip} ${p.src.port} ${p.dst.ip} ${p.dst.port}`;
    let d = flows.get(key);
    if (d === undefined) {
      if (p.bytes.length === 0) return out;
      if (flows.size >= maxFlows) {
        const [oldKey, old] = flows.entries().next().value as [string, Direction];
        remove(oldKey, old, out);
        stats.flowsEvictedFull++;
      }
      d = {
        mode: DETECT,
        cb: new ChunkBuffer(),
        framer: null,
        ws: null,
        lastTs: now,
        tls: null,
        tlsConn: '',
      };
      flows.set(key, d);
      stats.flowsCreated++;
      stats.flows = flows.size;
    }
    d.lastTs = now;
    const cb = d.cb;
    if (p.gap) {
      if (d.mode === TLS) {
        // Record boundaries and sequence numbers are lost with the bytes: this direction cannot be followed.
        stats.tlsGaps++;
        d.framer!.gap(out);
        d.mode = OTHER;
        stats.flowsNotSip++;
      }
      if (d.framer !== null) d.framer.gap(out);
      else if (d.ws !== null) d.ws.gap();
      else stats.skippedBytes += cb.clear();
    }
    cb.append(p.bytes, p.frame, p.frames, p.ts);
    for (;;) {
      if (d.mode === DETECT) {
        if (cb.available === 0 || !detect(d, p)) break;
      } else if (d.mode === SIP) {
        const f = d.framer!;
        f.src = p.src;
        f.dst = p.dst;
        f.drain(out);
        if (f.dead) {
          d.mode = OTHER;
          stats.flowsNotSip++;
          continue;
        }
        break;
      } else if (d.mode === TLS) {
        if (drainTls(d, p, out)) break;
        d.mode = OTHER;
        stats.flowsNotSip++;
      } else if (d.mode === WS) {
        const w = d.ws!;
        w.src = p.src;
        w.dst = p.dst;
        w.drain(out);
        break;
      } else {
        stats.ignoredBytes += cb.clear();
        break;
      }
    }
    if (p.fin) remove(key, d, out);
    else cb.settle();
    countStream(out);
    return out;
  }

  function countStream(out: FramedMessage[]): void {
    for (let k = 0; k < out.length; k++) {
      const t = out[k].source.transport;
      stats[t === 'ws' ? 'ws' : t === 'tls' ? 'tls' : 'tcp']++;
    }
  }

  return {
    push(p) {
      return p.transport === 'tcp' ? tcp(p) : datagram(p);
    },
    flush() {
      const out: FramedMessage[] = [];
      for (const [key, d] of flows) remove(key, d, out);
      countStream(out);
      return out;
    },
    stats,
  };
}
