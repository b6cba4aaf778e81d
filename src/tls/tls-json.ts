/**
 * SIP over TLS in `analyze --json`: the counts the text summary's
 * `TLS connections:` line gives, for a script to read (how many connections
 * were decrypted, and why the others were not). Only in a document whose
 * capture had TLS connections, so every other capture's output is unchanged.
 */
import type { TlsStats } from './session.js';

export interface TlsJson {
  /** TLS connections seen (any port). */
  connections: number;
  /** Connections with at least one record decrypted. */
  decrypted: number;
  /** Connections whose client random has no secret in the key log. */
  withoutKey: number;
  /** Connections whose version or cipher suite is not decrypted here (CBC, TLS 1.0/1.1, SSL). */
  unsupported: number;
  /** Connections seen without their handshake (the capture began mid-way, a gap). */
  withoutHandshake: number;
  /** Of the connections not decrypted, those to or from port 5061 (RFC 3261 §26.2). */
  sipPortNotDecrypted: number;
  /** Records decrypted, and records that did not authenticate (skipped). */
  records: number;
  failedRecords: number;
  /** Directions whose decryption stopped at a gap in the TCP stream. */
  gaps: number;
}

/** The JSON of `s`, or null when the capture had no TLS connection. */
export function tlsJson(s: TlsStats): TlsJson | null {
  return s.tlsFlows === 0 ? null : tlsCounts(s);
}

/** The JSON of `s`, zeros included. */
export function tlsCounts(s: TlsStats): TlsJson {
  return {
    connections: s.tlsFlows,
    decrypted: s.tlsDecrypted,
    withoutKey: s.tlsNoKey,
    unsupported: s.tlsUnsupported,
    withoutHandshake: s.tlsNoHandshake,
    sipPortNotDecrypted: s.tlsSipPortNotDecrypted,
    records: s.tlsRecords,
    failedRecords: s.tlsBadRecords,
    gaps: s.tlsGaps,
  };
}
