/**
 * A batch of transactions, dialogs or calls as their JSON (report/model-json.ts
 * writers), rendered one after the other into one byte buffer: a
 * 200,000-call analysis renders a million of these, and making each a string
 * on the analysis thread (a decode per record) only for the writer thread to
 * receive a clone of it cost ~1 s there. Packed, the bytes go to the writer
 * thread as transferred buffers and become strings there (`jsonTexts`), the
 * same strings `renderJson` gives: the same bytes through the same decoder.
 */
import { JsonBytes } from '../report/json-bytes.js';

/** Records packed for another thread: record i is `bytes[ends[i-1] (0 for the first), ends[i])`. */
export interface PackedJson {
  ids: Float64Array;
  ends: Float64Array;
  bytes: Uint8Array;
}

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's UTF-8 decoder (Buffer's toString('utf8')); it accepts any Uint8Array as `this`. */
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice: Utf8Slice }).utf8Slice;

export class JsonRecords extends JsonBytes {
  private store = new Uint8Array(1 << 16);
  private stored = 0;
  private ids: number[] = [];
  private ends: number[] = [];

  constructor() {
    super(1 << 14);
  }

  /** Records in the batch. */
  get length(): number {
    return this.ids.length;
  }

  /** Record `id`, rendered by `write`. */
  add<T>(id: number, write: (w: JsonBytes, item: T) => void, item: T): void {
    write(this, item);
    this.ids.push(id);
    this.ends.push(this.stored + this.pos);
  }

  protected drain(bytes: Uint8Array): void {
    const end = this.stored + bytes.length;
    if (end > this.store.length) {
      const s = new Uint8Array(Math.max(end, this.store.length * 2));
      s.set(this.store.subarray(0, this.stored));
      this.store = s;
    }
    this.store.set(bytes, this.stored);
    this.stored = end;
  }

  /** The batch, packed with the buffers to transfer; the batch starts afresh. */
  take(): { packed: PackedJson; transfer: ArrayBuffer[] } {
    this.flush();
    const packed: PackedJson = {
      ids: Float64Array.from(this.ids),
      ends: Float64Array.from(this.ends),
      bytes: this.store.subarray(0, this.stored),
    };
    this.store = new Uint8Array(Math.max(1 << 16, this.stored));
    this.stored = 0;
    this.ids = [];
    this.ends = [];
    return {
      packed,
      transfer: [packed.ids.buffer, packed.ends.buffer, packed.bytes.buffer] as ArrayBuffer[],
    };
  }

  /** The batch as [id, JSON text]; the batch starts afresh. */
  takeTexts(): Array<[number, string]> {
    return jsonTexts(this.take().packed);
  }
}

/** [id, JSON text] of each packed record. */
export function jsonTexts(p: PackedJson): Array<[number, string]> {
  const n = p.ids.length;
  if (p.ends.length !== n || (n > 0 ? p.ends[n - 1] : 0) !== p.bytes.length)
    throw new Error(`jsonTexts: ${n} records, ${p.ends.length} ends, ${p.bytes.length} bytes`);
  const out: Array<[number, string]> = new Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = p.ends[i];
    out[i] = [p.ids[i], utf8Slice.call(p.bytes, start, end)];
    start = end;
  }
  return out;
}
