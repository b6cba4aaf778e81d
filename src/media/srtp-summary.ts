/**
 * What a stream record says of its SRTP (media-tracker.ts, `streams[].srtp`
 * of `analyze --json`, server/API.md SrtpSummary). A file of its own, with no
 * crypto in it: the web page reads the type (and the words of a fingerprint check).
 */
/** What the stream record says of its SRTP (`streams[].srtp` of `analyze --json`). */
export interface SrtpSummary {
  /** The suite of the sender's key used (RFC 4568 §6.2), null when there was none to use. */
  suite: string | null;
  /** At least one packet authenticated with that key (RFC 3711 §4.2): the payloads read back are in clear. */
  decrypted: boolean;
  /** Packets authenticated (or all, UNAUTHENTICATED_SRTP). */
  verified: number;
  /** Packets whose tag did not verify (left as they are). */
  authFailures: number;
  /** The message whose SDP carried the key, the index of its m= line and its a=crypto tag. */
  keyMessage?: number;
  keyMedia?: number;
  tag?: number;
  /**
   * SRTCP (RFC 3711 §3.4) of the stream's sender, by its SSRC: packets whose
   * tag verified (their reports read into the stream records' `rtcp`) and
   * packets whose tag did not (not read). Present when any was seen.
   */
  rtcpVerified?: number;
  rtcpAuthFailures?: number;
  /** Why nothing was decrypted, when so (no a=crypto on the sender's side, a suite not done here…). */
  reason?: string;
  /**
   * Where the key came from: `sdes`, the a=crypto of the sender's SDP (RFC
   * 4568); `dtls`, the DTLS handshake on the stream's 5-tuple and a TLS key
   * log (RFC 5764, `dtls` says which). Absent when no key was looked for.
   */
  keying?: 'sdes' | 'dtls';
  dtls?: DtlsKeying;
  /**
   * DTLS-SRTP: packets that came before the handshake gave keys (RFC 5764
   * §5.1.2: SRTP only follows it), not verified nor counted as failures;
   * present when any.
   */
  beforeKeys?: number;
}

/**
 * Where a DTLS-SRTP stream's key came from (RFC 5764): the DTLS 1.2
 * handshake on its 5-tuple, and the key log line of its ClientHello's random.
 */
export interface DtlsKeying {
  /** The stream's sender in that handshake: the client's packets use the client_write keys (RFC 5764 §4.2). */
  role: 'client' | 'server';
  /** The ClientHello's random (hex): the key log's `CLIENT_RANDOM` line it needs. Absent when no ClientHello was seen. */
  clientRandom?: string;
  /** The ServerHello's random (hex), its cipher suite (IANA number) and the use_srtp profile it chose. */
  serverRandom?: string;
  cipherSuite?: number;
  profile?: string;
  /** Frame of the ServerHello. */
  frame?: number;
  /** use_srtp's srtp_mki (hex), when the server sent one: the MKI of every packet (RFC 5764 §4.1.1). */
  mki?: string;
  /** DTLS records on the 5-tuple (both ways) that did not parse (present when any). */
  malformedRecords?: number;
  /**
   * The stream's sender's certificate against the a=fingerprint of its SDP
   * (RFC 5763 §5; dtls-fingerprint.ts). Absent on records made before it.
   */
  fingerprint?: FingerprintCheck;
}

/** The check of one side's certificate (`srtp.dtls.fingerprint` of a stream record, server/API.md DtlsFingerprint). */
export interface FingerprintCheck {
  /** The side whose certificate it is, and its address (`ip:port`). */
  side: 'client' | 'server';
  endpoint: string;
  /** Frame that completed its Certificate message (absent when none was seen). */
  frame?: number;
  /** The message whose SDP announced that address, and the m= line's index. */
  message?: number;
  media?: number;
  /** The hash function compared with (`sha-256`). */
  hash?: string;
  /** The SDP's fingerprint of that hash function (the one matched, else the first), upper-case hex pairs. */
  sdp?: string;
  /** The certificate's fingerprint with that hash function. */
  certificate?: string;
  /** True: it matches one of the SDP's; false: none; null: not checked (`reason`). */
  match: boolean | null;
  reason?: string;
}

/**
 * The sender's DTLS certificate against its SDP's a=fingerprint (RFC 5763
 * §5), in a few words: `certificate matches its SDP's
 * a=fingerprint`, the two fingerprints when it does not, or why it was not
 * checked.
 */
export function fingerprintNote(f: FingerprintCheck): string {
  if (f.match === true) return "certificate matches its SDP's a=fingerprint";
  if (f.match === false)
    return `certificate does NOT match its SDP's ${f.hash} a=fingerprint: it hashes to ${f.certificate}, the SDP says ${f.sdp}`;
  return `certificate not checked: ${f.reason ?? 'unknown'}`;
}
