/**
 * Buffered, synchronous writing to stdout: text is encoded straight into one
 * reused 4 MiB buffer and written with one system call when it fills (joining
 * strings and allocating a Buffer per flush was a tenth of a big capture's
 * JSON time). A pipe whose reader is slow (EAGAIN) is waited for; a reader
 * that went away (EPIPE) ends the program quietly, as `| head` expects.
 */
import { writeSync } from 'node:fs';

const SIZE = 4 << 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class Output {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private used = 0;

  /** `sink` receives each filled buffer (a view: copy what you keep); by default it goes to stdout. */
  constructor(private readonly sink: ((bytes: Uint8Array) => void) | null = null) {}

  line(s: string): void {
    this.write(s);
    this.write('\n');
  }

  write(s: string): void {
    // Up to 3 bytes per UTF-16 unit in UTF-8.
    if (this.used + s.length * 3 > SIZE) {
      this.flush();
      if (s.length * 3 > SIZE) {
        this.writeAll(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(b: Uint8Array): void {
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
