/**
 * NSS key log (what `SSLKEYLOGFILE` makes a TLS library write, and what a
 * pcapng Decryption Secrets Block of type TLSK holds): one secret per line,
 * `LABEL <client_random hex> <secret hex>`, keyed by the ClientHello's random.
 *
 *   CLIENT_RANDOM                     TLS 1.2 (and older): the 48-byte master secret
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET   TLS 1.3 (RFC 8446 §7.1) client_handshake_traffic_secret
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET   TLS 1.3 server_handshake_traffic_secret
 *   CLIENT_TRAFFIC_SECRET_0           TLS 1.3 client_application_traffic_secret_0
 *   SERVER_TRAFFIC_SECRET_0           TLS 1.3 server_application_traffic_secret_0
 *
 * Other labels (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, the RSA ones)
 * are skipped; so are comment lines (`#`) and lines that are not
 * `LABEL hex hex` (counted in `malformedLines`).
 */

import type { KeyObject } from 'node:crypto';
import { rsaPrivateKey } from './rsa-key-exchange.js';

export interface TlsSecrets {
  /** TLS 1.2 master secret (48 bytes). */
  masterSecret?: Uint8Array;
  clientHandshake?: Uint8Array;
  serverHandshake?: Uint8Array;
  clientTraffic0?: Uint8Array;
  serverTraffic0?: Uint8Array;
}

const LABELS: Record<string, keyof TlsSecrets> = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  CLIENT_TRAFFIC_SECRET_0: 'clientTraffic0',
  SERVER_TRAFFIC_SECRET_0: 'serverTraffic0',
};

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Each line of a key log's text (CRLF or LF; blank lines and `#` comments
 * skipped), trimmed: its three fields when it is `LABEL hex hex` (the secret
 * whole bytes), null when it is of another shape.
 */
export function forEachKeyLogLine(text: string, each: (parts: string[] | null, line: string) => void): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const ok = parts.length === 3 && HEX.test(parts[1]) && HEX.test(parts[2]) && parts[2].length % 2 === 0;
    each(ok ? parts : null, line);
  }
}

/** Where more key log text may appear while a capture is read (a pcapng reader's DSBs). */
export interface KeyLogSource {
  tlsKeyLog?: string[];
}

/** The keys an analysis of a file starts with: a key log's text and servers' RSA private keys (PEM). */
export function tlsKeysOf(keyLog: string | undefined, rsaKeys: readonly string[] = []): TlsKeyLog {
  const keys = new TlsKeyLog(keyLog);
  for (const pem of rsaKeys) keys.addRsaKey(pem);
  return keys;
}

export class TlsKeyLog {
  private readonly byRandom = new Map<string, TlsSecrets>();
  /** Servers' RSA private keys: TLS 1.2 RSA key exchange without a key log line (rsa-key-exchange.ts). */
  readonly rsaKeys: KeyObject[] = [];
  /** Lines taken (a known label with a 32-byte client random). */
  lines = 0;
  /** Lines that are neither a comment, blank, nor `LABEL hex hex`. */
  malformedLines = 0;
  /** Client randoms forgotten to stay within `maxRandoms` (the oldest first). */
  evicted = 0;
  private source: KeyLogSource | null = null;
  private sourceSeen = 0;

  /**
   * A key log's text (several lines; CRLF or LF). `maxRandoms` bounds the client randoms
   * kept (default: no bound, a file's key log read whole); a live capture that follows a
   * growing key log for days keeps the newest.
   */
  constructor(
    text?: string,
    private readonly maxRandoms = Number.POSITIVE_INFINITY,
  ) {
    if (text !== undefined) this.addText(text);
  }

  addText(text: string): void {
    forEachKeyLogLine(text, (parts) => {
      if (parts === null) {
        this.malformedLines++;
        return;
      }
      // Own labels only: `__proto__` or `constructor` from a hostile key log name no secret.
      const field = Object.hasOwn(LABELS, parts[0]) ? LABELS[parts[0]] : undefined;
      if (field === undefined || parts[1].length !== 64) return;
      const key = parts[1].toLowerCase();
      let s = this.byRandom.get(key);
      if (s === undefined) {
        if (this.byRandom.size >= this.maxRandoms) {
          this.byRandom.delete(this.byRandom.keys().next().value as string);
          this.evicted++;
        }
        s = {};
        this.byRandom.set(key, s);
      }
      s[field] = Buffer.from(parts[2], 'hex');
      this.lines++;
    });
  }

  /** Adds a server's RSA private key (PEM); throws a RangeError saying why it is not one. */
  addRsaKey(pem: string): void {
    this.rsaKeys.push(rsaPrivateKey(pem));
  }

  /** Also take the key log text `source` gathers as a capture is read (looked at on each lookup). */
  follow(source: KeyLogSource): void {
    this.source = source;
    this.sourceSeen = 0;
  }

  /** The secrets logged for a ClientHello's 32-byte random, if any. */
  get(clientRandom: Uint8Array): TlsSecrets | undefined {
    const more = this.source?.tlsKeyLog;
    if (more !== undefined) while (this.sourceSeen < more.length) this.addText(more[this.sourceSeen++]);
    return this.byRandom.get(Buffer.from(clientRandom).toString('hex'));
  }

  /** Client randoms with at least one secret. */
  get size(): number {
    return this.byRandom.size;
  }
}
