/**
 * Text from the wire as a person reads it. The parser holds a message's
 * text as latin1, one char per byte (so that an index is a byte offset),
 * while SIP's text is UTF-8 (RFC 3261 §7.3.1, §25.1): a User-Agent
 * `Jürgen` is held as `JÃ¼rgen`. Everything sipscope prints that holds such
 * text goes through here: a finding's or an issue's words (our own, any
 * Unicode: `§`, `—`, with pieces of the message quoted in them), and the
 * CLI's text (src/cli/output.ts). Reading the whole text as UTF-8 would
 * turn our `§` (U+00A7, a lone continuation byte) into `�`; this decodes
 * only what forms a valid UTF-8 sequence and keeps every other char as it
 * is, so a byte that is not UTF-8 (a legacy UA's latin1 `é`, 0xE9) shows as
 * the latin1 char it is, and decoding text twice changes nothing more.
 */

/** Bytes after a lead byte, or 0 when `c` does not start a multi-byte sequence (RFC 3629 §4). */
function continuations(c: number): number {
  if (c >= 0xc2 && c <= 0xdf) return 1;
  if (c >= 0xe0 && c <= 0xef) return 2;
  if (c >= 0xf0 && c <= 0xf4) return 3;
  return 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function wireText(s: string): string {
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
