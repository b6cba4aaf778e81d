/**
 * Buffered, synchronous writing to stdout: text and JSON are encoded straight
 * into one reused 4 MiB buffer (report/json-bytes.ts) and written with one
 * system call when it fills (joining strings and allocating a Buffer per
 * flush was a tenth of a big capture's JSON time). A pipe whose reader is
 * slow (EAGAIN) is waited for; a reader that went away (EPIPE) ends the
 * program quietly, as `| head` expects (cli/fd-write.ts).
 */
import { JsonBytes } from '../report/json-bytes.js';
import { wireText } from '../sip/wire-text.js';
import { writeAllSync } from './fd-write.js';
import { termText } from './term-safe.js';

const SIZE = 4 << 20;

export class Output extends JsonBytes {
  /** The file descriptor written to (another thread may write there too), or null when a sink takes the bytes. */
  readonly fd: number | null;

  /**
   * `sink` receives each filled buffer (a view: copy what you keep); without
   * one, the bytes go to file descriptor `fd` (default 1, stdout).
   */
  constructor(
    private readonly sink: ((bytes: Uint8Array) => void) | null = null,
    fd = 1,
  ) {
    super(SIZE);
    this.fd = sink === null ? fd : null;
  }

  /** Text for a terminal: `line` and `write` escape the control characters of what they are given (term-safe.ts). */
  terminal = false;

  /**
   * A line of text. The text may quote the wire as the parser holds it
   * (latin1, one char per byte): it is written as the UTF-8 it is
   * (wire-text.ts), so `JÃ¼rgen` prints as `Jürgen`, terminal or not.
   */
  line(s: string): void {
    this.write(s);
    this.text('\n');
  }

  /** Text, as `line` writes it. */
  write(s: string): void {
    this.text(this.terminal ? termText(s) : wireText(s));
  }

  /**
   * JSON for a terminal: JSON leaves DEL and the C1 controls (U+007F–U+009F)
   * as they are, and some terminals act on C1 (U+009B is CSI); they are
   * written as `\u00XX` instead, the same JSON. Only when stdout is a
   * terminal: a program reading the JSON gets the bytes of the serializers.
   */
  jsonTerminal = false;
  /** A UTF-8 lead byte 0xC2 held back from the end of the last buffer. */
  private heldC2 = false;

  protected drain(b: Uint8Array): void {
    if (this.jsonTerminal) b = this.escapeC1(b);
    if (this.sink !== null) this.sink(b);
    else if (!writeAllSync(this.fd!, b)) process.exit(0);
  }

  /** `b` with DEL (0x7F) and U+0080–U+009F (0xC2 0x80–0x9F) as `\u00XX`; a 0xC2 at its end waits for the next. */
  private escapeC1(b: Uint8Array): Uint8Array {
    const out: number[] = [];
    const hex = (n: number) => {
      for (const c of `\\u00${n.toString(16).padStart(2, '0')}`) out.push(c.charCodeAt(0));
    };
    let i = 0;
    if (this.heldC2) {
      this.heldC2 = false;
      if (b.length > 0 && b[0] >= 0x80 && b[0] <= 0x9f) {
        hex(b[0]);
        i = 1;
      } else out.push(0xc2);
    }
    let plain = i;
    for (; i < b.length; i++) {
      const x = b[i];
      if (x !== 0x7f && x !== 0xc2) continue;
      if (x === 0xc2 && i + 1 === b.length) {
        for (let k = plain; k < i; k++) out.push(b[k]);
        this.heldC2 = true;
        plain = b.length;
        break;
      }
      if (x === 0xc2 && !(b[i + 1] >= 0x80 && b[i + 1] <= 0x9f)) continue;
      for (let k = plain; k < i; k++) out.push(b[k]);
      if (x === 0x7f) hex(0x7f);
      else hex(b[++i]);
      plain = i + 1;
    }
    if (out.length === 0 && plain === 0 && !this.heldC2) return b;
    for (let k = plain; k < b.length; k++) out.push(b[k]);
    return Uint8Array.from(out);
  }
}
