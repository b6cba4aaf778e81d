/**
 * Live capture: a TLS connection's records held until its key is logged.
 *
 * A TLS library writes a connection's key log lines at its handshake, so a
 * live capture sees the ClientHello, the ServerHello and often the first
 * protected records before the key log has their secrets. Read at once,
 * such a connection would be given up (`withoutKey`). Instead, the payloads
 * of a connection whose ClientHello's random has no usable secret yet are
 * held here (copied, both directions, in arrival order) ahead of the SIP
 * stage, and let go in that order once the key log (re-read, throttled, by
 * `refresh`) has them: the SIP stage then decrypts them as it does a file's,
 * so the messages keep their own frames and timestamps.
 *
 * A connection is let go without its key when it has waited `maxWaitSeconds`
 * of capture time, when it holds more than `maxConnectionBytes`, or (the one
 * waiting longest first) when all of them hold more than `maxTotalBytes`: the
 * SIP stage then counts it without a key, as in a file. Every let-go is
 * counted by its reason (`KeyWaitStats`).
 *
 * Only a connection that may carry SIP is held (`maySip`): one to or from a
 * SIP-over-TLS port (5061, RFC 3261 §26.2, and `sipPorts`), or whose
 * ClientHello offers no ALPN (RFC 7301) on a port not of another protocol,
 * or offers a SIP one. The others (a browser's or an HTTP client's HTTPS:
 * ALPN h2/http/1.1, port 443) go on at once, counted `notSip`: holding them
 * would only spend the bounds, and their key is rarely in a SIP stack's log.
 *
 * Usable secrets: TLS 1.2's master secret, or both TLS 1.3 application
 * traffic secrets (the handshake ones are logged before them). A file's
 * analysis does not use this: its key log is whole from the start.
 */
import type { Payload } from '../decode/payload.js';
import { type ClientHello, HS_CLIENT_HELLO, parseClientHello } from './hello.js';
import type { TlsKeyLog, TlsSecrets } from './keylog.js';
import {
  CT_HANDSHAKE,
  HandshakeReader,
  RECORD_HEADER_LEN,
  RECORD_NEED_MORE,
  recordLength,
} from './record.js';
import type { KeyWaitStats } from './tls-counts.js';

export type { KeyWaitStats } from './tls-counts.js';

export interface KeyWaitOptions {
  /** Bytes one connection holds while its key is awaited (default 1 MiB). */
  maxConnectionBytes?: number;
  /** Bytes all connections hold (default 16 MiB); beyond, the one waiting longest is let go. */
  maxTotalBytes?: number;
  /** Seconds of capture time a connection waits for its key (default 10). */
  maxWaitSeconds?: number;
  /**
   * Ports of SIP over TLS (default [5061], RFC 3261 §26.2, as Wireshark's `sip.tls.port`): a
   * connection to or from one is held whatever its ClientHello offers (SIP over WSS on 443: add 443).
   */
  sipPorts?: readonly number[];
}

/** Bytes of a client's first flight read for its ClientHello (a real one is under 2 kB; 16 kB with big key shares). */
const MAX_HELLO_BYTES = 64 * 1024;

interface Waiting {
  /** Payloads held, in arrival order (copies). */
  held: Payload[];
  bytes: number;
  /** Capture time of the first payload held. */
  since: number;
  /** The ClientHello's sender, `ip port`. */
  client: string;
  /** The client's bytes while its ClientHello is incomplete. */
  head: Uint8Array;
  random: Uint8Array | null;
  /** The ClientHello read says it may carry SIP (`maySip`); true until it is read. */
  sip: boolean;
  /** Its client's and server's ports. */
  ports: [client: number, server: number];
  /** Not waiting for a key (yet): the ClientHello is still being read. */
  counted: boolean;
}

/** RFC 8446 §5.1 / RFC 5246 §6.2.1: a handshake record whose first message is a ClientHello (legacy_version 3.x). */
export function startsClientHello(b: Uint8Array): boolean {
  return (
    b.length >= 11 &&
    b[0] === CT_HANDSHAKE &&
    b[1] === 3 &&
    b[2] <= 4 &&
    b[5] === HS_CLIENT_HELLO &&
    b[9] === 3
  );
}

/** The secrets open the connection: TLS 1.2's master secret, or both TLS 1.3 application traffic secrets. */
export function usableSecrets(s: TlsSecrets | undefined): boolean {
  if (s === undefined) return false;
  return s.masterSecret?.length === 48 || (s.clientTraffic0 !== undefined && s.serverTraffic0 !== undefined);
}

/**
 * Server ports of other protocols over TLS (IANA): HTTPS 443 and 8443, SMTP 465, LDAP 636,
 * DNS 853, IMAP 993, POP3 995. A connection to one without ALPN is not taken for SIP.
 */
export const OTHER_TLS_PORTS: ReadonlySet<number> = new Set([443, 465, 636, 853, 993, 995, 8443]);

/**
 * A connection that may carry SIP, by its ClientHello and ports: one of `sipPorts` on either
 * side; else, with ALPN offered (RFC 7301 §3.1), a protocol named `sip…` among them (an HTTP
 * client offers h2/http/1.1, a SIP stack usually none); else a server port not in `OTHER_TLS_PORTS`.
 */
export function maySip(
  hello: Pick<ClientHello, 'alpn'>,
  clientPort: number,
  serverPort: number,
  sipPorts: ReadonlySet<number>,
): boolean {
  if (sipPorts.has(serverPort) || sipPorts.has(clientPort)) return true;
  if (hello.alpn.length > 0) return hello.alpn.some((n) => /^sip/i.test(n));
  return !OTHER_TLS_PORTS.has(serverPort);
}

const endpoint = (e: Payload['src']): string => `${e.ip} ${e.port}`;

export class TlsKeyWait {
  readonly stats: KeyWaitStats = {
    waited: 0,
    keyCame: 0,
    expired: 0,
    overflow: 0,
    notSip: 0,
    heldConnections: 0,
    heldBytes: 0,
  };
  /** By the connection's two endpoints; in the order they began to wait (the first is the oldest). */
  private readonly waiting = new Map<string, Waiting>();
  private readonly maxConnectionBytes: number;
  private readonly maxTotalBytes: number;
  private readonly maxWait: number;
  private readonly sipPorts: ReadonlySet<number>;
  private now = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly keys: TlsKeyLog,
    /** Re-reads the key log (throttled unless `force`); true when it took new lines. */
    private readonly refresh: (force: boolean) => boolean,
    opts: KeyWaitOptions = {},
  ) {
    this.maxConnectionBytes = opts.maxConnectionBytes ?? 1 << 20;
    this.maxTotalBytes = opts.maxTotalBytes ?? 16 << 20;
    this.maxWait = opts.maxWaitSeconds ?? 10;
    this.sipPorts = new Set(opts.sipPorts ?? [5061]);
  }

  /**
   * Takes a payload on its way to the SIP stage. False: it goes on now (after
   * whatever was let go into `out`). True: it is held, or let go into `out`
   * after the earlier payloads of its connection.
   */
  push(p: Payload, out: Payload[]): boolean {
    if (this.waiting.size === 0 && p.transport !== 'tcp') return false;
    if (p.ts > this.now) this.now = p.ts;
    if (p.transport !== 'tcp') {
      this.expire(out);
      return false;
    }
    let w: Waiting | undefined;
    let key = '';
    if (this.waiting.size > 0) {
      key = pairKey(p);
      w = this.waiting.get(key);
    }
    if (w === undefined) {
      if (!startsClientHello(p.bytes)) {
        if (this.waiting.size > 0) this.expire(out);
        return false;
      }
      if (key === '') key = pairKey(p);
      w = {
        held: [],
        bytes: 0,
        since: p.ts,
        client: endpoint(p.src),
        head: new Uint8Array(0),
        random: null,
        sip: true,
        ports: [p.src.port, p.dst.port],
        counted: false,
      };
      this.waiting.set(key, w);
    }
    this.hold(w, p);
    if (w.random === null && endpoint(p.src) === w.client) this.readHello(key, w, p.bytes, out);
    if (!w.sip && this.waiting.has(key)) {
      // Not SIP by its ClientHello and ports: let go now, as read without a wait.
      if (!this.opens(w)) this.stats.notSip++;
      this.letGo(key, w, out, null);
    }
    // Its key may have been logged since the last read (the refresh is throttled).
    if (w.random !== null && w.sip && !this.opens(w) && this.refresh(false)) this.recheck(out);
    if (this.waiting.has(key)) {
      if (this.opens(w)) {
        if (w.counted) this.stats.keyCame++;
        this.letGo(key, w, out, null);
      } else {
        if (w.random !== null && !w.counted) {
          w.counted = true;
          this.stats.waited++;
        }
        if (w.bytes > this.maxConnectionBytes) this.letGo(key, w, out, 'overflow');
      }
    }
    this.bound(out);
    this.expire(out);
    return true;
  }

  /**
   * The wall clock moved (no packet needed): re-reads the key log (throttled) and lets go the
   * connections it now opens; `captureTime`, when given, lets the ones waiting too long go.
   */
  poll(out: Payload[], captureTime?: number): void {
    if (this.waiting.size === 0) return;
    if (captureTime !== undefined && captureTime > this.now) this.now = captureTime;
    if (this.refresh(false)) this.recheck(out);
    this.expire(out);
  }

  /** End of input: the key log read a last time, every connection let go (those without their key as expired). */
  flush(out: Payload[]): void {
    if (this.waiting.size === 0) return;
    if (this.refresh(true)) this.recheck(out);
    for (const [key, w] of this.waiting) this.letGo(key, w, out, 'expired');
  }

  private opens(w: Waiting): boolean {
    return w.random !== null && usableSecrets(this.keys.get(w.random));
  }

  private hold(w: Waiting, p: Payload): void {
    const n = p.bytes.length;
    w.held.push({ ...p, bytes: p.bytes.slice(), frames: p.frames.slice() });
    w.bytes += n;
    this.stats.heldBytes += n;
    this.stats.heldConnections = this.waiting.size;
  }

  /**
   * The client's first records until its ClientHello is whole (RFC 8446 §4: a handshake message
   * may span records); a first flight that is not one is let go at once.
   */
  private readHello(key: string, w: Waiting, bytes: Uint8Array, out: Payload[]): void {
    const b = new Uint8Array(w.head.length + bytes.length);
    b.set(w.head);
    b.set(bytes, w.head.length);
    w.head = b;
    const hs = new HandshakeReader(MAX_HELLO_BYTES);
    let i = 0;
    let done = false;
    for (;;) {
      const len = recordLength(b, i, b.length);
      if (len === RECORD_NEED_MORE) break;
      if (len < 0 || b[i] !== CT_HANDSHAKE) {
        done = true;
        break;
      }
      const ok = hs.push(b.subarray(i + RECORD_HEADER_LEN, i + len), (type, body) => {
        if (w.random !== null || done) return;
        done = true;
        if (type !== HS_CLIENT_HELLO) return;
        const hello = parseClientHello(body);
        if (hello === null) return;
        w.random = hello.random;
        w.sip = maySip(hello, w.ports[0], w.ports[1], this.sipPorts);
      });
      i += len;
      if (!ok || done) {
        done = true;
        break;
      }
    }
    if (w.random !== null) w.head = new Uint8Array(0);
    else if (done || b.length > MAX_HELLO_BYTES) this.letGo(key, w, out, null);
  }

  /** New key log lines: the connections they open go on, the longest waiting first. */
  private recheck(out: Payload[]): void {
    for (const [key, w] of this.waiting) {
      if (!this.opens(w)) continue;
      if (w.counted) this.stats.keyCame++;
      this.letGo(key, w, out, null);
    }
  }

  private bound(out: Payload[]): void {
    for (const [key, w] of this.waiting) {
      if (this.stats.heldBytes <= this.maxTotalBytes) return;
      this.letGo(key, w, out, 'overflow');
    }
  }

  /** Lets go the connections that waited `maxWait` seconds of capture time (the oldest are first). */
  private expire(out: Payload[]): void {
    for (const [key, w] of this.waiting) {
      if (w.since + this.maxWait >= this.now) return;
      this.letGo(key, w, out, 'expired');
    }
  }

  private letGo(key: string, w: Waiting, out: Payload[], why: 'expired' | 'overflow' | null): void {
    this.waiting.delete(key);
    // Only a connection that waited for its key is counted as let go without it.
    if (why !== null && w.counted && !this.opens(w)) this.stats[why]++;
    for (const p of w.held) out.push(p);
    this.stats.heldBytes -= w.bytes;
    this.stats.heldConnections = this.waiting.size;
  }
}

/** The connection of a payload: its two endpoints, in either direction. */
function pairKey(p: Payload): string {
  const a = endpoint(p.src);
  const z = endpoint(p.dst);
  return a < z ? `${a} ${z}` : `${z} ${a}`;
}
