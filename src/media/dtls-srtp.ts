/**
 * The DTLS-SRTP handshakes on the media 5-tuples (RFC 5764): each pair of
 * addresses the SDP announced that carries DTLS records (dtls-records.ts)
 * gets its ClientHello and ServerHello read, which side is the client, the
 * SRTP protection profile the server chose; with the key log's
 * `CLIENT_RANDOM` line of that ClientHello, the keys of both directions
 * (dtls-srtp-keys.ts). The streams of the pair then decrypt with them
 * (stream-srtp.ts): what the client sends with the client's key.
 *
 * A new handshake on the pair (a new ClientHello random: an ICE restart, a
 * re-INVITE) replaces the old one and bumps `generation`, so what started
 * with the old keys can tell. DTLS 1.3 (RFC 9147) puts use_srtp in the
 * encrypted EncryptedExtensions: its ServerHello is recognised and said not
 * done. Each side's Certificate (clear in DTLS 1.2) is checked against the
 * a=fingerprint of its SDP (dtls-fingerprint.ts, RFC 5763 §5) and handed to
 * `onCheck`. Bounded: MAX_PAIRS pairs, the oldest forgotten first.
 */
import { createHash } from 'node:crypto';
import { type Endpoint, endpointString, type Payload } from '../decode/payload.js';
import type { TlsKeyLog } from '../tls/keylog.js';
import { checkCertificate, type FingerprintCheck, firstCertificate } from './dtls-fingerprint.js';
import {
  CT_HANDSHAKE,
  DTLS12,
  DTLS13,
  type DtlsServerHello,
  HandshakeReassembly,
  HS_CERTIFICATE,
  HS_CLIENT_HELLO,
  HS_SERVER_HELLO,
  parseDtlsClientHello,
  parseDtlsServerHello,
  parseHandshakeFragments,
  parseRecords,
} from './dtls-records.js';
import { type DtlsSrtpKeys, dtlsSrtpKeys, prfHash, profileName } from './dtls-srtp-keys.js';
import type { SdesSide } from './sdes.js';
import type { SrtpSetup } from './srtp.js';
import type { DtlsKeying } from './srtp-summary.js';

const MAX_PAIRS = 4096;
const READ: ReadonlySet<number> = new Set([HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE]);

/**
 * A hello seen on a media 5-tuple (RFC 5246 §7.4.1): who sent it to whom,
 * `client` for a ClientHello (its sender acts as DTLS client), `server`
 * for a ServerHello. A retransmission is not told again (a ClientHello
 * after a HelloVerifyRequest, RFC 6347 §4.2.1, keeps its random).
 */
export interface DtlsHello {
  hello: 'client' | 'server';
  /** Sender and receiver (`ip:port`). */
  from: string;
  to: string;
  frame: number;
  /** Capture time (s). */
  ts: number;
}

/** The SRTP description of the SDP that announced address `from`. */
export type SenderSdp = (from: Endpoint) => SdesSide | undefined;

/**
 * What the pair keeps of one side's Certificate: the check, and the SHA-256
 * of the DER (`none` without one) to know a retransmission without keeping
 * the certificate (MAX_PAIRS pairs of two).
 */
interface SeenCertificate {
  check: FingerprintCheck;
  digest: string;
}

/** What one direction of a pair decrypts with, or why it cannot. */
export interface DtlsKey {
  /** Null when there is no key: `reason`. */
  setup: SrtpSetup | null;
  keying: DtlsKeying;
  reason?: string;
  /** Bumped each time the pair's keys change (a new handshake, a key log line that arrived). */
  generation: number;
}

interface Pair {
  client: string | null;
  server: string | null;
  clientRandom: Uint8Array | null;
  hello: DtlsServerHello | null;
  helloFrame: number;
  keys: DtlsSrtpKeys | null;
  /** Why `keys` is null (when the hellos are both in). */
  reason: string | null;
  generation: number;
  malformed: number;
  /** Each side's hellos being put back together, by its address. */
  reassembly: Map<string, HandshakeReassembly>;
  /** Each side's certificate of the current handshake, by its address. */
  certs: Map<string, SeenCertificate>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class DtlsSrtp {
  private readonly pairs = new Map<string, Pair>();
  /** Datagrams taken as DTLS, and the records that did not parse. */
  records = 0;
  malformed = 0;
  /** Records of epoch 1 and later (encrypted: Finished, alerts, application data), counted and not read. */
  encrypted = 0;

  /**
   * `keys`: the key log to find master secrets in (none: every pair says
   * which line it needs); `senderSdp`: where a side's a=fingerprint is;
   * `onCheck`: each side's certificate checked (once a handshake);
   * `onHello`: each new ClientHello and ServerHello (who acted as client).
   */
  constructor(
    private readonly keys?: TlsKeyLog,
    private readonly senderSdp?: SenderSdp,
    private readonly onCheck?: (c: FingerprintCheck) => void,
    private readonly onHello?: (h: DtlsHello) => void,
  ) {}

  /** One datagram whose first byte says DTLS (RFC 7983 §7), on a media address. */
  offer(p: Payload): void {
    const src = endpointString(p.src);
    const dst = endpointString(p.dst);
    const { records, malformed } = parseRecords(p.bytes);
    const pair = this.pair(src, dst);
    if (malformed) {
      this.malformed++;
      pair.malformed++;
    }
    for (const r of records) {
      this.records++;
      if (r.epoch !== 0) {
        this.encrypted++;
        continue;
      }
      if (r.type !== CT_HANDSHAKE) continue;
      const { fragments, malformed: bad } = parseHandshakeFragments(r.body);
      if (bad) {
        this.malformed++;
        pair.malformed++;
      }
      let re = pair.reassembly.get(src);
      if (re === undefined) {
        re = new HandshakeReassembly(READ);
        pair.reassembly.set(src, re);
      }
      for (const f of fragments) {
        const body = re.add(f);
        if (body === null) continue;
        if (f.msgType === HS_CLIENT_HELLO) this.clientHello(pair, body, src, dst, p);
        else if (f.msgType === HS_SERVER_HELLO) this.serverHello(pair, body, src, dst, p);
        else this.certificate(pair, body, p, src);
      }
    }
  }

  private pair(a: string, b: string): Pair {
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      pair = {
        client: null,
        server: null,
        clientRandom: null,
        hello: null,
        helloFrame: 0,
        keys: null,
        reason: null,
        generation: 0,
        malformed: 0,
        reassembly: new Map(),
        certs: new Map(),
      };
      this.pairs.set(key, pair);
      if (this.pairs.size > MAX_PAIRS) this.pairs.delete(this.pairs.keys().next().value as string);
    }
    return pair;
  }

  private clientHello(pair: Pair, body: Uint8Array, src: string, dst: string, p: Payload): void {
    const h = parseDtlsClientHello(body);
    if (h === null) {
      this.malformed++;
      pair.malformed++;
      return;
    }
    // RFC 6347 §4.2.1: the ClientHello after a HelloVerifyRequest keeps its random; a new random is a new handshake.
    if (pair.clientRandom !== null && hex(pair.clientRandom) === hex(h.random) && pair.client === src) return;
    pair.client = src;
    pair.server = dst;
    pair.clientRandom = h.random;
    pair.certs.clear();
    pair.hello = null;
    pair.keys = null;
    pair.reason = null;
    pair.generation++;
    this.onHello?.({ hello: 'client', from: src, to: dst, frame: p.frame, ts: p.ts });
  }

  private serverHello(pair: Pair, body: Uint8Array, src: string, dst: string, p: Payload): void {
    const h = parseDtlsServerHello(body);
    if (h === null) {
      this.malformed++;
      pair.malformed++;
      return;
    }
    if (pair.hello !== null && hex(pair.hello.random) === hex(h.random)) return;
    pair.server = src;
    pair.client = dst;
    pair.hello = h;
    pair.helloFrame = p.frame;
    pair.keys = null;
    pair.reason = null;
    pair.generation++;
    this.derive(pair);
    this.onHello?.({ hello: 'server', from: src, to: dst, frame: p.frame, ts: p.ts });
  }

  /**
   * A side's Certificate (RFC 5246 §7.4.2): its first certificate against
   * the a=fingerprint of its SDP; a retransmission (the same bytes) again
   * is not checked twice.
   */
  private certificate(pair: Pair, body: Uint8Array, p: Payload, src: string): void {
    const cert = firstCertificate(body);
    const digest = cert === null ? 'none' : createHash('sha256').update(cert).digest('base64');
    if (pair.certs.get(src)?.digest === digest) return;
    const check: FingerprintCheck = {
      side: src === pair.client ? 'client' : 'server',
      endpoint: src,
      frame: p.frame,
      match: null,
    };
    const sdp = this.senderSdp?.(p.src);
    if (sdp === undefined) {
      check.reason = `no SDP with SRTP media in the capture announced ${src}`;
    } else {
      check.message = sdp.message;
      check.media = sdp.media;
      checkCertificate(cert, sdp.fingerprints ?? [], check);
    }
    pair.certs.set(src, { check, digest });
    this.onCheck?.(check);
  }

  /** The check of `src`'s certificate on the pair, or why there is none. */
  private fingerprintOf(pair: Pair, src: string, role: 'client' | 'server'): FingerprintCheck {
    const seen = pair.certs.get(src);
    if (seen !== undefined) return { ...seen.check };
    const version = pair.hello?.version;
    const reason =
      version === DTLS13
        ? 'DTLS 1.3 (RFC 9147) encrypts the Certificate message: not checked'
        : version !== undefined && version !== DTLS12
          ? `DTLS version 0x${version.toString(16)}: only DTLS 1.2 certificates are read`
          : `no Certificate message from the DTLS ${role} in the capture (a resumed session sends none)`;
    return { side: role, endpoint: src, match: null, reason };
  }

  /** The check of the certificate of `src` in its handshake with `dst`, null when no DTLS was seen between them. */
  fingerprintFor(src: string, dst: string): FingerprintCheck | null {
    const pair = this.pairs.get(src < dst ? `${src} ${dst}` : `${dst} ${src}`);
    if (pair === undefined) return null;
    return this.fingerprintOf(pair, src, pair.client === src ? 'client' : 'server');
  }

  /** The keys of a pair whose hellos are both in, or the reason there are none. */
  private derive(pair: Pair): void {
    const h = pair.hello;
    if (h === null) return;
    if (h.version === DTLS13) {
      pair.reason = 'DTLS 1.3 (RFC 9147): use_srtp is in the encrypted EncryptedExtensions, not done here';
      return;
    }
    if (h.version !== DTLS12) {
      pair.reason = `DTLS version 0x${h.version.toString(16)} is not done here (DTLS 1.2 only)`;
      return;
    }
    if (h.srtpProfile === null) {
      pair.reason = 'the DTLS ServerHello chose no SRTP profile (no use_srtp, RFC 5764 §4.1.1)';
      return;
    }
    if (pair.clientRandom === null) {
      pair.reason = 'the DTLS ClientHello is not in the capture (its client_random names the key log line)';
      return;
    }
    const line = `CLIENT_RANDOM ${hex(pair.clientRandom)}`;
    const secret = this.keys?.get(pair.clientRandom)?.masterSecret;
    if (secret === undefined) {
      pair.reason =
        this.keys === undefined || this.keys.size === 0
          ? `no TLS key log (--tls-keylog): the DTLS handshake needs its ${line} line`
          : `no ${line} line in the TLS key log`;
      return;
    }
    const keys = dtlsSrtpKeys(
      h.srtpProfile,
      prfHash(h.cipherSuite),
      secret,
      pair.clientRandom,
      h.random,
      h.srtpMki,
    );
    if (typeof keys === 'string') pair.reason = keys;
    else pair.keys = keys;
  }

  /**
   * The key of what `src` sends to `dst` (endpoint strings), null when no
   * DTLS handshake was seen between them. A pair waiting for its key log
   * line looks again (a key log read as the capture goes).
   */
  keyFor(src: string, dst: string): DtlsKey | null {
    const pair = this.pairs.get(src < dst ? `${src} ${dst}` : `${dst} ${src}`);
    if (pair === undefined) return null;
    if (pair.keys === null && pair.hello !== null && pair.clientRandom !== null && this.keys !== undefined) {
      if (this.keys.get(pair.clientRandom)?.masterSecret !== undefined) {
        this.derive(pair);
        if (pair.keys !== null) pair.generation++;
      }
    }
    const role = pair.client === src ? 'client' : 'server';
    const h = pair.hello;
    const keying: DtlsKeying = { role };
    if (pair.clientRandom !== null) keying.clientRandom = hex(pair.clientRandom);
    if (h !== null) {
      keying.serverRandom = hex(h.random);
      keying.cipherSuite = h.cipherSuite;
      if (h.srtpProfile !== null) keying.profile = profileName(h.srtpProfile);
      keying.frame = pair.helloFrame;
      if (h.srtpMki.length > 0) keying.mki = hex(h.srtpMki);
    }
    if (pair.malformed > 0) keying.malformedRecords = pair.malformed;
    keying.fingerprint = this.fingerprintOf(pair, src, role);
    const setup = pair.keys === null ? null : pair.keys[role];
    const out: DtlsKey = { setup, keying, generation: pair.generation };
    if (setup === null)
      out.reason =
        pair.reason ??
        (h === null
          ? 'the DTLS handshake on this 5-tuple has no ServerHello (yet)'
          : 'the DTLS ClientHello is not in the capture');
    return out;
  }
}
