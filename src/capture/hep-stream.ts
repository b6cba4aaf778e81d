/**
 * HEP over TCP: a byte stream of HEP3 packets one after the other, each
 * framed by its own total length (bytes 4–5 of its header). HEP v1/v2 have
 * no total length and are datagram-only.
 *
 * Bounded: a HEP3 packet is at most 65,535 bytes, so at most one partial
 * packet is held per connection. A stream that stops looking like HEP3 (no
 * magic where a packet must start, a length below the header) cannot be
 * resynchronised: the framer reports it and takes nothing more.
 */
import { hep3Length, startsLikeHep3 } from '../decode/hep.js';

const HEADER = 6;

export interface HepStreamFramer {
  /**
   * Takes the next bytes of the stream; returns the packets they completed
   * (views into the input or a held copy: use them before the next push).
   */
  push(chunk: Uint8Array): Uint8Array[];
  /** Why the stream was given up (`undefined` while it is fine). */
  readonly error: string | undefined;
  /** Bytes held for a packet not complete yet. */
  readonly pending: number;
}

export function createHepStreamFramer(): HepStreamFramer {
  let held: Uint8Array | null = null;
  let error: string | undefined;
  let consumed = 0;
  return {
    push(chunk) {
      const out: Uint8Array[] = [];
      if (error !== undefined || chunk.length === 0) return out;
      let data = chunk;
      if (held !== null) {
        data = new Uint8Array(held.length + chunk.length);
        data.set(held, 0);
        data.set(chunk, held.length);
        held = null;
      }
      let o = 0;
      while (o < data.length) {
        if (!startsLikeHep3(data, o)) {
          error = `not HEP3 at stream byte ${consumed + o}`;
          return out;
        }
        const len = hep3Length(data, o);
        if (len === undefined) break;
        if (len < HEADER) {
          error = `HEP3 length ${len} at stream byte ${consumed + o} is below the 6-byte header`;
          return out;
        }
        if (data.length - o < len) break;
        out.push(data.subarray(o, o + len));
        o += len;
      }
      consumed += o;
      if (o < data.length) held = data.slice(o);
      return out;
    },
    get error() {
      return error;
    },
    get pending() {
      return held === null ? 0 : held.length;
    },
  };
}
