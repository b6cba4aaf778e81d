/**
 * The lines of an NSS key log (keylog.ts; the format of NSS's "NSS Key Log
 * Format" page and draft-ietf-tls-keylogfile) by the session they belong to,
 * so that a pcapng export carries the secrets of the connections it holds and
 * of no other (export-keys.ts). Two line forms name their session:
 *
 *   LABEL <client random, 32 bytes hex> <secret hex>
 *       CLIENT_RANDOM (TLS 1.2 master secret), the TLS 1.3 secrets
 *       (CLIENT_EARLY_TRAFFIC_SECRET, CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *       CLIENT/SERVER_TRAFFIC_SECRET_0, EARLY_EXPORTER_SECRET,
 *       EXPORTER_SECRET), and any other label of this form (ECH_SECRET,
 *       Wireshark's PMS_CLIENT_RANDOM): the second field is the ClientHello
 *       random (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) of the session.
 *   RSA <first 8 bytes of the encrypted pre-master secret, hex> <pre-master secret hex>
 *       Wireshark's form for RSA key exchange: named by the start of the
 *       ClientKeyExchange's EncryptedPreMasterSecret (RFC 5246 §7.4.7.1).
 *
 * Everything else (comments, blank lines, lines of other shapes such as the
 * old `RSA Session-ID:… Master-Key:…`) names no session we can tell, and is
 * never written. Lines are kept as given (trimmed; CRLF or LF).
 */

import { forEachKeyLogLine } from './keylog.js';

/** Hex of a client random (32 bytes) or an RSA pre-master prefix (8 bytes), as the index keys them. */
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class KeyLogIndex {
  /** Lines by `r:<client random>` or `rsa:<encrypted pre-master prefix>` (lower-case hex). */
  private readonly byKey = new Map<string, string[]>();
  /** Client randoms that have a CLIENT_RANDOM line (a master secret). */
  private readonly masters = new Set<string>();

  constructor(text?: string) {
    if (text !== undefined) this.add(text);
  }

  add(text: string): void {
    forEachKeyLogLine(text, (parts, line) => {
      if (parts === null) return;
      const id = parts[1].toLowerCase();
      let key: string;
      if (parts[0] === 'RSA' && id.length === 16) key = `rsa:${id}`;
      else if (id.length === 64) key = `r:${id}`;
      else return;
      if (parts[0] === 'CLIENT_RANDOM') this.masters.add(id);
      const list = this.byKey.get(key);
      if (list === undefined) this.byKey.set(key, [line]);
      else if (!list.includes(line)) list.push(line);
    });
  }

  /** The lines of the session whose ClientHello random is `random` (hex). */
  linesOf(random: string): readonly string[] {
    return this.byKey.get(`r:${random.toLowerCase()}`) ?? [];
  }

  /** The `RSA` lines of the ClientKeyExchange whose encrypted pre-master secret starts with `prefix` (8 bytes hex). */
  rsaLinesOf(prefix: string): readonly string[] {
    return this.byKey.get(`rsa:${prefix.toLowerCase()}`) ?? [];
  }

  /** The log has a CLIENT_RANDOM line (a TLS 1.2 master secret) for `random` (hex). */
  hasMasterSecret(random: string): boolean {
    return this.masters.has(random.toLowerCase());
  }
}

/**
 * The lines of `text` that belong to the sessions named: by their client
 * randoms and the RSA ClientKeyExchange prefixes (hex), in that order, each once.
 */
export function keyLogFor(
  text: string,
  randoms: readonly string[],
  rsaPrefixes: readonly string[] = [],
): string[] {
  const index = new KeyLogIndex(text);
  return [
    ...new Set([
      ...randoms.flatMap((r) => index.linesOf(r)),
      ...rsaPrefixes.flatMap((p) => index.rsaLinesOf(p)),
    ]),
  ];
}
