/**
 * Rows of SQL parameters packed for a trip to another thread
 * (sqlite-writer-thread.ts): a batch of 2,000 message rows posted as arrays
 * of 26 values was structured-cloned value by value on the analysis thread
 * (~2.3 s of a 200,000-call analysis). Packed, a batch is three transferable
 * buffers (a type per value, the numbers, the bytes of BLOBs) and one string
 * (every text value, one after the other), cloned as one copy of its
 * characters: the analysis thread appends, the writer thread slices.
 *
 * Values come back as they went: numbers as the same float64 (-0, NaN and
 * all), strings as the same UTF-16 units (lone surrogates too: nothing is
 * re-encoded), byte arrays as the same bytes, null as null.
 */

export type PackValue = string | number | null | Uint8Array;

const NULL = 0;
const NUMBER = 1;
const TEXT = 2;
const BLOB = 3;

/** A packed batch: `rows` rows of `width` values. */
export interface PackedRows {
  width: number;
  rows: number;
  /** One type per value (NULL, NUMBER, TEXT, BLOB). */
  types: Uint8Array;
  /** A number's value; a text's length in UTF-16 units; a BLOB's length in bytes. */
  nums: Float64Array;
  /** The texts, in order. */
  text: string;
  /** The BLOBs' bytes, in order. */
  blobs: Uint8Array;
}

/** Values a row at a time; `take` hands the batch out and starts the next. */
export class RowPacker {
  private types: Uint8Array;
  private nums: Float64Array;
  private blobs: Uint8Array;
  private n = 0;
  private text = '';
  private blobLength = 0;

  /** `capacity`: values held before the first growth (it doubles after). */
  constructor(
    readonly width: number,
    private capacity = width * 256,
  ) {
    if (!(width >= 1)) throw new RangeError(`RowPacker: rows of ${width} values`);
    this.types = new Uint8Array(capacity);
    this.nums = new Float64Array(capacity);
    this.blobs = new Uint8Array(0);
  }

  /** Rows complete so far. */
  get rows(): number {
    return Math.floor(this.n / this.width);
  }

  put(v: PackValue): void {
    if (this.n === this.types.length) this.grow();
    const k = this.n++;
    // undefined too: better-sqlite3 binds it as NULL.
    if (v === null || v === undefined) this.types[k] = NULL;
    else if (typeof v === 'number') {
      this.types[k] = NUMBER;
      this.nums[k] = v;
    } else if (typeof v === 'string') {
      this.types[k] = TEXT;
      this.nums[k] = v.length;
      this.text += v;
    } else {
      this.types[k] = BLOB;
      this.nums[k] = v.length;
      this.blob(v);
    }
  }

  /**
   * The batch so far (whole rows only: a row begun and not ended is a bug)
   * and the buffers to transfer with it; the packer starts afresh, sized
   * for a batch like this one.
   */
  take(): { packed: PackedRows; transfer: ArrayBuffer[] } {
    if (this.n % this.width !== 0)
      throw new Error(`RowPacker: ${this.n % this.width} values of a row of ${this.width} not ended`);
    const packed: PackedRows = {
      width: this.width,
      rows: this.n / this.width,
      types: this.types,
      nums: this.nums,
      text: this.text,
      blobs: this.blobs.subarray(0, this.blobLength),
    };
    this.capacity = Math.max(this.capacity, this.n);
    this.types = new Uint8Array(this.capacity);
    this.nums = new Float64Array(this.capacity);
    this.blobs = new Uint8Array(0);
    this.n = 0;
    this.text = '';
    this.blobLength = 0;
    const transfer = [packed.types.buffer, packed.nums.buffer] as ArrayBuffer[];
    if (packed.blobs.byteLength > 0) transfer.push(packed.blobs.buffer as ArrayBuffer);
    return { packed, transfer };
  }

  private grow(): void {
    const types = new Uint8Array(this.types.length * 2);
    types.set(this.types);
    const nums = new Float64Array(this.nums.length * 2);
    nums.set(this.nums);
    this.types = types;
    this.nums = nums;
  }

  private blob(v: Uint8Array): void {
    const end = this.blobLength + v.length;
    if (end > this.blobs.length) {
      const b = new Uint8Array(Math.max(end, this.blobs.length * 2, 1024));
      b.set(this.blobs.subarray(0, this.blobLength));
      this.blobs = b;
    }
    this.blobs.set(v, this.blobLength);
    this.blobLength = end;
  }
}

/**
 * The rows of a packed batch, each a fresh array of its values. Throws when
 * the batch does not add up (a bug on the packing side, not bad input).
 */
export function unpackRows(p: PackedRows): PackValue[][] {
  const { width, rows, types, nums, text, blobs } = p;
  if (types.length < rows * width || nums.length < rows * width)
    throw new Error(`unpackRows: ${rows} rows of ${width} values in ${types.length} slots`);
  const out: PackValue[][] = new Array(rows);
  let k = 0;
  let at = 0;
  let blobAt = 0;
  for (let r = 0; r < rows; r++) {
    const row: PackValue[] = new Array(width);
    for (let c = 0; c < width; c++, k++) {
      const t = types[k];
      if (t === NUMBER) row[c] = nums[k];
      else if (t === TEXT) {
        const end = at + nums[k];
        row[c] = text.substring(at, end);
        at = end;
      } else if (t === BLOB) {
        const end = blobAt + nums[k];
        row[c] = blobs.slice(blobAt, end);
        blobAt = end;
      } else if (t === NULL) row[c] = null;
      else throw new Error(`unpackRows: value type ${t}`);
    }
    out[r] = row;
  }
  if (at !== text.length || blobAt !== blobs.length)
    throw new Error(
      `unpackRows: ${text.length - at} text units and ${blobs.length - blobAt} bytes left over`,
    );
  return out;
}
