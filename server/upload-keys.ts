/**
 * The TLS key fields of a multipart upload (server/API.md "Captures"):
 * `tlsKeylog`, an NSS key log (repeatable: the logs are joined), and
 * `tlsKey`, a server's RSA private key in PEM (repeatable), each as a file
 * part or a text field. Held in memory within their limits (capture-keys.ts),
 * then checked as `analyze --tls-keylog/--tls-key` checks its files: a key
 * that is not one is a 400 with one sentence, and nothing of the upload is
 * kept.
 */
import type { Readable } from 'node:stream';
import { tlsKeyTextProblem } from '../src/tls/key-options.js';
import { type KeyTexts, MAX_KEY_BYTES, MAX_KEYLOG_BYTES, MAX_RSA_KEYS } from './capture-keys.js';
import { HttpError } from './http-error.js';

export const KEYLOG_FIELD = 'tlsKeylog';
export const KEY_FIELD = 'tlsKey';

/** The request bytes the key fields may take (with room for the multipart framing). */
export const KEY_FIELDS_LIMIT = MAX_KEYLOG_BYTES + MAX_RSA_KEYS * MAX_KEY_BYTES + 64 * 1024;

export class KeyParts {
  private readonly logs: Buffer[] = [];
  private logBytes = 0;
  private readonly keys: string[] = [];
  /** The first problem met (an over-limit part); the parts after it are drained. */
  problem: HttpError | null = null;

  /** Reads a file part when its field is a key field (resolves at its end), within the field's limit; null for other fields. */
  file(field: string, stream: Readable): Promise<void> | null {
    if (field !== KEYLOG_FIELD && field !== KEY_FIELD) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    return new Promise((resolve) => {
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= this.room(field)) chunks.push(c);
      });
      // Cut at busboy's own limit: over ours too.
      stream.on('limit', () => {
        size = Number.POSITIVE_INFINITY;
      });
      stream.on('error', () => resolve());
      stream.on('end', () => {
        this.take(field, Buffer.concat(chunks), size);
        resolve();
      });
    });
  }

  /** Takes a text field when it is a key field (true); `truncated`: busboy cut it at its field size. */
  field(field: string, value: string, truncated: boolean): boolean {
    if (field !== KEYLOG_FIELD && field !== KEY_FIELD) return false;
    if (truncated)
      this.problem ??= new HttpError(
        413,
        `the field ${field} is too long for a text field: send it as a file part (curl -F ${field}=@FILE)`,
      );
    else this.take(field, Buffer.from(value, 'latin1'), Buffer.byteLength(value, 'latin1'));
    return true;
  }

  private room(field: string): number {
    return field === KEY_FIELD ? MAX_KEY_BYTES : MAX_KEYLOG_BYTES - this.logBytes;
  }

  private take(field: string, bytes: Buffer, size: number): void {
    if (this.problem !== null) return;
    if (size > this.room(field)) {
      this.problem =
        field === KEY_FIELD
          ? new HttpError(413, `a TLS key (field ${KEY_FIELD}) is limited to ${MAX_KEY_BYTES} bytes`)
          : new HttpError(
              413,
              `the TLS key log (field ${KEYLOG_FIELD}) is limited to ${MAX_KEYLOG_BYTES} bytes`,
            );
      return;
    }
    if (field === KEY_FIELD) {
      if (this.keys.length >= MAX_RSA_KEYS)
        this.problem = new HttpError(413, `an upload can bring at most ${MAX_RSA_KEYS} TLS keys`);
      else this.keys.push(bytes.toString('latin1'));
      return;
    }
    this.logs.push(bytes);
    this.logBytes += size;
  }

  /** The key material given, checked (400 or 413 when it is not usable), or undefined when none was. */
  texts(): KeyTexts | undefined {
    if (this.problem !== null) throw this.problem;
    if (this.logs.length === 0 && this.keys.length === 0) return undefined;
    const k: KeyTexts = { rsaKeys: this.keys };
    if (this.logs.length > 0) k.keyLog = this.logs.map((b) => b.toString('latin1')).join('\n');
    const problem = tlsKeyTextProblem(k.keyLog, k.rsaKeys);
    if (problem !== null) throw new HttpError(400, `${problem}; nothing of the upload was kept`);
    return k;
  }
}
