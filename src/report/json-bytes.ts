/**
 * JSON written straight into bytes. A big capture's document is tens of
 * megabytes made of millions of small pieces; building each record as a
 * string and then encoding it to UTF-8 allocated and copied every byte twice
 * (concatenations flatten on the way out), which was most of the output
 * time. Here keys, numbers and the usual all-ASCII strings are stored byte by
 * byte into one reused buffer; anything else takes the exact string path
 * (`jsonString`), so the bytes are always those of the string serializers.
 *
 * The buffer is handed to `drain` when it fills (subclasses: stdout, a
 * string); a piece longer than the buffer goes to `drain` on its own.
 */
import { jsonString } from './message-json.js';

const QUOTE = 0x22;
const ZERO = 0x30;

type Utf8Write = (this: Uint8Array, s: string, offset: number, length: number) => number;
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { utf8Write: Utf8Write; latin1Slice: Latin1Slice };
/** Node's native encoders; they accept any Uint8Array as `this`. */
const utf8Write = proto.utf8Write;
const latin1Slice = proto.latin1Slice;

/** The UTF-8 bytes of `s` (constant keys and literals, made once). */
export function utf8Of(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/** The latin1 string (one char per byte) of `bytes[start, end)`. */
export function latin1Of(bytes: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(bytes, start, end);
}

const NULL = utf8Of('null');
const TRUE = utf8Of('true');
const FALSE = utf8Of('false');

export abstract class JsonBytes {
  protected buf: Uint8Array;
  protected pos = 0;

  /** `size`: bytes written per `drain` (at least 16). */
  constructor(size: number) {
    if (!(size >= 16)) throw new RangeError(`JsonBytes: buffer of ${size} bytes`);
    this.buf = new Uint8Array(size);
  }

  /** Receives the filled part of the buffer (a view: copy what you keep). */
  protected abstract drain(bytes: Uint8Array): void;

  flush(): void {
    if (this.pos === 0) return;
    this.drain(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Bytes already encoded (a piece of the document written elsewhere). */
  bytes(b: Uint8Array): void {
    this.flush();
    if (b.length > 0) this.drain(b);
  }

  /** Bytes already encoded, copied into the buffer (short pieces: keys, literals made once). */
  raw(u: Uint8Array): void {
    const n = u.length;
    if (this.pos + n > this.buf.length) {
      this.bytes(u.slice());
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = u[i];
    this.pos = p;
  }

  /**
   * `raw(u)` for pieces usually longer than 16 bytes: a byte loop costs about
   * a nanosecond a byte, `set` a flat twenty or so whatever the length.
   */
  rawLong(u: Uint8Array): void {
    const n = u.length;
    if (this.pos + n > this.buf.length) {
      this.bytes(u.slice());
      return;
    }
    this.buf.set(u, this.pos);
    this.pos += n;
  }

  /**
   * `raw(key)` then `uint(n)` (n a non-negative integer below 2^31), with one
   * room check: the ids and counters after a constant key.
   */
  keyUint(key: Uint8Array, n: number): void {
    const k = key.length;
    if (this.pos + k + 10 > this.buf.length) {
      this.raw(key);
      this.uint(n);
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < k; i++) b[p++] = key[i];
    if (n < 10) {
      b[p++] = ZERO + n;
      this.pos = p;
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    p += digits;
    this.pos = p;
    for (let x = n; x > 0; ) {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    }
  }

  /** One ASCII byte (punctuation). */
  byte(c: number): void {
    if (this.pos === this.buf.length) this.flush();
    this.buf[this.pos++] = c;
  }

  /** Any text, as UTF-8 (lone surrogates become U+FFFD). */
  text(s: string): void {
    // Up to 3 bytes per UTF-16 unit in UTF-8.
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.drain(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.pos += utf8Write.call(this.buf, s, this.pos, this.buf.length - this.pos);
  }

  /** Text known to be ASCII (keys, punctuation, number text). */
  ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) {
      this.text(s);
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A number as JSON.stringify writes it; NaN, ±Infinity, null and undefined as `null`. */
  num(n: number | null | undefined): void {
    if (n === null || n === undefined || !Number.isFinite(n)) this.raw(NULL);
    else this.plain(n);
  }

  /** A number as `String(n)` writes it (NaN as `NaN`: for counters and ids, which are never NaN). */
  plain(n: number): void {
    if (n >= 0 && n <= 0x7fffffff && n === (n | 0)) this.uint(n);
    else if (!this.micros(n)) this.ascii(String(n));
  }

  /**
   * A non-negative number below 2^32 that is a whole number of millionths
   * (capture times in seconds, milliseconds to the microsecond) written
   * without String(n), which costs a shortest-round-trip search per call:
   * `us / 1e6` is the double nearest the decimal (division rounds
   * correctly), so when it is `n` that decimal reads back as `n`; below 2^32
   * doubles are closer than 1e-6 apart, so no other decimal of six places or
   * fewer does, and the shortest form String(n) prints is this one (plain
   * notation: 1e-6 and above). Returns false, writing nothing, otherwise.
   */
  private micros(n: number): boolean {
    if (!(n >= 1e-6 && n < 4294967296)) return false;
    const us = Math.round(n * 1e6);
    if (us / 1e6 !== n) return false;
    if (this.pos + 24 > this.buf.length) {
      this.flush();
      if (this.buf.length < 24) return false;
    }
    const frac = us % 1e6;
    this.whole((us - frac) / 1e6);
    if (frac === 0) return true;
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x2e;
    let digits = 6;
    // Below 1e6: small-integer arithmetic (a double's % and / cost several times more).
    let f = frac | 0;
    let q = (f / 10) | 0;
    while (f - q * 10 === 0) {
      f = q;
      q = (f / 10) | 0;
      digits--;
    }
    p += digits;
    this.pos = p;
    for (let i = 0; i < digits; i++) {
      q = (f / 10) | 0;
      b[--p] = ZERO + (f - q * 10);
      f = q;
    }
    return true;
  }

  /** A non-negative integer below 2^32 (the caller made room). */
  private whole(n: number): void {
    const b = this.buf;
    if (n < 10) {
      b[this.pos++] = ZERO + n;
      return;
    }
    if (n <= 0x7fffffff) {
      this.uint(n);
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = n; x > 0; x = Math.floor(x / 10)) b[--p] = ZERO + (x % 10);
  }

  /** A non-negative integer below 2^31. */
  uint(n: number): void {
    if (this.pos + 10 > this.buf.length) this.flush();
    const b = this.buf;
    if (n < 10) {
      b[this.pos++] = ZERO + n;
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = n; x > 0; ) {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    }
  }

  /**
   * `[a,b,…]` as `[${a.join(',')}]` writes it, for arrays of ids: one room
   * check per element and the digits written here (other numbers go to `plain`).
   */
  uints(a: readonly number[]): void {
    this.byte(0x5b);
    for (let i = 0; i < a.length; i++) {
      const n = a[i];
      if (!(n >= 0 && n <= 0x7fffffff && n === (n | 0))) {
        if (i > 0) this.byte(0x2c);
        this.plain(n);
        continue;
      }
      if (this.pos + 11 > this.buf.length) this.flush();
      const b = this.buf;
      let p = this.pos;
      if (i > 0) b[p++] = 0x2c;
      let digits = 1;
      for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
      p += digits;
      this.pos = p;
      let x = n;
      do {
        const q = (x / 10) | 0;
        b[--p] = ZERO + (x - q * 10);
        x = q;
      } while (x > 0);
    }
    this.byte(0x5d);
  }

  /** `true` / `false`. */
  bool(v: boolean): void {
    this.raw(v ? TRUE : FALSE);
  }

  /** A JSON string literal, byte for byte what `jsonString(s)` gives. */
  str(s: string): void {
    const n = s.length;
    if (this.pos + n + 2 > this.buf.length) {
      this.text(jsonString(s));
      return;
    }
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // jsonString's fast path: no quote, backslash, control character or non-ASCII.
      if (c < 0x20 || c === QUOTE || c === 0x5c || c > 0x7f) {
        this.text(jsonString(s));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /** `str(s)`, or `null`. */
  strOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.raw(NULL);
    else this.str(s);
  }

  /** `raw(key)` then `latin1Str(src, start, end)`, with one room check. */
  keyLatin1Str(key: Uint8Array, src: Uint8Array, start: number, end: number): void {
    const k = key.length;
    if (this.pos + k + end - start + 2 > this.buf.length) {
      this.raw(key);
      this.latin1Str(src, start, end);
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < k; i++) b[p++] = key[i];
    b[p++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i];
      if (c < 0x20 || c === QUOTE || c === 0x5c || c > 0x7f) {
        this.pos += k;
        this.text(jsonString(latin1Of(src, start, end)));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /**
   * A JSON string literal of latin1 text held as bytes (`src[start, end)`),
   * what `jsonString(latin1Of(src, start, end))` gives.
   */
  latin1Str(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.pos + n + 2 > this.buf.length) {
      this.text(jsonString(latin1Of(src, start, end)));
      return;
    }
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i];
      if (c < 0x20 || c === QUOTE || c === 0x5c || c > 0x7f) {
        this.text(jsonString(latin1Of(src, start, end)));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }
}

/** Renders into a growing buffer and gives the text back (for callers that want strings). */
export class JsonText extends JsonBytes {
  private readonly parts: Uint8Array[] = [];

  constructor() {
    super(1 << 16);
  }

  protected drain(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
  }

  /** The text written since the last call, and starts afresh. */
  take(): string {
    let s: string;
    if (this.parts.length === 0) s = Buffer.from(this.buf.buffer, 0, this.pos).toString('utf8');
    else {
      this.flush();
      s = Buffer.concat(this.parts).toString('utf8');
      this.parts.length = 0;
    }
    this.pos = 0;
    return s;
  }
}

const scratch = new JsonText();

/** What `write` puts into a JsonBytes, as a string. Not re-entrant. */
export function renderJson<T>(item: T, write: (w: JsonBytes, item: T) => void): string {
  write(scratch, item);
  return scratch.take();
}
