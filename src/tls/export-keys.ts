/**
 * The key log lines a pcapng export writes (capture/frame-export.ts): those
 * of the TLS connections and DTLS handshakes the file holds, and no other
 * session's. The exported connections' clear handshakes are read as the
 * export decodes their frames: each ClientHello's random names its lines
 * (keylog-filter.ts), from the key log given and from the input file's own
 * Decryption Secrets Blocks; they are handed out (`take`) to go in a
 * Decryption Secrets Block just before the frame that carried the
 * ClientHello, before any record they decrypt.
 *
 * A connection of RSA key exchange that the server's RSA key opens (and that
 * the key log does not cover) gets the line Wireshark's "Export TLS Session
 * Keys" writes, `CLIENT_RANDOM <client random> <master secret>`, with the
 * master secret derived as the analysis derives it (session.ts
 * `clientKeyExchange`, rsa-key-exchange.ts): the RSA key is never written.
 * That secret is known at the ClientKeyExchange, but a reader looks the
 * secret up at the ServerHello (session.ts, and so sipscope reading the file
 * back): from that ServerHello until the ClientKeyExchange the export holds
 * what it writes (`holding`), then writes the line first. When that is too
 * much to hold, the export reads the file ahead for the secrets
 * (capture/rsa-look-ahead.ts, another ExportKeys with the RSA keys alone) and
 * gives them here (`addDerived`): the connections waiting for them wait no more.
 */
import type { Payload } from '../decode/payload.js';
import { CT_HANDSHAKE, parseHandshakeFragments, parseRecords } from '../media/dtls-records.js';
import { HS_CLIENT_HELLO, HS_CLIENT_KEY_EXCHANGE, HS_SERVER_HELLO } from './hello.js';
import { TlsKeyLog } from './keylog.js';
import { hexOf, KeyLogIndex } from './keylog-filter.js';
import { HandshakeReader, RECORD_INVALID, RECORD_NEED_MORE, recordLength } from './record.js';
import { clearHandshake, newTlsStats, type Side, TlsConnection } from './session.js';

/**
 * A chunk that starts with a handshake record (RFC 5246 §6.2.1, legacy_record_version 3.x) whose
 * first message is a ClientHello (1) or a ServerHello (2), itself of legacy_version 3.x.
 */
function startsHello(b: Uint8Array): boolean {
  return (
    b.length >= 11 &&
    b[0] === CT_HANDSHAKE &&
    b[1] === 3 &&
    b[2] <= 4 &&
    (b[5] === HS_CLIENT_HELLO || b[5] === HS_SERVER_HELLO) &&
    b[9] === 3
  );
}

/** Bytes of one direction's clear handshake kept while its records are put together (certificate chains included). */
const MAX_CLEAR_BYTES = 256 * 1024;

/** One direction of an exported TLS connection, read until its first protected record. */
interface Direction {
  conn: TlsConnection;
  side: Side | null;
  buf: Uint8Array;
  hs: HandshakeReader;
  done: boolean;
}

export class ExportKeys {
  private readonly index: KeyLogIndex;
  /** The servers' RSA keys only: a connection's own key log lines are the index's. */
  private readonly rsa: TlsKeyLog | null;
  private readonly dirs = new Map<string, Direction>();
  private readonly conns = new Map<string, TlsConnection>();
  /** Client randoms (hex) of the sessions the file holds, and RSA ClientKeyExchange prefixes. */
  private readonly randoms = new Set<string>();
  private readonly rsaPrefixes = new Set<string>();
  /** Lines written already (or about to be). */
  private readonly written = new Set<string>();
  /** CLIENT_RANDOM lines of master secrets opened with an RSA key (here, or by a look-ahead). */
  private readonly fromRsa = new Set<string>();
  private fresh: string[] = [];
  /** Connections between their ServerHello and ClientKeyExchange, to be opened with an RSA key. */
  private readonly pending = new Set<TlsConnection>();
  /** Lines written, and derived from an RSA key (of them). */
  lines = 0;
  derived = 0;

  constructor(keyLog: string | undefined, rsaKeys: readonly string[] = []) {
    this.index = new KeyLogIndex(keyLog);
    this.rsa = rsaKeys.length === 0 ? null : new TlsKeyLog();
    for (const pem of rsaKeys) this.rsa?.addRsaKey(pem);
  }

  /**
   * More key log text: an input file's Decryption Secrets Block, as it is read. A connection
   * waiting for its ClientKeyExchange whose master secret it gives waits no more.
   */
  addText(text: string): void {
    this.index.add(text);
    for (const c of this.pending)
      if (c.random !== null && this.index.hasMasterSecret(hexOf(c.random))) this.pending.delete(c);
    for (const r of this.randoms) this.want(this.index.linesOf(r));
    for (const p of this.rsaPrefixes) this.want(this.index.rsaLinesOf(p));
  }

  /** CLIENT_RANDOM lines of master secrets an RSA key opened further on in the file (rsa-look-ahead.ts). */
  addDerived(lines: readonly string[]): void {
    for (const l of lines) this.fromRsa.add(l);
    if (lines.length > 0) this.addText(lines.join('\n'));
  }

  /**
   * A TCP payload of an exported TLS connection (`pair`: its two ends, either order). The four-tuple
   * may carry one connection after another (the client's port reused): each has its own handshake and
   * so its own lines. A direction is forgotten at its FIN or RST (the analysis forgets it there too,
   * sip/extractor.ts), and one read past its handshake starts over at a chunk that begins with a
   * ClientHello or a ServerHello record (a new connection whose predecessor's FIN was not captured:
   * the reassembler starts the new one at its SYN, decode/tcp-reassembly.ts).
   */
  tcp(p: Payload, pair: string): void {
    const key = `${p.src.ip} ${p.src.port} ${p.dst.ip} ${p.dst.port}`;
    let d = this.dirs.get(key);
    if (d === undefined || (d.done && startsHello(p.bytes))) d = this.begin(key, pair);
    if (!d.done) {
      if (p.gap === true) this.stop(d);
      else this.read(d, p.bytes);
    }
    if (p.fin === true) this.end(key, `${p.dst.ip} ${p.dst.port} ${p.src.ip} ${p.src.port}`, pair, d);
  }

  private begin(key: string, pair: string): Direction {
    let conn = this.conns.get(pair);
    if (conn === undefined) {
      conn = new TlsConnection(this.rsa, newTlsStats());
      this.conns.set(pair, conn);
    }
    const d: Direction = { conn, side: null, buf: new Uint8Array(0), hs: new HandshakeReader(), done: false };
    this.dirs.set(key, d);
    return d;
  }

  /** The direction `key` was closed: the connection is forgotten with its last direction (`reverse` the other). */
  private end(key: string, reverse: string, pair: string, d: Direction): void {
    this.stop(d);
    this.dirs.delete(key);
    if (this.dirs.has(reverse)) return;
    this.conns.delete(pair);
    this.pending.delete(d.conn);
  }

  /** A DTLS datagram of an exported DTLS-SRTP handshake: its ClientHello's random (RFC 6347 §4.2.1, offset 2). */
  dtls(bytes: Uint8Array): void {
    for (const r of parseRecords(bytes).records) {
      if (r.type !== CT_HANDSHAKE || r.epoch !== 0) continue;
      for (const f of parseHandshakeFragments(r.body).fragments)
        if (f.msgType === HS_CLIENT_HELLO && f.offset === 0 && f.bytes.length >= 34)
          this.session(hexOf(f.bytes.subarray(2, 34)));
    }
  }

  /** What the export must hold back: an RSA-keyed connection waits for its ClientKeyExchange. */
  get holding(): boolean {
    return this.pending.size > 0;
  }

  /** Stops waiting (the export held too much, or the frames ended): what is held goes out without those keys. */
  release(): void {
    this.pending.clear();
  }

  /**
   * The lines to write now, as one key log text (null for none): before the
   * frame just read, and before any frame held (keys written early do no harm).
   */
  take(): string | null {
    const all = this.fresh;
    if (all.length === 0) return null;
    this.fresh = [];
    this.lines += all.length;
    return `${all.join('\n')}\n`;
  }

  private read(d: Direction, bytes: Uint8Array): void {
    let b = bytes;
    if (d.buf.length > 0) {
      b = new Uint8Array(d.buf.length + bytes.length);
      b.set(d.buf);
      b.set(bytes, d.buf.length);
    }
    let i = 0;
    while (!d.done) {
      const len = recordLength(b, i, b.length);
      if (len === RECORD_NEED_MORE) break;
      // Not TLS, or the first protected record (RFC 5246 §7.1, RFC 8446 §5): no clear handshake follows.
      if (len === RECORD_INVALID || b[i] !== CT_HANDSHAKE) {
        this.stop(d);
        return;
      }
      const ok = d.hs.push(b.subarray(i + 5, i + len), (type, body) => this.message(d, type, body));
      if (!ok) this.stop(d);
      i += len;
    }
    if (b.length - i > MAX_CLEAR_BYTES) this.stop(d);
    else d.buf = b.slice(i);
  }

  private message(d: Direction, type: number, body: Uint8Array): void {
    const conn = d.conn;
    if (type === HS_CLIENT_KEY_EXCHANGE && d.side === 'client' && body.length >= 10) {
      // RFC 5246 §7.4.7.1: EncryptedPreMasterSecret, a 2-byte length then the RSA ciphertext.
      const prefix = hexOf(body.subarray(2, 10));
      this.rsaPrefixes.add(prefix);
      this.want(this.index.rsaLinesOf(prefix));
    }
    const wasPending = conn.awaitingKeyExchange;
    d.side = clearHandshake(conn, d.side, type, body);
    if (type === HS_CLIENT_HELLO && d.side === 'client' && conn.random !== null)
      this.session(hexOf(conn.random));
    // A connection the key log covers needs no RSA key: nothing is held for it.
    const random = conn.random;
    if (
      !wasPending &&
      conn.awaitingKeyExchange &&
      random !== null &&
      !this.index.hasMasterSecret(hexOf(random))
    )
      this.pending.add(conn);
    if (wasPending && !conn.awaitingKeyExchange) this.opened(conn);
  }

  /** The ClientKeyExchange of a pending connection was read: its master secret, if the RSA key opened it. */
  private opened(conn: TlsConnection): void {
    this.pending.delete(conn);
    const master = conn.rsaMasterSecret;
    const random = conn.random;
    if (master === null || random === null || this.index.hasMasterSecret(hexOf(random))) return;
    const line = `CLIENT_RANDOM ${hexOf(random)} ${hexOf(master)}`;
    this.fromRsa.add(line);
    this.want([line]);
  }

  private session(random: string): void {
    this.randoms.add(random);
    this.want(this.index.linesOf(random));
  }

  private want(lines: readonly string[]): void {
    for (const l of lines)
      if (!this.written.has(l)) {
        this.written.add(l);
        this.fresh.push(l);
        if (this.fromRsa.has(l)) this.derived++;
      }
  }

  private stop(d: Direction): void {
    d.done = true;
    d.buf = new Uint8Array(0);
    if (d.side === 'client' && d.conn.awaitingKeyExchange) this.pending.delete(d.conn);
  }
}
