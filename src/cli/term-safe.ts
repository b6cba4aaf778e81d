/**
 * Text from the wire, made safe for a terminal. SIP headers are anyone's
 * text: a Call-ID or a User-Agent holding `ESC ] 0 ; … BEL` would retitle
 * the window, `ESC [ 2 J` clear the screen, a carriage return overwrite the
 * line before it, and some terminals act on C1 controls (U+0080–U+009F) too.
 * Control characters become `\xNN`, as tshark shows them.
 */

const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same, but for the line breaks (LF, and CRLF as CSV ends its lines) and tabs of a report sipscope lays out itself. */
const CONTROLS_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g;

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One field of text (no line break of its own): every control character escaped. */
export function termSafe(s: string): string {
  return s.replace(CONTROLS, hex);
}

/** A report's text: control characters escaped but for its own line feeds (CRLF too) and tabs. */
export function termText(s: string): string {
  CONTROLS_IN_TEXT.lastIndex = 0;
  return CONTROLS_IN_TEXT.test(s) ? s.replace(CONTROLS_IN_TEXT, hex) : s;
}
