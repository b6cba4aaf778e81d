/**
 * Retransmissions and mirror duplicates within one transaction.
 *
 * A retransmission is another copy of the same message sent again by the same
 * element: the same request, or the same response (same status, same To tag),
 * on the same src→dst (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E,
 * §17.2.1 Timer G, §13.3.1.4 2xx retransmission). Over TCP the stream layer
 * has already removed TCP retransmissions, so a copy seen here over TCP is a
 * SIP-level resend, and is a retransmission too.
 *
 * The same message on another src→dst pair is the message on another hop (or
 * seen on both sides of a NAT), not a retransmission.
 *
 * A byte-identical copy on the same src→dst within `window` seconds of the
 * previous one is a duplicate made by the capture (a mirror port or two taps
 * copying the same frame), not something an element sent twice: no SIP timer
 * is that short. "Byte-identical" is checked on the length and a 32-bit hash
 * of every byte, so that no message bytes are kept alive for it.
 */
import type { Endpoint } from '../decode/payload.js';
import type { Copy } from './model.js';

export interface CopyVerdict {
  retransmission: boolean;
  duplicate: boolean;
  /** Seconds since the previous copy. */
  interval?: number;
}

/** Kept copies of the strings a copy record holds (not slices of the message text). */
export interface CopyStrings {
  ip(s: string): string;
  tag(s: string): string;
}

const ORIGINAL: CopyVerdict = { retransmission: false, duplicate: false };

/**
 * Classifies a copy against the copies already seen in its transaction
 * (`owner.copies`) and records it. `code` is -1 for the request, -2 for the ACK of a non-2xx
 * response, else the status code.
 */
export function classifyCopy(
  owner: { copies: Copy | null },
  src: Endpoint,
  dst: Endpoint,
  code: number,
  toTag: string | undefined,
  ts: number,
  raw: Uint8Array,
  window: number,
  keep: CopyStrings,
): CopyVerdict {
  const len = raw.length;
  const fp = fingerprint(raw);
  let last: Copy | null = null;
  for (let c = owner.copies; c !== null; c = c.next) {
    last = c;
    if (c.code !== code || c.toTag !== toTag || !fromTo(c, src, dst)) continue;
    // Capture times are ~1.7e9 s: round the difference to the microsecond so
    // 0.5 s reads 0.5, not 0.49999976.
    const interval = Math.round((ts - c.ts) * 1e6) / 1e6;
    if (Math.abs(interval) <= window && c.len === len && c.fp === fp) {
      // The previous copy stays the reference: a duplicate was not sent by anyone.
      return { retransmission: false, duplicate: true, interval };
    }
    c.ts = ts;
    c.len = len;
    c.fp = fp;
    return { retransmission: true, duplicate: false, interval };
  }
  // Kept while the transaction is hot: the tag must not pin the message text
  // (reuse the copy another message of the transaction already made).
  let tag = toTag;
  if (tag !== undefined) {
    let own: string | undefined;
    for (let c = owner.copies; c !== null && own === undefined; c = c.next)
      if (c.toTag === tag) own = c.toTag;
    tag = own ?? keep.tag(tag);
  }
  const copy: Copy = {
    srcIp: keep.ip(src.ip),
    srcPort: src.port,
    dstIp: keep.ip(dst.ip),
    dstPort: dst.port,
    code,
    toTag: tag,
    ts,
    len,
    fp,
    next: null,
  };
  // Appended: the first copy stays first (dialog-rules reads where the request came from).
  if (last === null) owner.copies = copy;
  else last.next = copy;
  return ORIGINAL;
}

/** The copy went from `src` to `dst`. */
export function fromTo(c: Copy, src: Endpoint, dst: Endpoint): boolean {
  return c.srcPort === src.port && c.dstPort === dst.port && c.srcIp === src.ip && c.dstIp === dst.ip;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.ip === b.ip;
}

/**
 * The buffer `VIEW` reads; one view per capture chunk rather than one per message.
 * It keeps the last chunk hashed (256 KiB by default, read-file.ts) reachable until
 * a message from another buffer is hashed: bounded, one buffer.
 */
let viewBuffer: ArrayBufferLike | null = null;
let VIEW: DataView | null = null;

const PRIME = 0x01000193;

/**
 * An FNV-1a style hash of every byte, as a signed 32-bit integer: a small
 * integer in the copy record, where an unsigned value above 2^31 would make
 * V8 box the field of every copy as a heap number. Four lanes of four bytes
 * each per step, read as one 32-bit load each (a DataView over the capture
 * chunk, made once per chunk): each lane waits on its own multiply, so the four
 * chains run side by side. Each step (xor a word, multiply by the odd FNV prime)
 * is a bijection of the lane's state, so two inputs that differ in one lane's
 * words always leave that lane different; the lanes are then folded by steps
 * that are bijective in each lane, so such inputs never collide. Only ever
 * compared with fingerprints made here.
 */
export function fingerprint(b: Uint8Array): number {
  const n = b.length;
  const buf = b.buffer;
  if (buf !== viewBuffer || VIEW === null) {
    viewBuffer = buf;
    VIEW = new DataView(buf);
  }
  const v = VIEW;
  const o = b.byteOffset;
  const end16 = n - (n & 15);
  let h1 = 0x811c9dc5;
  let h2 = PRIME ^ n;
  let h3 = 0x27d4eb2f;
  let h4 = 0x165667b1;
  for (let i = 0; i < end16; i += 16) {
    const p = o + i;
    h1 = Math.imul(h1 ^ v.getInt32(p, true), PRIME);
    h2 = Math.imul(h2 ^ v.getInt32(p + 4, true), PRIME);
    h3 = Math.imul(h3 ^ v.getInt32(p + 8, true), PRIME);
    h4 = Math.imul(h4 ^ v.getInt32(p + 12, true), PRIME);
  }
  for (let i = end16; i < n; i++) h1 = Math.imul(h1 ^ b[i], PRIME);
  let h = Math.imul(h1 ^ h2, PRIME);
  h = Math.imul(h ^ h3, PRIME);
  h = Math.imul(h ^ h4, PRIME);
  h ^= h >>> 15;
  return h | 0;
}
