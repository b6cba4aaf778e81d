/**
 * Buffered, synchronous writing to stdout: text and JSON are encoded straight
 * into one reused 4 MiB buffer (report/json-bytes.ts) and written with one
 * system call when it fills (joining strings and allocating a Buffer per
 * flush was a tenth of a big capture's JSON time). A pipe whose reader is
 * slow (EAGAIN) is waited for; a reader that went away (EPIPE) ends the
 * program quietly, as `| head` expects (cli/fd-write.ts).
 */
import { JsonBytes } from '../report/json-bytes.js';
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

  line(s: string): void {
    this.text(this.terminal ? termText(s) : s);
    this.text('\n');
  }

  write(s: string): void {
    this.text(this.terminal ? termText(s) : s);
  }

  protected drain(b: Uint8Array): void {
    if (this.sink !== null) this.sink(b);
    else if (!writeAllSync(this.fd!, b)) process.exit(0);
  }
}
