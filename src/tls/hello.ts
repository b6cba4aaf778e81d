/**
 * The two handshake messages read in the clear: ClientHello (its random keys
 * the key log) and ServerHello (server random, cipher suite, version).
 */

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_NEW_SESSION_TICKET = 4;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;
export const HS_KEY_UPDATE = 24;

/** RFC 8446 §4.2.1 supported_versions. */
const EXT_SUPPORTED_VERSIONS = 43;
/** RFC 7301 §3.1 application_layer_protocol_negotiation. */
const EXT_ALPN = 16;
/** RFC 7366 §2 encrypt_then_mac. */
const EXT_ENCRYPT_THEN_MAC = 22;
/** RFC 7627 §5.1 extended_master_secret. */
const EXT_EXTENDED_MASTER_SECRET = 23;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

/**
 * RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose Random is
 * SHA-256("HelloRetryRequest").
 */
const HRR_RANDOM = Uint8Array.from(
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
);

export interface ClientHello {
  random: Uint8Array;
  /** supported_versions offered (RFC 8446 §4.2.1), or [legacy_version] without the extension. */
  versions: number[];
  /** ALPN protocols offered (RFC 7301 §3.1), in the client's order; empty without the extension. */
  alpn: string[];
}

export interface ServerHello {
  random: Uint8Array;
  cipherSuite: number;
  /** The negotiated version: supported_versions' selected_version, else legacy_version. */
  version: number;
  helloRetryRequest: boolean;
  /**
   * RFC 7366 §3: the server echoed encrypt_then_mac, so a CBC suite's records are
   * MACed after encryption ("MUST NOT send" it back with an AEAD or stream suite).
   */
  encryptThenMac: boolean;
  /** RFC 7627 §5.2: the server echoed extended_master_secret (the session hash goes into the master secret). */
  extendedMasterSecret: boolean;
}

/**
 * RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2: legacy_version (2), random (32),
 * legacy_session_id <0..32>, cipher_suites <2..2^16-2>,
 * legacy_compression_methods <1..2^8-1>, extensions <8..2^16-1>.
 */
export function parseClientHello(b: Uint8Array): ClientHello | null {
  if (b.length < 34) return null;
  const random = b.slice(2, 34);
  const legacy = (b[0] << 8) | b[1];
  if (35 > b.length) return null;
  const p = pastSuites(b, 35 + b[34]);
  if (p < 0) return null;
  let versions = [legacy];
  let alpn: string[] = [];
  forEachExtension(b, p, (type, body) => {
    if (type === EXT_ALPN) alpn = protocolNames(body);
    // struct { ProtocolVersion versions<2..254>; } in the ClientHello.
    else if (type === EXT_SUPPORTED_VERSIONS && body.length >= 1) {
      const n = Math.min(body[0], body.length - 1);
      const v: number[] = [];
      for (let k = 1; k + 1 <= n; k += 2) v.push((body[k] << 8) | body[k + 1]);
      versions = v;
    }
  });
  return { random, versions, alpn };
}

/**
 * A ClientHello's cipher_suites <2..2^16-2> and compression_methods
 * <1..2^8-1> from `p`: where its extensions start, or -1 when either
 * length field is past `b` (TLS's after the session_id, DTLS's after the
 * cookie, RFC 6347 §4.2.1).
 */
export function pastSuites(b: Uint8Array, p: number): number {
  if (p + 2 > b.length) return -1;
  p += 2 + ((b[p] << 8) | b[p + 1]);
  if (p + 1 > b.length) return -1;
  return p + 1 + b[p];
}

/**
 * RFC 7301 §3.1: `ProtocolName protocol_name_list<2..2^16-1>`, each
 * `opaque ProtocolName<1..2^8-1>`; a name running past the list ends it.
 */
function protocolNames(body: Uint8Array): string[] {
  const out: string[] = [];
  if (body.length < 2) return out;
  const end = Math.min(body.length, 2 + ((body[0] << 8) | body[1]));
  let p = 2;
  while (p < end) {
    const n = body[p];
    if (n === 0 || p + 1 + n > end) break;
    out.push(String.fromCharCode(...body.subarray(p + 1, p + 1 + n)));
    p += 1 + n;
  }
  return out;
}

/**
 * RFC 8446 §4.1.3: legacy_version (2), random (32), legacy_session_id_echo
 * <0..32>, cipher_suite (2), legacy_compression_method (1), extensions.
 * "A server which negotiates TLS 1.3 MUST respond by sending a
 * "supported_versions" extension containing the selected version value (0x0304)."
 */
export function parseServerHello(b: Uint8Array): ServerHello | null {
  if (b.length < 35) return null;
  const random = b.slice(2, 34);
  let version = (b[0] << 8) | b[1];
  let p = 34;
  p += 1 + b[p];
  if (p + 3 > b.length) return null;
  const cipherSuite = (b[p] << 8) | b[p + 1];
  p += 3;
  let encryptThenMac = false;
  let extendedMasterSecret = false;
  forEachExtension(b, p, (type, body) => {
    if (type === EXT_SUPPORTED_VERSIONS && body.length === 2) version = (body[0] << 8) | body[1];
    else if (type === EXT_ENCRYPT_THEN_MAC) encryptThenMac = true;
    else if (type === EXT_EXTENDED_MASTER_SECRET) extendedMasterSecret = true;
  });
  let hrr = true;
  for (let k = 0; k < 32 && hrr; k++) hrr = random[k] === HRR_RANDOM[k];
  return { random, cipherSuite, version, helloRetryRequest: hrr, encryptThenMac, extendedMasterSecret };
}

/** Each extension of the `extensions<..>` block at `p` (RFC 5246 §7.4.1.4), bounds-checked: one running past the block ends it. */
export function forEachExtension(
  b: Uint8Array,
  p: number,
  fn: (type: number, body: Uint8Array) => void,
): void {
  if (p + 2 > b.length) return;
  const end = Math.min(b.length, p + 2 + ((b[p] << 8) | b[p + 1]));
  p += 2;
  while (p + 4 <= end) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    p += 4;
    if (p + len > end) return;
    fn(type, b.subarray(p, p + len));
    p += len;
  }
}
