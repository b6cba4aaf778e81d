/**
 * Buffered, synchronous writing to stdout: text and JSON are encoded straight
 * into one reused 4 MiB buffer (report/json-bytes.ts) and written with one
 * system call when it fills (joining strings and allocating a Buffer per
 * flush was a tenth of a big capture's JSON time). A pipe whose reader is
 * slow (EAGAIN) is waited for; a reader that went away (EPIPE) ends the
 * program quietly, as `| head` expects.
 */
import { writeSync } from 'node:fs';
import { JsonBytes } from '../report/json-bytes.js';

const SIZE = 4 << 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class Output extends JsonBytes {
  /** `sink` receives each filled buffer (a view: copy what you keep); by default it goes to stdout. */
  constructor(private readonly sink: ((bytes: Uint8Array) => void) | null = null) {
    super(SIZE);
  }

  line(s: string): void {
    this.text(s);
    this.text('\n');
  }

  write(s: string): void {
    this.text(s);
  }

  protected drain(b: Uint8Array): void {
    if (this.sink !== null) {
      this.sink(b);
      return;
    }
    let off = 0;
    while (off < b.length) {
      try {
        off += writeSync(1, b, off, b.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') Atomics.wait(sleeper, 0, 0, 5);
        else if (code === 'EPIPE') process.exit(0);
        else throw e;
      }
    }
  }
}
