/**
 * Text from the wire (and capture names), made visible and unable to move
 * its surroundings. A SIP header is anyone's text: a NUL, BEL or backspace
 * is invisible in a page, an ESC draws as a box, and a bidi control (RLO
 * U+202E and its kin) reverses what follows it, so `\u202eevil` read
 * "live" and an upload named `\u202egpj.pcap` was listed as `pacp.jpg`.
 *
 * - C0 and C1 controls and DEL become `\xNN`, as the CLI (src/cli/term-safe.ts)
 *   and tshark show them; line feeds, tabs and CRLF are kept where the text
 *   is laid out in lines (a raw message), else escaped too.
 * - The bidi formatting characters (LRE RLE PDF LRO RLO U+202A–U+202E, LRI
 *   RLI FSI PDI U+2066–U+2069, LRM RLM U+200E/U+200F, ALM U+061C) become
 *   `\u202e`: shown, never acting.
 *
 * dom.ts sends every string it puts in the page through here, so no view
 * has to remember; the ladder's labels and its text export too.
 */

const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same but for line feeds, tabs and the CR of a CRLF. */
const CONTROL_OR_BIDI_IN_LINES =
  /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/** Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, NKo…, and their presentation forms). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|[\ud802\ud803\ud83a\ud83b]/;

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

/**
 * Whether `s` holds a right-to-left character: such text is put in a
 * `<bdi>` (dom.ts), so that it is ordered on its own and cannot carry the
 * neutral characters around it (a `:` or a port) to its side.
 */
export function hasRtl(s: string): boolean {
  return RTL.test(s);
}
