/**
 * Text from the wire, made right and safe for a terminal: read as the UTF-8
 * it is (src/sip/wire-text.ts: the parser holds it as latin1), then control
 * characters shown as `\xNN` and bidi formatting characters as `\uNNNN`
 * (src/report/visible-text.ts, the escaping the web UI applies), so a
 * Call-ID or a User-Agent can neither drive the terminal (`ESC ] 0 ; … BEL`,
 * `ESC [ 2 J`, a bare CR, C1 controls) nor reorder the line it is printed on
 * (U+202E RLO and its kin).
 */
import { visibleLines, visibleText } from '../report/visible-text.js';
import { wireText } from '../sip/wire-text.js';

/** One field of text (no line break of its own): every control and bidi control escaped. */
export function termSafe(s: string): string {
  return visibleText(wireText(s));
}

/** A report's text: as termSafe but for its own line feeds (CRLF too) and tabs. */
export function termText(s: string): string {
  return visibleLines(wireText(s));
}

/**
 * What a command writes on stderr: its errors and warnings echo file names
 * (a name in a directory of captures is anyone's text: `sipscope analyze *`),
 * option values and messages of lower layers, so the whole text is made
 * safe here, once, rather than at each echo.
 */
export function writeErr(text: string): void {
  process.stderr.write(termText(text));
}
