/**
 * The buffered bytes of one stream direction, with the frames each byte range
 * came from, so a message cut out of a stream knows every frame that carried
 * it and the one that completed it.
 */
import type { Endpoint, Transport } from '../decode/payload.js';
import type { MessageSource } from './message.js';

interface ChunkRecord {
  /** Absolute stream offsets [start, end). */
  start: number;
  end: number;
  frame: number;
  frames: number[];
  ts: number;
}

/**
 * The not-yet-consumed bytes of one stream direction and, for each byte
 * range, the frames that brought it.
 *
 * Readers index `bytes` directly between `pos` and `end` (`bytes.length ===
 * end`). When nothing is buffered, an appended chunk is used in place (no
 * copy); `settle()` must be called before the caller's chunk goes away, and
 * copies what is left into owned storage.
 */
export class ChunkBuffer {
  bytes: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** Absolute stream offset of bytes[0]. */
  private origin = 0;
  /** Absolute stream offset after the last appended byte. */
  private streamEnd = 0;
  private storage: Uint8Array = EMPTY;
  private external = false;
  private records: ChunkRecord[] = [];

  get available(): number {
    return this.end - this.pos;
  }

  /** Absolute stream offset of `bytes[i]`. */
  abs(i: number): number {
    return this.origin + i;
  }

  append(chunk: Uint8Array, frame: number, frames: number[], ts: number): void {
    const n = chunk.length;
    if (n === 0) return;
    this.records.push({ start: this.streamEnd, end: this.streamEnd + n, frame, frames, ts });
    this.streamEnd += n;
    if (this.pos === this.end) {
      this.bytes = chunk;
      this.pos = 0;
      this.end = n;
      this.origin = this.streamEnd - n;
      this.external = true;
      return;
    }
    if (this.external) this.internalize();
    const need = this.end + n;
    if (need > this.storage.length) {
      let cap = this.storage.length || 4096;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.storage.subarray(0, this.end));
      this.storage = grown;
    }
    this.storage.set(chunk, this.end);
    this.end = need;
    this.bytes = this.storage.subarray(0, need);
  }

  /** Marks everything before index `i` as consumed. */
  consumeTo(i: number): void {
    if (i < this.pos || i > this.end)
      throw new Error(`ChunkBuffer.consumeTo(${i}) outside [${this.pos}, ${this.end}]`);
    this.pos = i;
    const absPos = this.origin + i;
    let k = 0;
    const recs = this.records;
    while (k < recs.length && recs[k].end <= absPos) k++;
    if (k > 0) recs.splice(0, k);
  }

  /** Drops everything buffered; returns the number of bytes dropped. */
  clear(): number {
    const n = this.end - this.pos;
    this.consumeTo(this.end);
    this.settle();
    return n;
  }

  /**
   * Ends a push: copies unconsumed bytes of an in-place chunk into owned
   * storage, compacts, releases a storage grown for one large message.
   */
  settle(): void {
    const rest = this.end - this.pos;
    if (rest === 0) {
      if (this.storage.length > 256 << 10) this.storage = EMPTY;
      this.bytes = EMPTY;
      this.origin = this.streamEnd;
      this.pos = this.end = 0;
      this.external = false;
      return;
    }
    if (this.external) this.internalize();
    else if (this.pos > 0) {
      this.storage.copyWithin(0, this.pos, this.end);
      this.origin += this.pos;
      this.pos = 0;
      this.end = rest;
      this.bytes = this.storage.subarray(0, rest);
    }
  }

  private internalize(): void {
    const rest = this.end - this.pos;
    if (this.storage.length < rest) {
      let cap = 4096;
      while (cap < rest) cap *= 2;
      this.storage = new Uint8Array(cap);
    }
    this.storage.set(this.bytes.subarray(this.pos, this.end), 0);
    this.origin += this.pos;
    this.pos = 0;
    this.end = rest;
    this.bytes = this.storage.subarray(0, rest);
    this.external = false;
  }

  /**
   * Where the bytes [from, to) (indexes into `bytes`) came from: every frame
   * of every chunk they overlap (ascending, unique), and the frame that
   * completed them — the highest-numbered one, since the range cannot be
   * complete before all its frames were captured — with its capture time.
   */
  sourceOf(from: number, to: number, transport: Transport, src: Endpoint, dst: Endpoint): MessageSource {
    const a = this.origin + from;
    const b = this.origin + to;
    const recs = this.records;
    let frames: number[] | null = null;
    let first: ChunkRecord | null = null;
    let frame = -1;
    let ts = 0;
    for (let k = 0; k < recs.length; k++) {
      const r = recs[k];
      if (r.start >= b) break;
      if (r.end <= a) continue;
      if (first === null) first = r;
      else {
        if (frames === null) frames = first.frames.slice();
        for (let j = 0; j < r.frames.length; j++) frames.push(r.frames[j]);
      }
      if (r.frame > frame) {
        frame = r.frame;
        ts = r.ts;
      }
    }
    if (first === null) throw new Error(`ChunkBuffer.sourceOf(${from}, ${to}): no chunk holds these bytes`);
    if (frames === null) frames = first.frames.slice();
    else frames = sortedUnique(frames);
    return { transport, src, dst, frame, frames, ts };
  }
}

const EMPTY = new Uint8Array(0);

function sortedUnique(a: number[]): number[] {
  a.sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < a.length; r++) if (r === 0 || a[r] !== a[w - 1]) a[w++] = a[r];
  a.length = w;
  return a;
}

/** Merges two ascending frame lists (for messages assembled from several pieces). */
export function mergeSources(a: MessageSource, b: MessageSource): MessageSource {
  const frames = sortedUnique(a.frames.concat(b.frames));
  return b.frame >= a.frame ? { ...b, frames } : { ...a, frames };
}
