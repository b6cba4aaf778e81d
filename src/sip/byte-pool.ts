/**
 * Copies of small byte ranges carved out of shared 64 KiB slabs, as Node's
 * Buffer pool does: one ArrayBuffer per slab instead of one per message (an
 * ArrayBuffer each was a measurable share of a big capture's run time), while
 * a message kept for long pins at most one slab, never a whole read chunk.
 * Environment-neutral (no Buffer).
 */
const SLAB = 64 * 1024;
const LARGE = SLAB / 8;

let slab = new Uint8Array(SLAB);
let used = 0;

export function copyBytes(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const n = end - start;
  if (n > LARGE) return src.slice(start, end);
  if (used + n > SLAB) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  out.set(src.subarray(start, end));
  used += (n + 7) & ~7;
  return out;
}
