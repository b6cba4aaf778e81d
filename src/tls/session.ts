/**
 * One TLS connection seen from the capture, and the reading of each of its
 * two directions: records are framed, the hellos read in the clear, the
 * secrets found in the key log by the client random, and the protected
 * records decrypted with the keys of their epoch (RFC 8446 §7.3 for 1.3:
 * handshake keys until the sender's Finished, then application keys; RFC 5246
 * §7.1 for 1.2: protected after the sender's ChangeCipherSpec). Sequence
 * numbers count per key from 0 (RFC 8446 §5.3, RFC 5246 §6.1).
 *
 * What cannot be decrypted is counted with its reason (`TlsStats`), never thrown.
 */
import { openTls12, openTls13 } from './aead.js';
import { openTls12Cbc } from './cbc.js';
import {
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_KEY_UPDATE,
  HS_SERVER_HELLO,
  parseClientHello,
  parseServerHello,
  type ServerHello,
  TLS12,
  TLS13,
} from './hello.js';
import type { TlsKeyLog, TlsSecrets } from './keylog.js';
import {
  CT_APPLICATION_DATA,
  CT_CHANGE_CIPHER_SPEC,
  CT_HANDSHAKE,
  HandshakeReader,
  RECORD_HEADER_LEN,
  RECORD_INVALID,
  RECORD_NEED_MORE,
  recordLength,
} from './record.js';
import { handshakeMessage, masterSecret, preMasterSecret } from './rsa-key-exchange.js';
import { type CipherSuite, cipherSuite } from './suites.js';
import { tls12KeyBlock } from './tls12-keys.js';
import { type TrafficKey, tls13NextSecret, tls13TrafficKey } from './tls13-keys.js';

export interface TlsStats {
  /** TLS connections seen. */
  tlsFlows: number;
  /** Connections with at least one record decrypted with the key log's secrets. */
  tlsDecrypted: number;
  /** Connections whose client random has no (usable) secret in the key log. */
  tlsNoKey: number;
  /** Connections with a version or cipher suite we do not decrypt (TLS 1.0/1.1, 3DES, RC4, …). */
  tlsUnsupported: number;
  /** Connections seen without their ClientHello / ServerHello (capture started mid-way, a gap). */
  tlsNoHandshake: number;
  /** Protected records that did not authenticate (corrupted, or a wrong key): skipped. */
  tlsBadRecords: number;
  /** Records decrypted. */
  tlsRecords: number;
  /** Directions given up at a gap in the TCP stream (record boundaries and sequence numbers lost). */
  tlsGaps: number;
  /**
   * Of the connections not decrypted (no key, unsupported, no handshake),
   * those to or from port 5061, SIP over TLS's (RFC 3261 §26.2): the ones
   * worth a warning (the others are mostly HTTPS).
   */
  tlsSipPortNotDecrypted: number;
}

export function newTlsStats(): TlsStats {
  return {
    tlsFlows: 0,
    tlsDecrypted: 0,
    tlsNoKey: 0,
    tlsUnsupported: 0,
    tlsNoHandshake: 0,
    tlsBadRecords: 0,
    tlsRecords: 0,
    tlsGaps: 0,
    tlsSipPortNotDecrypted: 0,
  };
}

type Status = 'handshake' | 'keys' | 'no-key' | 'unsupported' | 'no-handshake';
export type Side = 'client' | 'server';

/** Epochs of one direction: 0 in the clear, 1 handshake keys (1.3), 2 application keys. */
const CLEAR = 0;
const HANDSHAKE = 1;
const APPLICATION = 2;

/**
 * Bytes of clear handshake messages kept for RFC 7627's session hash: a real handshake up to the
 * ClientKeyExchange is a few kilobytes (certificate chains included); a stream of handshake
 * messages past this is not one, and its transcript is dropped (its master secret then unknown).
 */
const MAX_TRANSCRIPT_BYTES = 256 * 1024;

/** Bytes a server direction holds while it waits for the ClientHello read out of order. */
const MAX_HELD_BYTES = 1 << 20;

export class TlsConnection {
  status: Status = 'handshake';
  version = 0;
  suite: CipherSuite | null = null;
  private clientRandom: Uint8Array | null = null;
  /**
   * A ServerHello read before the ClientHello (a capture merged from two
   * interfaces, or reordered by a tap): applied when the ClientHello comes.
   */
  private earlyServerHello: ServerHello | null = null;
  /** TLS 1.2 RSA key exchange with no key log line: waiting for the ClientKeyExchange (rsa-key-exchange.ts). */
  private rsaPending: { serverRandom: Uint8Array; ems: boolean } | null = null;
  /**
   * The clear handshake messages by side, kept while the server's RSA keys may be needed
   * (RFC 7627's session hash covers the ClientHello to the ClientKeyExchange).
   */
  private transcript: { client: Uint8Array[]; server: Uint8Array[]; bytes: number } | null = null;
  /** TLS 1.2 CBC: records MACed after encryption (RFC 7366). */
  encryptThenMac = false;
  private secrets: TlsSecrets | null = null;
  private tls12: { client: TrafficKey; server: TrafficKey } | null = null;
  private decrypted = false;
  /**
   * The master secret opened with a server's RSA key (`clientKeyExchange`): what a pcapng export
   * writes as a `CLIENT_RANDOM` key log line (src/tls/export-keys.ts), the RSA key itself never.
   */
  rsaMasterSecret: Uint8Array | null = null;
  /** Directions reading this connection (it is forgotten when none is left). */
  refs = 0;

  constructor(
    private readonly keys: TlsKeyLog | null,
    private readonly stats: TlsStats,
    /** To or from port 5061 (SIP over TLS, RFC 3261 §26.2). */
    private readonly sipPort = false,
  ) {
    stats.tlsFlows++;
  }

  clientHello(random: Uint8Array): void {
    // A new ClientHello on the same addresses (the port reused) starts over.
    if (this.status !== 'handshake') {
      this.status = 'handshake';
      this.stats.tlsFlows++;
    }
    this.clientRandom = random;
    this.secrets = null;
    this.tls12 = null;
    this.rsaPending = null;
    this.rsaMasterSecret = null;
    this.decrypted = false;
    // A second ClientHello starts a new transcript; one kept from an early ServerHello stays.
    if (this.transcript !== null && this.transcript.client.length > 0) this.transcript = null;
    const early = this.earlyServerHello;
    this.earlyServerHello = null;
    if (early !== null) this.serverHello(early);
  }

  /** A clear handshake message of `side`, kept for the session hash when RSA keys are given. */
  keepHandshake(side: Side, type: number, body: Uint8Array): void {
    if (this.status !== 'handshake' || this.keys === null || this.keys.rsaKeys.length === 0) return;
    const t = (this.transcript ??= { client: [], server: [], bytes: 0 });
    t.bytes += 4 + body.length;
    if (t.bytes > MAX_TRANSCRIPT_BYTES) {
      t.client.length = 0;
      t.server.length = 0;
      return;
    }
    t[side].push(handshakeMessage(type, body));
  }

  /** The ClientHello's random (null before it). */
  get random(): Uint8Array | null {
    return this.clientRandom;
  }

  /** The ServerHello chose RSA key exchange with no key log line: the ClientKeyExchange is awaited. */
  get awaitingKeyExchange(): boolean {
    return this.rsaPending !== null;
  }

  /** The server's direction holds its records: its ServerHello came, the ClientHello not yet. */
  get awaitingClientHello(): boolean {
    return this.earlyServerHello !== null;
  }

  serverHello(sh: ServerHello): void {
    if (this.status !== 'handshake') return;
    if (this.clientRandom === null) {
      // Its ClientHello may yet come, from the other direction's packets read later.
      this.earlyServerHello = sh;
      return;
    }
    const version = sh.version;
    const serverRandom = sh.random;
    this.version = version;
    const suite = cipherSuite(sh.cipherSuite);
    if (
      (version !== TLS12 && version !== TLS13) ||
      suite === undefined ||
      suite.tls13 !== (version === TLS13)
    ) {
      this.transcript = null;
      this.fail('unsupported');
      return;
    }
    this.suite = suite;
    this.encryptThenMac = suite.mac !== null && sh.encryptThenMac;
    const secrets = this.keys?.get(this.clientRandom);
    const usable =
      version === TLS13
        ? secrets?.clientTraffic0 !== undefined || secrets?.serverTraffic0 !== undefined
        : secrets?.masterSecret?.length === 48;
    if (secrets === undefined || !usable) {
      if (version === TLS12 && suite.rsaKeyExchange && (this.keys?.rsaKeys.length ?? 0) > 0) {
        this.rsaPending = { serverRandom, ems: sh.extendedMasterSecret };
        return;
      }
      this.transcript = null;
      this.fail('no-key');
      return;
    }
    this.transcript = null;
    if (version === TLS12)
      this.tls12 = tls12KeyBlock(suite, secrets.masterSecret!, this.clientRandom, serverRandom);
    this.secrets = secrets;
    this.status = 'keys';
  }

  /**
   * RFC 5246 §7.4.7.1: the client's ClientKeyExchange (kept in the transcript already) opened
   * with the server's RSA key gives the master secret; no key opens it: `no-key`.
   */
  clientKeyExchange(body: Uint8Array): void {
    const pending = this.rsaPending;
    if (pending === null || this.clientRandom === null || this.status !== 'handshake') return;
    this.rsaPending = null;
    const pms = preMasterSecret(this.keys!.rsaKeys, body);
    const t = this.transcript;
    this.transcript = null;
    if (
      pms === null ||
      (pending.ems && (t === null || t.client.length < 2 || t.bytes > MAX_TRANSCRIPT_BYTES))
    ) {
      this.fail('no-key');
      return;
    }
    const suite = this.suite!;
    // Sent in this order: the ClientHello, the server's first flight, the client's second up to its ClientKeyExchange.
    const transcript = pending.ems && t !== null ? [t.client[0], ...t.server, ...t.client.slice(1)] : null;
    const master = masterSecret(suite.hash, pms, this.clientRandom, pending.serverRandom, transcript);
    this.rsaMasterSecret = master;
    this.tls12 = tls12KeyBlock(suite, master, this.clientRandom, pending.serverRandom);
    this.status = 'keys';
  }

  /** A ChangeCipherSpec before the keys are known: an abbreviated handshake (resumption) gives no ClientKeyExchange to open. */
  changeCipherSpecWithoutKeys(): void {
    if (this.rsaPending !== null) this.fail('no-key');
  }

  fail(status: 'no-key' | 'unsupported' | 'no-handshake'): void {
    if (this.status !== 'handshake') return;
    this.status = status;
    if (status === 'no-key') this.stats.tlsNoKey++;
    else if (status === 'unsupported') this.stats.tlsUnsupported++;
    else this.stats.tlsNoHandshake++;
    if (this.sipPort) this.stats.tlsSipPortNotDecrypted++;
  }

  /** The traffic secret (1.3) of a side's epoch, or null when the key log lacks it. */
  secret(side: Side, epoch: number): Uint8Array | null {
    const s = this.secrets;
    if (s === null) return null;
    if (epoch === HANDSHAKE) return (side === 'client' ? s.clientHandshake : s.serverHandshake) ?? null;
    return (side === 'client' ? s.clientTraffic0 : s.serverTraffic0) ?? null;
  }

  /** TLS 1.2: the side's write key. */
  key12(side: Side): TrafficKey | null {
    return this.tls12 === null ? null : this.tls12[side];
  }

  decryptedOne(): void {
    this.stats.tlsRecords++;
    if (!this.decrypted) {
      this.decrypted = true;
      this.stats.tlsDecrypted++;
    }
  }
}

/** What `TlsDirection.drain` says: keep reading, or give the direction up (nothing more to decrypt). */
export type DrainResult = 'more' | 'give-up';

export class TlsDirection {
  private side: Side | null = null;
  private epoch = CLEAR;
  private key: TrafficKey | null = null;
  private secret: Uint8Array | null = null;
  private seq = 0n;
  private hs = new HandshakeReader();

  constructor(
    readonly conn: TlsConnection,
    private readonly stats: TlsStats,
  ) {
    conn.refs++;
  }

  /**
   * Reads the whole records in `b[i..e)`. Application data is handed to
   * `onData` with the record's range [from, to). Returns the index after the
   * last whole record read, and whether to go on.
   */
  drain(
    b: Uint8Array,
    i: number,
    e: number,
    onData: (plain: Uint8Array, from: number, to: number) => void,
    onLost: () => void,
  ): { pos: number; result: DrainResult } {
    for (;;) {
      if (this.conn.status !== 'handshake' && this.conn.status !== 'keys')
        return { pos: i, result: 'give-up' };
      if (this.side === 'server' && this.conn.awaitingClientHello) {
        // Held, unread, until the ClientHello gives the keys (`holding`); given up past a bound.
        if (e - i > MAX_HELD_BYTES) {
          this.conn.fail('no-handshake');
          return { pos: i, result: 'give-up' };
        }
        return { pos: i, result: 'more' };
      }
      const len = recordLength(b, i, e);
      if (len === RECORD_NEED_MORE) return { pos: i, result: 'more' };
      if (len === RECORD_INVALID) {
        // Not a record header where one must be: the stream is not (or no longer) TLS we can follow.
        this.conn.fail('no-handshake');
        return { pos: i, result: 'give-up' };
      }
      this.record(b.subarray(i, i + len), i, i + len, onData, onLost);
      // A record that ended the connection's hopes (no key, …) is left to the caller's not-SIP count.
      if (this.conn.status !== 'handshake' && this.conn.status !== 'keys')
        return { pos: i, result: 'give-up' };
      i += len;
    }
  }

  private record(
    rec: Uint8Array,
    from: number,
    to: number,
    onData: (plain: Uint8Array, from: number, to: number) => void,
    onLost: () => void,
  ): void {
    const type = rec[0];
    const header = rec.subarray(0, RECORD_HEADER_LEN);
    const fragment = rec.subarray(RECORD_HEADER_LEN);
    const conn = this.conn;
    if (this.epoch === CLEAR) {
      if (type === CT_HANDSHAKE) {
        if (!this.hs.push(fragment, (t, body) => this.clearHandshake(t, body))) conn.fail('unsupported');
        return;
      }
      if (type === CT_CHANGE_CIPHER_SPEC) {
        // RFC 5246 §7.1: records after the sender's ChangeCipherSpec are protected.
        // RFC 8446 §5: in 1.3 it is only for middlebox compatibility and "MUST simply be dropped".
        if (conn.status === 'keys' && conn.version === TLS12 && this.side !== null) this.enter(APPLICATION);
        else conn.changeCipherSpecWithoutKeys();
        return;
      }
      if (type !== CT_APPLICATION_DATA || conn.status !== 'keys' || this.side === null) {
        if (this.side === null) conn.fail('no-handshake');
        return; // an alert in the clear, or a protected record before we know its keys
      }
      // RFC 8446 §2: everything after the ServerHello is protected; 1.3 records are application_data outwardly.
      if (conn.version === TLS13) this.enter(HANDSHAKE);
      else return;
    }
    if (conn.version === TLS12) {
      if (type === CT_CHANGE_CIPHER_SPEC) return;
      const suite = conn.suite!;
      const plain =
        this.key === null
          ? null
          : suite.mac !== null
            ? openTls12Cbc(suite, this.key, this.seq, header, fragment, conn.encryptThenMac)
            : openTls12(suite, this.key, this.seq, header, fragment);
      this.seq++;
      if (plain === null) {
        this.bad(onLost);
        return;
      }
      conn.decryptedOne();
      if (type === CT_APPLICATION_DATA && plain.length > 0) onData(plain, from, to);
      return;
    }
    // TLS 1.3: ChangeCipherSpec is dropped; everything else is an encrypted TLSInnerPlaintext.
    if (type === CT_CHANGE_CIPHER_SPEC) return;
    let inner = this.key === null ? null : openTls13(conn.suite!, this.key, this.seq, header, fragment);
    this.seq++;
    if (inner === null && this.epoch === HANDSHAKE) {
      // The Finished that ends the handshake epoch was lost or damaged, or the key log lacks the
      // handshake secret: the record may be the first under the application keys.
      const keep = { key: this.key, seq: this.seq };
      this.enter(APPLICATION);
      inner = this.key === null ? null : openTls13(conn.suite!, this.key, this.seq, header, fragment);
      if (inner !== null) this.seq++;
      else {
        this.epoch = HANDSHAKE;
        this.key = keep.key;
        this.seq = keep.seq;
      }
    }
    if (inner === null) {
      this.bad(onLost);
      return;
    }
    conn.decryptedOne();
    if (inner.type === CT_HANDSHAKE) {
      if (!this.hs.push(inner.content, (t) => this.protectedHandshake(t))) conn.fail('unsupported');
    } else if (inner.type === CT_APPLICATION_DATA && this.epoch === APPLICATION && inner.content.length > 0)
      onData(inner.content, from, to);
  }

  private bad(onLost: () => void): void {
    this.stats.tlsBadRecords++;
    if (this.epoch === APPLICATION) onLost();
  }

  private clearHandshake(type: number, body: Uint8Array): void {
    this.side = clearHandshake(this.conn, this.side, type, body);
  }

  private protectedHandshake(type: number): void {
    // RFC 8446 §4.4.4: after its Finished, a side sends with its application traffic keys.
    if (type === HS_FINISHED && this.epoch === HANDSHAKE) this.enter(APPLICATION);
    // RFC 8446 §4.6.3: "the sender MUST send all its traffic using the next generation of keys".
    else if (type === HS_KEY_UPDATE && this.epoch === APPLICATION && this.secret !== null) {
      this.secret = tls13NextSecret(this.conn.suite!, this.secret);
      this.key = tls13TrafficKey(this.conn.suite!, this.secret);
      this.seq = 0n;
    }
  }

  private enter(epoch: number): void {
    this.epoch = epoch;
    this.seq = 0n;
    const conn = this.conn;
    const side = this.side!;
    if (conn.version === TLS12) {
      this.key = conn.key12(side);
      return;
    }
    this.secret = conn.secret(side, epoch);
    this.key = this.secret === null ? null : tls13TrafficKey(conn.suite!, this.secret);
  }

  /** Records are held unread, waiting for the other direction's ClientHello. */
  get holding(): boolean {
    return this.side === 'server' && this.conn.awaitingClientHello;
  }

  /** The direction is forgotten. */
  release(): void {
    this.conn.refs--;
  }
}

/**
 * A clear handshake message of one direction told to its connection (the
 * hellos, the messages kept for the session hash, the ClientKeyExchange):
 * the side the direction is after it (null until a hello says). Also what a
 * pcapng export reads the exported connections' handshakes with (export-keys.ts).
 */
export function clearHandshake(
  conn: TlsConnection,
  side: Side | null,
  type: number,
  body: Uint8Array,
): Side | null {
  if (type === HS_CLIENT_HELLO) {
    const ch = parseClientHello(body);
    if (ch === null) return side;
    conn.clientHello(ch.random);
    conn.keepHandshake('client', type, body);
    return 'client';
  }
  if (type === HS_SERVER_HELLO) {
    const sh = parseServerHello(body);
    if (sh === null) return side;
    conn.keepHandshake('server', type, body);
    // RFC 8446 §4.1.4: after a HelloRetryRequest the client sends a new ClientHello; the real ServerHello follows.
    if (!sh.helloRetryRequest) conn.serverHello(sh);
    return 'server';
  }
  if (side !== null) {
    conn.keepHandshake(side, type, body);
    if (type === HS_CLIENT_KEY_EXCHANGE && side === 'client') conn.clientKeyExchange(body);
  }
  return side;
}
