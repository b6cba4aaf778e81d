/**
 * gzip-compressed captures (`trace.pcap.gz`, `tcpdump -w - | gzip`, what
 * many SBCs export), read as Wireshark reads them: decompressed on the fly,
 * sniffed from the first bytes (RFC 1952 §2.3.1: ID1 0x1f, ID2 0x8b), never
 * from the file name. Several members one after the other (`cat a.gz b.gz`)
 * are one stream, as gunzip has them.
 *
 * A stream cut short keeps everything decompressed before the cut and says
 * so (`onCut`); corrupt compressed data is a CaptureError at the offset in
 * the compressed file where zlib stopped.
 */
import { Readable } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';
import { CaptureError } from './frame.js';

/** The first bytes of a gzip member. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export interface GunzipOptions {
  /** Decompressed bytes per chunk handed on. */
  chunkSize: number;
  /** The compressed stream ended inside a member: `offset` is how many compressed bytes there were. */
  onCut?: (offset: number) => void;
}

/**
 * The bytes of `source`, decompressed when they are gzip (sniffed from the
 * first chunk), else handed on as they are. `name` is what errors call it.
 */
export async function* maybeGunzip(
  source: AsyncIterable<Uint8Array>,
  name: string,
  o: GunzipOptions,
): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  try {
    const first = await it.next();
    if (first.done) return;
    const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => it };
    if (isGzip(first.value)) yield* gunzipped(first.value, rest, name, o);
    else {
      yield first.value;
      yield* rest;
    }
  } finally {
    // A caller that stops early stops the source too (it may hold a file open).
    await it.return?.();
  }
}

async function* gunzipped(
  first: Uint8Array,
  rest: AsyncIterable<Uint8Array>,
  name: string,
  o: GunzipOptions,
): AsyncGenerator<Uint8Array> {
  let fed = 0;
  async function* compressed(): AsyncGenerator<Uint8Array> {
    fed += first.length;
    yield first;
    for await (const c of rest) {
      fed += c.length;
      yield c;
    }
  }
  const gunzip = createGunzip({ chunkSize: o.chunkSize });
  const input = Readable.from(compressed(), { objectMode: false });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const out of gunzip) yield out as Uint8Array;
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    if ((e as { errno?: number }).errno === constants.Z_BUF_ERROR) {
      // "unexpected end of file": the last member was cut short; what came before is good.
      o.onCut?.(fed);
      return;
    }
    // What zlib consumed before it stopped: where the problem is in the compressed file.
    const at = Math.min(gunzip.bytesWritten, fed);
    throw new CaptureError(name, at, `gzip data is corrupt (${(e as Error).message})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}
