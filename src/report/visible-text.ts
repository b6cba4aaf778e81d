/**
 * Text from the wire (and capture names), made visible and unable to move
 * its surroundings, for every place sipscope shows it: the terminal
 * (src/cli/term-safe.ts) and the browser (web/src/visible.ts). A SIP header
 * is anyone's text:
 *
 * - a C0 or C1 control or DEL acts in a terminal (`ESC ] 0 ; … BEL`
 *   retitles the window, `ESC [ 2 J` clears the screen, a CR overwrites the
 *   line before it) and is invisible in a page: it becomes `\xNN`, as tshark
 *   shows it; line feeds, tabs and CRLF are kept where the text is laid out
 *   in lines (a raw message, a report), else escaped too;
 * - a bidi formatting character (LRE RLE PDF LRO RLO U+202A–U+202E, LRI RLI
 *   FSI PDI U+2066–U+2069, LRM RLM U+200E/U+200F, ALM U+061C) reverses or
 *   reorders what follows it, in a page and in a terminal that implements
 *   bidi alike (`\u202eevil` reads "live", a file `\u202egpj.pcap` is listed
 *   as `pacp.jpg`): it becomes `\u202e`, shown, never acting.
 */

const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same but for line feeds, tabs and the CR of a CRLF. */
const CONTROL_OR_BIDI_IN_LINES =
  /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One field of wire text (no line break of its own): controls and bidi controls shown as `\xNN` / `\uNNNN`. */
export function visibleText(s: string): string {
  CONTROL_OR_BIDI.lastIndex = 0;
  return CONTROL_OR_BIDI.test(s) ? s.replace(CONTROL_OR_BIDI, escapeOne) : s;
}

/** Text laid out in lines (a raw message, a report): as visibleText but keeping LF, tab and CRLF. */
export function visibleLines(s: string): string {
  CONTROL_OR_BIDI_IN_LINES.lastIndex = 0;
  return CONTROL_OR_BIDI_IN_LINES.test(s) ? s.replace(CONTROL_OR_BIDI_IN_LINES, escapeOne) : s;
}
