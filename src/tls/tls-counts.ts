/**
 * The counters of SIP over TLS as the JSON documents give them: `analyze
 * --json`'s `tls` (tls-json.ts), `live --json`'s `pipeline.tls` and the
 * server's `live.tls` (src/live/live-tls.ts). Types only, with no import, so
 * that the web UI reads the same shapes without Node's modules.
 */

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

export interface KeyWaitStats {
  /** Connections whose key was not in the key log at their ClientHello: held to wait for it. */
  waited: number;
  /** Of them, those whose key came while they waited (their records then decrypted as in a file). */
  keyCame: number;
  /** Let go without their key after `maxWaitSeconds` (key-wait.ts) of capture time (or at the end of the capture). */
  expired: number;
  /** Let go without their key early: over the per-connection or the total byte bound. */
  overflow: number;
  /** Connections not held, their ClientHello and ports saying another protocol (key-wait.ts `maySip`): let go at once. */
  notSip: number;
  /** Connections and bytes held now. */
  heldConnections: number;
  heldBytes: number;
}

/** `live`'s TLS counters: those of `analyze --json`'s `tls`, and the wait for keys logged late. */
export interface LiveTlsStats extends TlsJson {
  /** Null without a key log file. */
  keyWait: KeyWaitStats | null;
  /** The key log file: secrets' lines taken, re-reads from its start (rotation), failed looks. */
  keyLog: { lines: number; restarts: number; errors: number } | null;
}
