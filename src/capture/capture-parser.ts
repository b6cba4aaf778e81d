/**
 * The chunk-driven, environment-neutral capture reader: push bytes in any
 * split, get Frames out. Files, stdin, dumpcap pipes and uploads are thin
 * adapters around it (see `read-file.ts`).
 *
 * The format is sniffed from the first 4 bytes, never from a file name:
 * classic pcap (µs or ns magic, either byte order) or pcapng (Section Header
 * Block 0x0A0D0D0A). The format readers (`pcap.ts`, `pcapng.ts`) only ever see
 * whole records; this module does the buffering. A record that lies inside
 * one pushed chunk is handed over in place, so `Frame.data` is a view of that
 * chunk; only a record that straddles chunks is copied (once) into its own
 * buffer.
 *
 * Ownership: `push` keeps views of the chunks it is given; callers must not
 * reuse or modify a chunk's memory afterwards.
 */
import { CaptureError, type CaptureInfo, type Frame } from './frame.js';
import { isPcapMagic, PcapReader } from './pcap.js';
import { BLOCK_SHB, PcapngReader } from './pcapng.js';

export interface CaptureParser {
  /**
   * Feed the next bytes of the capture; returns the frames this chunk completed (maybe none).
   * A CaptureError (corrupt file) is thrown at once when the chunk completed no frame before
   * the bad record, otherwise those frames are returned first and the error is thrown by the
   * next push() or end(): every good frame is delivered, in order, before the error.
   */
  push(chunk: Uint8Array): Frame[];
  /**
   * End of input. A record cut short at the end becomes a warning in
   * `info.warnings` (every complete record before it was already returned);
   * input shorter than the file header / first SHB throws a CaptureError.
   */
  end(): void;
  /** What is known so far; `format` is 'pcap' until the magic has been read. */
  readonly info: CaptureInfo;
}

/** What `capture-parser` asks of a format reader (pcap.ts, pcapng.ts implement it). */
interface RecordReader {
  /** The file header (pcap) or first Section Header Block (pcapng) has been read. */
  readonly started: boolean;
  /** > 0: the record at `off` is that many bytes long; < 0: at least -n bytes are needed to tell. */
  probe(b: Uint8Array, off: number, avail: number, fileOffset: number): number;
  /** Handle one whole record. */
  record(b: Uint8Array, off: number, len: number, fileOffset: number, out: Frame[]): void;
}

const MAGIC_LEN = 4;

export function createCaptureParser(name: string): CaptureParser {
  return new ChunkedCaptureParser(name);
}

/** Parse a whole capture held in memory (uploads, tests). Throws CaptureError like the streaming parser. */
export function parseCaptureBytes(bytes: Uint8Array, name: string): { frames: Frame[]; info: CaptureInfo } {
  const parser = createCaptureParser(name);
  const frames = parser.push(bytes);
  parser.end();
  return { frames, info: parser.info };
}

class ChunkedCaptureParser implements CaptureParser {
  readonly info: CaptureInfo = { format: 'pcap', linkTypes: [], frames: 0, bytes: 0, warnings: [] };
  private reader: RecordReader | null = null;
  /** Bytes of the record (or header) that straddles chunks, as views of the chunks they came from. */
  private parts: Uint8Array[] = [];
  private partsLen = 0;
  /** How many bytes `parts` must hold before we can probe again / handle the record. */
  private need = 0;
  /** `need` is the whole record's length (false: only the bytes needed to read its length). */
  private needIsRecord = false;
  /** File offset of the next record (the pending one, when `parts` is not empty). */
  private offset = 0;
  private ended = false;
  private failure: CaptureError | null = null;

  constructor(private readonly name: string) {}

  push(chunk: Uint8Array): Frame[] {
    if (this.ended) throw new Error('CaptureParser.push() after end()');
    if (this.failure !== null) throw this.failure;
    this.info.bytes += chunk.length;
    const out: Frame[] = [];
    try {
      this.consume(chunk, out);
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
      this.failure = e;
      // Hand over the good frames this chunk completed before the bad
      // record; the error comes with the next push() or end().
      if (out.length === 0) throw e;
    }
    return out;
  }

  end(): void {
    if (this.ended) return;
    if (this.failure !== null) throw this.failure;
    this.ended = true;
    const reader = this.reader;
    if (reader === null || !reader.started) {
      const n = this.info.bytes;
      let reason: string;
      if (n === 0) reason = 'empty file, not a pcap or pcapng capture';
      else if (reader === null) reason = `file too short (${n} bytes) to be a pcap or pcapng capture`;
      else if (this.info.format === 'pcap')
        reason = `file too short (${n} bytes) for the 24-byte pcap file header`;
      else reason = `file too short (${n} bytes) for its pcapng section header block`;
      this.failure = new CaptureError(this.name, 0, reason);
      throw this.failure;
    }
    if (this.partsLen > 0) {
      this.info.warnings.push({
        offset: this.offset,
        message: this.needIsRecord
          ? `capture ends inside a record: ${this.partsLen} of ${this.need} bytes present; last record dropped`
          : `capture ends inside a record header (${this.partsLen} of ${this.need} bytes); last record dropped`,
      });
      this.parts = [];
      this.partsLen = 0;
    }
  }

  private consume(chunk: Uint8Array, out: Frame[]): void {
    let off = 0;
    const n = chunk.length;
    // 1. Complete the record that straddles the previous chunk boundary.
    while (this.partsLen > 0 && off < n) {
      const take = Math.min(this.need - this.partsLen, n - off);
      this.parts.push(chunk.subarray(off, off + take));
      this.partsLen += take;
      off += take;
      if (this.partsLen < this.need) return; // chunk exhausted
      const flat = this.flatten();
      const len = this.probe(flat, 0, flat.length);
      const want = len < 0 ? -len : len;
      if (want > flat.length) {
        // Now we know more (the header told us the record length): keep collecting.
        this.parts = [flat];
        this.partsLen = flat.length;
        this.need = want;
        this.needIsRecord = len > 0;
        continue;
      }
      if (len < 0 || len !== flat.length) {
        throw new Error(
          `capture-parser: record length ${len} disagrees with the ${flat.length} bytes collected`,
        );
      }
      this.handle(flat, 0, len, out);
    }
    // 2. Records wholly inside this chunk are handled in place.
    while (off < n) {
      const avail = n - off;
      const len = this.probe(chunk, off, avail);
      const want = len < 0 ? -len : len;
      if (want > avail) {
        this.parts = [chunk.subarray(off)];
        this.partsLen = avail;
        this.need = want;
        this.needIsRecord = len > 0;
        return;
      }
      if (len <= 0) throw new Error(`capture-parser: reader asked for ${want} bytes with ${avail} available`);
      this.handle(chunk, off, len, out);
      off += len;
    }
  }

  private probe(b: Uint8Array, off: number, avail: number): number {
    let reader = this.reader;
    if (reader === null) {
      if (avail < MAGIC_LEN) return -MAGIC_LEN;
      reader = this.reader = this.sniff(b, off);
    }
    return reader.probe(b, off, avail, this.offset);
  }

  private handle(b: Uint8Array, off: number, len: number, out: Frame[]): void {
    (this.reader as RecordReader).record(b, off, len, this.offset, out);
    this.offset += len;
  }

  private sniff(b: Uint8Array, off: number): RecordReader {
    const magic = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
    if (isPcapMagic(magic)) return new PcapReader(this.name, this.info, magic);
    if (magic === BLOCK_SHB) return new PcapngReader(this.name, this.info);
    throw new CaptureError(
      this.name,
      0,
      `not a pcap or pcapng capture (magic 0x${magic.toString(16).padStart(8, '0')})`,
    );
  }

  /** Join the pending parts into one buffer: the one copy a straddling record costs. */
  private flatten(): Uint8Array {
    const parts = this.parts;
    let flat: Uint8Array;
    if (parts.length === 1) {
      flat = parts[0];
    } else {
      flat = new Uint8Array(this.partsLen);
      let p = 0;
      for (let i = 0; i < parts.length; i++) {
        flat.set(parts[i], p);
        p += parts[i].length;
      }
    }
    this.parts = [];
    this.partsLen = 0;
    return flat;
  }
}
