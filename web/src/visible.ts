/**
 * Text from the wire (and capture names), made visible and unable to move
 * its surroundings: controls become `\xNN` and bidi formatting characters
 * `\uNNNN` (src/report/visible-text.ts, shared with the CLI's terminal
 * output). dom.ts sends every string it puts in the page through here, so no
 * view has to remember; the ladder's labels and its text export too.
 */

export { visibleLines, visibleText } from '../../src/report/visible-text.js';

/** Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, NKo…, and their presentation forms). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|[\ud802\ud803\ud83a\ud83b]/;

/**
 * Whether `s` holds a right-to-left character: such text is put in a
 * `<bdi>` (dom.ts), so that it is ordered on its own and cannot carry the
 * neutral characters around it (a `:` or a port) to its side.
 */
export function hasRtl(s: string): boolean {
  return RTL.test(s);
}
