/**
 * Bytes read as UTF-8 the way TextDecoder reads them (WHATWG Encoding §9.1.1:
 * a maximal invalid subsequence becomes one U+FFFD), together with where each
 * byte offset lands in the decoded string. The API shows a message as text and
 * points into that text with string indexes, while the parser and the
 * findings count bytes.
 */

export interface Utf8Text {
  text: string;
  /** `index(b)`: the string index where byte offset `b` (0..length) starts. */
  index(byteOffset: number): number;
}

const REPLACEMENT = 0xfffd;

export function decodeUtf8WithIndex(bytes: Uint8Array): Utf8Text {
  const n = bytes.length;
  const at = new Int32Array(n + 1);
  const parts: string[] = [];
  let units: number[] = [];
  let out = 0;
  const emit = (cp: number): void => {
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      out += 2;
    } else {
      units.push(cp);
      out += 1;
    }
    if (units.length >= 4096) {
      parts.push(String.fromCharCode(...units));
      units = [];
    }
  };
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  // Where the pending sequence started in the output (its U+FFFD or character goes there).
  let seqOut = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (needed === 0) {
      at[i] = out;
      if (b <= 0x7f) emit(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else emit(REPLACEMENT);
      seqOut = out;
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence is cut short: one U+FFFD for it, and this byte starts afresh.
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      emit(REPLACEMENT);
      i--;
      continue;
    }
    at[i] = seqOut;
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      emit(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed !== 0) emit(REPLACEMENT);
  at[n] = out;
  if (units.length > 0) parts.push(String.fromCharCode(...units));
  const text = parts.join('');
  return {
    text,
    index: (b) => at[Math.max(0, Math.min(n, Math.floor(b)))],
  };
}
