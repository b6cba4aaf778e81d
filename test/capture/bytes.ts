/** Test helpers for byte fixtures (not a test file). */

/**
 * Bytes from commented hex: everything after `#` on a line is a comment,
 * whitespace is ignored. Lets fixtures say what every field is.
 */
export function hex(text: string): Uint8Array {
  const digits = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Deterministic pseudo-random generator (mulberry32) for reproducible splits. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Split bytes into chunks at the given cut points (views, like a stream would give). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...sorted, bytes.length]) {
    out.push(bytes.slice(prev, c));
    prev = c;
  }
  return out;
}
