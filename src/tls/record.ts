/**
 * TLS record layer framing (RFC 8446 §5.1, RFC 5246 §6.2.1): every record
 * starts with a 5-byte header
 *
 *   ContentType type;                  1 byte: 20..24
 *   ProtocolVersion legacy_record_version;  0x03 0x01..0x04
 *   uint16 length;
 *
 * and `length` bytes of fragment. Pure functions over a byte range.
 */

export const CT_CHANGE_CIPHER_SPEC = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPLICATION_DATA = 23;

export const RECORD_HEADER_LEN = 5;
/**
 * RFC 5246 §6.2.3: "The length (in bytes) of the following
 * TLSCiphertext.fragment. The length MUST NOT exceed 2^14 + 2048." (RFC 8446
 * §5.2 allows 2^14 + 256; the larger bound covers both.)
 */
export const MAX_RECORD_FRAGMENT = (1 << 14) + 2048;

/** A record header needs more bytes. */
export const RECORD_NEED_MORE = -1;
/** The bytes are not a TLS record header. */
export const RECORD_INVALID = -2;

/**
 * Looks like the start of a TLS record (the first bytes of a TCP direction):
 * ContentType 20..23 and legacy_record_version 0x03 0x00..0x04.
 */
export function looksLikeTlsRecord(b: Uint8Array, i: number, e: number): boolean {
  return (
    e - i >= 3 &&
    b[i] >= CT_CHANGE_CIPHER_SPEC &&
    b[i] <= CT_APPLICATION_DATA &&
    b[i + 1] === 3 &&
    b[i + 2] <= 4
  );
}

/**
 * Length of the whole record (header + fragment) at `b[i..e)`, or
 * RECORD_NEED_MORE until the whole record is there, or RECORD_INVALID when
 * the header is not a TLS record header or its length exceeds the bound.
 */
export function recordLength(b: Uint8Array, i: number, e: number): number {
  if (e - i < RECORD_HEADER_LEN)
    return e - i >= 3 && !looksLikeTlsRecord(b, i, e) ? RECORD_INVALID : RECORD_NEED_MORE;
  const t = b[i];
  if (t < CT_CHANGE_CIPHER_SPEC || t > 24 || b[i + 1] !== 3 || b[i + 2] > 4) return RECORD_INVALID;
  const len = (b[i + 3] << 8) | b[i + 4];
  if (len > MAX_RECORD_FRAGMENT) return RECORD_INVALID;
  return e - i >= RECORD_HEADER_LEN + len ? RECORD_HEADER_LEN + len : RECORD_NEED_MORE;
}

/**
 * The handshake messages of one direction (RFC 8446 §4, RFC 5246 §7.4): a
 * 4-byte header (msg_type, uint24 length) and the body; messages may span
 * records and a record may hold several. Bounded: a message longer than
 * `maxMessage` makes `push` return false (the direction is given up).
 */
export class HandshakeReader {
  /** The incomplete message held (bytes [0, held) of `buf`, whose capacity grows by doubling). */
  private buf = new Uint8Array(0);
  private held = 0;

  constructor(private readonly maxMessage = 256 * 1024) {}

  /** Appends handshake bytes and calls `onMessage` for every message now complete; false when one is too long. */
  push(bytes: Uint8Array, onMessage: (type: number, body: Uint8Array) => void): boolean {
    // RFC 8446 §5.1: "Implementations MUST NOT send zero-length fragments of Handshake types";
    // one held message is not copied again for them (nor for each small fragment: appends are amortized).
    if (bytes.length === 0) return true;
    let b: Uint8Array;
    let n: number;
    if (this.held === 0) {
      b = bytes;
      n = bytes.length;
    } else {
      n = this.held + bytes.length;
      if (n > this.buf.length) {
        const grown = new Uint8Array(Math.max(n, 2 * this.buf.length));
        grown.set(this.buf.subarray(0, this.held));
        this.buf = grown;
      }
      this.buf.set(bytes, this.held);
      b = this.buf;
    }
    let i = 0;
    while (n - i >= 4) {
      const len = (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
      if (len > this.maxMessage) return false;
      if (n - i < 4 + len) break;
      onMessage(b[i], b.subarray(i + 4, i + 4 + len));
      i += 4 + len;
    }
    const rest = n - i;
    if (rest === 0) this.held = 0;
    else if (b === bytes) {
      if (rest > this.buf.length) this.buf = new Uint8Array(Math.max(rest, 2 * this.buf.length));
      this.buf.set(bytes.subarray(i, n));
      this.held = rest;
    } else {
      // What is left is at most the bytes just pushed and a header's start: moving it is linear overall.
      if (i > 0) this.buf.copyWithin(0, i, n);
      this.held = rest;
    }
    return true;
  }
}
