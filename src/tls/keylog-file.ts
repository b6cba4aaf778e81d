/**
 * An NSS key log file followed while it grows: in a live capture the TLS
 * library (an SBC's, Kamailio's, a Node client's `keylog` event) appends a
 * connection's lines at its handshake, i.e. just after the capture saw the
 * hellos. `refresh()` reads the bytes appended since the last read into a
 * `TlsKeyLog`; a line not yet ended by its newline waits for the next read.
 *
 * A file found shorter than what was read, or replaced (another inode: a
 * rotation), is read again from its start; keys read before are kept.
 * Reads are throttled by wall time (`minIntervalMs`): the file is looked at
 * (one `fstat`) at most that often, and read only when its size or mtime
 * changed. A file gone for a moment (rotated) is counted and tried again.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { TlsKeyLog } from './keylog.js';

export interface KeyLogFileOptions {
  /** Milliseconds between two looks at the file (default 100). */
  minIntervalMs?: number;
  /** Wall clock, ms (default `performance.now()`). */
  clock?: () => number;
}

/** Bytes read at once: a key log of days read at start is taken a chunk at a time. */
const CHUNK = 1 << 20;

export class KeyLogFile {
  /** Times the file was found shorter or replaced and read again from its start. */
  restarts = 0;
  /** Looks that failed (the file missing or unreadable for a while): tried again later. */
  errors = 0;
  /** The last failure's text (null after a good read). */
  lastError: string | null = null;
  private offset = 0;
  private partial = '';
  private ino = -1;
  private mtimeMs = -1;
  private lastLook = Number.NEGATIVE_INFINITY;
  private readonly minIntervalMs: number;
  private readonly clock: () => number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  constructor(
    readonly path: string,
    readonly keys: TlsKeyLog,
    opts: KeyLogFileOptions = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.clock = opts.clock ?? (() => performance.now());
  }

  /**
   * Reads what was appended since the last read (at most once per `minIntervalMs`
   * unless `force`). True when the key log took new lines.
   */
  refresh(force = false): boolean {
    const now = this.clock();
    if (!force && now - this.lastLook < this.minIntervalMs) return false;
    this.lastLook = now;
    const before = this.keys.lines;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      this.failed(e);
      return false;
    }
    try {
      const st = fstatSync(fd);
      const size = st.size;
      // Shorter than what was read, or another file: read again from the start.
      if (
        st.ino !== this.ino ||
        size < this.offset ||
        (size === this.offset && st.mtimeMs !== this.mtimeMs)
      ) {
        if (this.ino !== -1) this.restarts++;
        this.offset = 0;
        this.partial = '';
      }
      this.ino = st.ino;
      this.mtimeMs = st.mtimeMs;
      while (this.offset < size) {
        const n = readSync(fd, this.buf, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.take(this.buf.toString('latin1', 0, n));
      }
      this.lastError = null;
    } catch (e) {
      this.failed(e);
    } finally {
      closeSync(fd);
    }
    return this.keys.lines > before;
  }

  /** Whole lines to the key log; the last one, not yet ended, waits for the next read. */
  private take(text: string): void {
    const nl = text.lastIndexOf('\n');
    if (nl < 0) {
      this.partial += text;
      // Not a key log line past this length (labels and hex are under 300 bytes): not kept growing.
      if (this.partial.length > 64 * 1024) this.partial = '';
      return;
    }
    this.keys.addText(this.partial + text.slice(0, nl));
    this.partial = text.slice(nl + 1);
  }

  private failed(e: unknown): void {
    this.errors++;
    this.lastError = (e as Error).message;
  }
}
