/**
 * Strings kept in long-lived records, without keeping their source alive.
 *
 * Header values come out of the parser as slices of the whole message text,
 * and V8 keeps a slice's parent string alive: one Call-ID kept in a record
 * would keep the entire message text in memory for as long as the record
 * lives. Strings stored for long go through `detach` (a flat copy of their
 * own) or, when few distinct values recur (hosts, sent-by, IP addresses),
 * through an `Interner` that hands out one shared copy per value.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's native latin1 decoder (it accepts any Uint8Array as `this`); absent elsewhere. */
const latin1Slice = (globalThis as unknown as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } })
  .Buffer?.prototype.latin1Slice;
const scratch = new Uint8Array(256);

/** A copy of `s` that references nothing but its own characters. */
export function detach(s: string): string;
export function detach(s: string | null): string | null;
export function detach(s: string | undefined): string | undefined;
export function detach(s: string | null | undefined): string | null | undefined {
  // V8 copies slices shorter than 13 characters anyway.
  if (s === null || s === undefined || s.length < 13) return s;
  const n = s.length;
  if (latin1Slice !== undefined && n <= scratch.length) {
    // Header text is latin1: its bytes decoded afresh make one flat string of
    // exactly its length (half the memory of the slice of a copy below).
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) break;
      scratch[i] = c;
    }
    if (i === n) return latin1Slice.call(scratch, 0, n);
  }
  // Concatenation flattens into a new string; the slice of it pins only that.
  return ` ${s}`.slice(1);
}

/** One shared detached copy per distinct value; bounded (cleared when full). */
export class Interner {
  private readonly map = new Map<string, string>();

  constructor(private readonly max = 4096) {}

  get(s: string): string {
    let v = this.map.get(s);
    if (v === undefined) {
      if (this.map.size >= this.max) this.map.clear();
      v = detach(s);
      this.map.set(v, v);
    }
    return v;
  }
}
