/**
 * DTLS records as they arrive on a media 5-tuple (RFC 5764 §5.1.2, RFC 7983
 * §7: a datagram whose first byte is 20..63 is DTLS, 128..191 RTP/RTCP), and
 * the handshake messages read in the clear: ClientHello and ServerHello,
 * with their use_srtp extension (RFC 5764 §4.1.1), and each side's
 * Certificate (dtls-fingerprint.ts).
 *
 * ```
 * record (RFC 6347 §4.1):    type(1) version(2) epoch(2) sequence_number(6) length(2) fragment
 * handshake (§4.2.2):        msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) body
 * ```
 *
 * A datagram may hold several records (§4.1.1: "Multiple DTLS records may be
 * placed in a single datagram"), a record several handshake fragments, and a
 * handshake message may come in fragments over records and datagrams
 * (§4.2.3): `HandshakeReassembly` puts the hellos back together. Records of
 * epoch 0 are clear; from epoch 1 on (after ChangeCipherSpec) they are
 * encrypted and only counted. Every read is bounds-checked: a record that
 * runs past its datagram is counted as malformed, never thrown.
 */
import { forEachExtension, parseServerHello, pastSuites } from '../tls/hello.js';

// DTLS keeps TLS's content and handshake types (RFC 6347 §4.1, §4.2.2).
export { HS_CLIENT_HELLO, HS_SERVER_HELLO } from '../tls/hello.js';
/** RFC 5246 §7.4.2 (RFC 6347 §4.2.2): the Certificate message, clear in DTLS 1.2. */
export const HS_CERTIFICATE = 11;
export { CT_HANDSHAKE } from '../tls/record.js';

/** RFC 5764 §4.1.1: the use_srtp extension. */
const EXT_USE_SRTP = 14;

export const DTLS12 = 0xfefd;
/** RFC 9147 §5.3: DTLS 1.3 in supported_versions (its record header still says 1.2). */
export const DTLS13 = 0xfefc;

const RECORD_HEADER = 13;
const HANDSHAKE_HEADER = 12;

/** RFC 7983 §7: the first byte of a DTLS datagram multiplexed with RTP, STUN, ZRTP and TURN. */
export const isDtls = (first: number): boolean => first >= 20 && first <= 63;

export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  /** The record's fragment (a view of the datagram). */
  body: Uint8Array;
}

/**
 * The records of one datagram. `malformed`: the datagram's bytes past the
 * last whole record did not make a record (a header cut short, a length
 * running past the datagram).
 */
export function parseRecords(b: Uint8Array): { records: DtlsRecord[]; malformed: boolean } {
  const records: DtlsRecord[] = [];
  let p = 0;
  while (p < b.length) {
    if (p + RECORD_HEADER > b.length || !isDtls(b[p])) return { records, malformed: true };
    const length = (b[p + 11] << 8) | b[p + 12];
    const end = p + RECORD_HEADER + length;
    if (end > b.length) return { records, malformed: true };
    records.push({
      type: b[p],
      version: (b[p + 1] << 8) | b[p + 2],
      epoch: (b[p + 3] << 8) | b[p + 4],
      body: b.subarray(p + RECORD_HEADER, end),
    });
    p = end;
  }
  return { records, malformed: false };
}

export interface HandshakeFragment {
  msgType: number;
  /** The whole message's length. */
  length: number;
  messageSeq: number;
  offset: number;
  /** This fragment's bytes (a view). */
  bytes: Uint8Array;
}

/** The handshake fragments of a clear handshake record; `malformed` when one runs past it or past its message. */
export function parseHandshakeFragments(body: Uint8Array): {
  fragments: HandshakeFragment[];
  malformed: boolean;
} {
  const fragments: HandshakeFragment[] = [];
  let p = 0;
  while (p < body.length) {
    if (p + HANDSHAKE_HEADER > body.length) return { fragments, malformed: true };
    const u24 = (at: number) => (body[at] << 16) | (body[at + 1] << 8) | body[at + 2];
    const length = u24(p + 1);
    const offset = u24(p + 6);
    const fragmentLength = u24(p + 9);
    const end = p + HANDSHAKE_HEADER + fragmentLength;
    if (end > body.length || offset + fragmentLength > length) return { fragments, malformed: true };
    fragments.push({
      msgType: body[p],
      length,
      messageSeq: (body[p + 4] << 8) | body[p + 5],
      offset,
      bytes: body.subarray(p + HANDSHAKE_HEADER, end),
    });
    p = end;
  }
  return { fragments, malformed: false };
}

/**
 * Largest message put back together (RFC 6347: a ClientHello with its
 * extensions is well under it, and so is a WebRTC self-signed certificate).
 */
const MAX_HELLO = 1 << 16;
/** Messages being put together at once, per reassembly: a stream of fragments that never completes is dropped. */
const MAX_PENDING = 8;

interface Pending {
  bytes: Uint8Array;
  /** Which bytes arrived (a fragment may be retransmitted or overlap another, §4.2.3). */
  got: Uint8Array;
  filled: number;
}

/**
 * One side's handshake messages of types `wanted`, put back together from
 * their fragments (RFC 6347 §4.2.3: "the receiver MUST buffer the message
 * fragments until it has the entire handshake message"), by message_seq.
 * A message that completes is given once; its retransmissions again (they
 * carry the same bytes).
 */
export class HandshakeReassembly {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly wanted: ReadonlySet<number>) {}

  /** The whole message `f` completes (its body), or null. */
  add(f: HandshakeFragment): Uint8Array | null {
    if (!this.wanted.has(f.msgType) || f.length > MAX_HELLO) return null;
    if (f.offset === 0 && f.bytes.length === f.length) return f.bytes;
    const key = f.messageSeq * 256 + f.msgType;
    let m = this.pending.get(key);
    if (m === undefined || m.bytes.length !== f.length) {
      m = { bytes: new Uint8Array(f.length), got: new Uint8Array(f.length), filled: 0 };
      this.pending.set(key, m);
      if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as number);
    }
    m.bytes.set(f.bytes, f.offset);
    for (let i = f.offset; i < f.offset + f.bytes.length; i++)
      if (m.got[i] === 0) {
        m.got[i] = 1;
        m.filled++;
      }
    if (m.filled < f.length) return null;
    this.pending.delete(key);
    return m.bytes;
  }
}

/**
 * RFC 5764 §4.1.1: `SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>`
 * then `opaque srtp_mki<0..255>`; the profiles in the sender's order.
 */
function useSrtp(body: Uint8Array): { profiles: number[]; mki: Uint8Array } {
  const profiles: number[] = [];
  if (body.length < 2) return { profiles, mki: new Uint8Array(0) };
  const end = Math.min(body.length, 2 + ((body[0] << 8) | body[1]));
  for (let p = 2; p + 1 < end; p += 2) profiles.push((body[p] << 8) | body[p + 1]);
  const m = end < body.length ? Math.min(body[end], body.length - end - 1) : 0;
  return { profiles, mki: body.slice(end + 1, end + 1 + m) };
}

export interface DtlsClientHello {
  random: Uint8Array;
  version: number;
  /** use_srtp's profiles offered, in the client's order; empty without the extension. */
  srtpProfiles: number[];
}

/**
 * RFC 6347 §4.2.1: client_version (2), random (32), session_id <0..32>,
 * cookie <0..2^8-1>, cipher_suites <2..2^16-2>, compression_methods
 * <1..2^8-1>, extensions.
 */
export function parseDtlsClientHello(b: Uint8Array): DtlsClientHello | null {
  if (b.length < 35) return null;
  // Past the session_id, then the cookie.
  const cookie = 35 + b[34];
  if (cookie + 1 > b.length) return null;
  const p = pastSuites(b, cookie + 1 + b[cookie]);
  if (p < 0 || p > b.length) return null;
  let profiles: number[] = [];
  forEachExtension(b, p, (type, body) => {
    if (type === EXT_USE_SRTP) profiles = useSrtp(body).profiles;
  });
  return { random: b.slice(2, 34), version: (b[0] << 8) | b[1], srtpProfiles: profiles };
}

export interface DtlsServerHello {
  random: Uint8Array;
  cipherSuite: number;
  /** server_version, or supported_versions' selected_version (DTLS 1.3, RFC 9147 §5.3). */
  version: number;
  /** The one profile use_srtp chose (RFC 5764 §4.1.1), null without the extension. */
  srtpProfile: number | null;
  /** use_srtp's srtp_mki: when not empty, the MKI of every SRTP and SRTCP packet both ways (§4.1.1). */
  srtpMki: Uint8Array;
  extendedMasterSecret: boolean;
}

/** RFC 6347 §4.2.1: the ServerHello is TLS 1.2's (RFC 5246 §7.4.1.3). */
export function parseDtlsServerHello(b: Uint8Array): DtlsServerHello | null {
  const h = parseServerHello(b);
  if (h === null) return null;
  // random (32) after server_version (2), session_id <0..32>, cipher_suite (2), compression_method (1).
  const at = 34 + 1 + b[34] + 3;
  let srtpProfile: number | null = null;
  let srtpMki: Uint8Array = new Uint8Array(0);
  forEachExtension(b, at, (type, body) => {
    if (type !== EXT_USE_SRTP) return;
    const u = useSrtp(body);
    srtpProfile = u.profiles[0] ?? null;
    srtpMki = u.mki;
  });
  const { random, cipherSuite, version, extendedMasterSecret } = h;
  return { random, cipherSuite, version, srtpProfile, srtpMki, extendedMasterSecret };
}
