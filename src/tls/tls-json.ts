/**
 * SIP over TLS in `analyze --json`: the counts the text summary's
 * `TLS connections:` line gives, for a script to read (how many connections
 * were decrypted, and why the others were not). Only in a document whose
 * capture had TLS connections, so every other capture's output is unchanged.
 */
import type { TlsStats } from './session.js';
import type { TlsJson } from './tls-counts.js';

export type { TlsJson } from './tls-counts.js';

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
