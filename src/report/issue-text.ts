/**
 * An issue's message as a person reads it. Issue messages are our own words
 * (any Unicode: `§`, `—`) with pieces of the message quoted in them as the
 * parser holds them: latin1, one char per byte. Reading the whole text as
 * UTF-8 turned our `§` (U+00A7, a lone continuation byte) into `�`; this
 * decodes only what forms a valid UTF-8 sequence (the quoted pieces' `é`,
 * held as `Ã©`) and keeps every other char as it is.
 */

/** Bytes after a lead byte, or 0 when `c` does not start a multi-byte sequence (RFC 3629 §4). */
function continuations(c: number): number {
  if (c >= 0xc2 && c <= 0xdf) return 1;
  if (c >= 0xe0 && c <= 0xef) return 2;
  if (c >= 0xf0 && c <= 0xf4) return 3;
  return 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function issueText(s: string): string {
  // Nothing between U+0080 and U+00FF: no quoted byte to decode (the usual case).
  if (!/[\u0080-\u00ff]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    const n = continuations(s.charCodeAt(i));
    let ok = n > 0 && i + n < s.length;
    for (let k = 1; k <= n && ok; k++) {
      const b = s.charCodeAt(i + k);
      ok = b >= 0x80 && b <= 0xbf;
    }
    if (ok) {
      const text = UTF8.decode(Buffer.from(s.slice(i, i + n + 1), 'latin1'));
      // Overlong or surrogate forms decode to U+FFFD: those chars are kept as they were.
      if (!text.includes('\ufffd')) {
        out += text;
        i += n + 1;
        continue;
      }
    }
    out += s[i];
    i++;
  }
  return out;
}
