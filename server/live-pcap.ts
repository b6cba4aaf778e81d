/**
 * `serve --live-pcap DIR`: the raw frames of a live capture also written to
 * disk, as a ring of pcapng files (like dumpcap's `-b filesize: -b files:`)
 * so the traffic of the last hours can be opened in Wireshark or uploaded
 * later, while the disk use stays bounded: a file is closed once it passes
 * `fileBytes`, and the oldest are deleted beyond `files`.
 *
 * Each file is one section with an interface per (capture interface, link
 * type) met in it, nanosecond timestamps. Writing is asynchronous through a
 * bounded buffer: when the disk falls behind by more than `bufferBytes`, a
 * frame is dropped and counted rather than held in memory.
 *
 * HEP traffic is not written here: a HEP packet carries a SIP message, not
 * the frame it came in.
 *
 * The ring remembers which frames (by the live capture's frame numbers) each
 * kept file holds, so that `frames(first)` reads them back numbered as the
 * analysis numbered them: a live call's pcap, its RTP as audio and its
 * streams packet by packet come from here (capture/frame-source.ts). A file
 * closed (rotated, or the capture stopped) gets that list beside it, in
 * `<file>.frames`, and a ring named for its capture (`nameFor`) is found
 * again by a later server on the same directory (`keptRing`), so a restart
 * does not lose them; the file open when the process was killed has no
 * list, and is left out.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from '../src/capture/frame.js';
import { encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from '../src/capture/pcapng-writer.js';
import { openCapture } from '../src/capture/read-file.js';

export interface LivePcapOptions {
  dir: string;
  /** A file is closed once it holds this many bytes (default 64 MiB). */
  fileBytes?: number;
  /** Files kept; the oldest beyond are deleted (default 10). */
  files?: number;
  /** Bytes waiting for the disk before frames are dropped (default 16 MiB). */
  bufferBytes?: number;
  /** File names are `<prefix>-<UTC time>-<n>.pcapng` (default `sipscope-live`). */
  prefix?: string;
}

export interface LivePcapStats {
  /** Files written so far (including the open one). */
  files: number;
  frames: number;
  bytes: number;
  /** Frames not written: the disk fell behind, or a write failed. */
  dropped: number;
  /** The files on disk now, oldest first. */
  kept: string[];
  lastError: string | null;
}

export const DEFAULT_LIVE_PCAP = { fileBytes: 64 * 1024 * 1024, files: 10, bufferBytes: 16 * 1024 * 1024 };

/** A file of the ring and the frame numbers it holds. */
interface RingFile {
  path: string;
  /**
   * The numbers of its frames, in the order written, as runs: [first, last,
   * first, last, …] (one run unless frames were dropped or were not the
   * capture's, as HEP's are not).
   */
  runs: number[];
}

interface OpenFile extends RingFile {
  stream: WriteStream;
  bytes: number;
  /** `iface:linkType` → interface index in this file. */
  ifaces: Map<string, { index: number; desc: PcapngInterface }>;
}

export class LivePcapRing {
  private readonly fileBytes: number;
  private readonly files: number;
  private readonly bufferBytes: number;
  private prefix: string;
  private current: OpenFile | null = null;
  private readonly kept: RingFile[] = [];
  private readonly closing: Array<Promise<void>> = [];
  /** Each rotated-out file's stream end, until the file is deleted. */
  private readonly ended = new Map<string, Promise<void>>();
  private seq = 0;
  private closed = false;
  readonly counts = { files: 0, frames: 0, bytes: 0, dropped: 0 };
  private lastError: string | null = null;

  constructor(private readonly opts: LivePcapOptions) {
    this.fileBytes = opts.fileBytes ?? DEFAULT_LIVE_PCAP.fileBytes;
    this.files = Math.max(1, opts.files ?? DEFAULT_LIVE_PCAP.files);
    this.bufferBytes = opts.bufferBytes ?? DEFAULT_LIVE_PCAP.bufferBytes;
    this.prefix = opts.prefix ?? 'sipscope-live';
  }

  /**
   * Names the ring's files for live capture `captureId` (before its first
   * frame): `<prefix>-<captureId>-<time>-<n>.pcapng`, what `keptRing` finds.
   */
  nameFor(captureId: string): void {
    if (this.counts.files > 0) throw new Error('the ring is named before its first file');
    this.prefix = `${this.prefix}-${captureId}`;
  }

  /** Creates the directory; rejects with one clear line when it cannot. */
  async open(): Promise<void> {
    try {
      await mkdir(this.opts.dir, { recursive: true });
    } catch (e) {
      throw new Error(`--live-pcap ${this.opts.dir}: ${(e as Error).message}`);
    }
  }

  write(frame: Frame): void {
    if (this.closed) return;
    const f = this.current ?? this.next();
    if (f.stream.writableLength > this.bufferBytes) {
      this.counts.dropped++;
      return;
    }
    const key = `${frame.iface}:${frame.linkType}`;
    const known = f.ifaces.get(key);
    const iface = known ?? { index: f.ifaces.size, desc: { linkType: frame.linkType, tsresol: 9 } };
    let epb: Uint8Array;
    try {
      epb = encodeEpb(
        { iface: iface.index, sec: frame.sec, nsec: frame.nsec, data: frame.data, origLen: frame.origLen },
        iface.desc,
      );
    } catch (e) {
      this.counts.dropped++;
      this.lastError = (e as Error).message;
      return;
    }
    // A new interface once its first frame is written: its block before that frame (a frame dropped
    // above left the file with no block for the interface its next frames name).
    const blocks: Uint8Array[] = [];
    if (known === undefined) {
      f.ifaces.set(key, iface);
      blocks.push(encodeIdb(iface.desc));
    }
    blocks.push(epb);
    for (const b of blocks) {
      f.stream.write(b);
      f.bytes += b.length;
      this.counts.bytes += b.length;
    }
    const runs = f.runs;
    if (runs.length > 0 && runs[runs.length - 1] === frame.no - 1) runs[runs.length - 1] = frame.no;
    else runs.push(frame.no, frame.no);
    this.counts.frames++;
    if (f.bytes >= this.fileBytes) this.rotate();
  }

  stats(): LivePcapStats {
    return { ...this.counts, kept: this.kept.map((k) => k.path), lastError: this.lastError };
  }

  /** Closes the open file (everything buffered is written). */
  async close(): Promise<void> {
    this.closed = true;
    this.rotate();
    await Promise.all(this.closing);
  }

  /**
   * The kept frames numbered `first` or more, in order, with their numbers:
   * the files that hold them read back (the open one once what was written
   * to it is on disk). Frames dropped, or in files rotated out (deleted) by
   * then, are missing; a frame written after the call is not read.
   */
  frames(first: number): AsyncGenerator<Frame> {
    return readRing(
      this.kept,
      first,
      (line) => this.corrupt(line),
      async (k) => {
        // On disk first: a rotated file once its stream has ended, the open one up to what was written.
        const open = this.current;
        const ended = this.ended.get(k.path);
        if (ended !== undefined) await ended;
        else if (open !== null && open.path === k.path)
          await new Promise<void>((resolve) => open.stream.write(new Uint8Array(0), () => resolve()));
      },
    );
  }

  /** A kept file found damaged as it was read back: said where the ring says its errors, and on stderr. */
  private corrupt(line: string): void {
    this.lastError = line;
    warnCorrupt(line);
  }

  private next(): OpenFile {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const path = join(this.opts.dir, `${this.prefix}-${stamp}-${++this.seq}.pcapng`);
    const stream = createWriteStream(path);
    stream.on('error', (e) => {
      this.lastError = `${path}: ${e.message}`;
    });
    const shb = encodeShb();
    stream.write(shb);
    this.counts.files++;
    this.counts.bytes += shb.length;
    this.current = { path, runs: [], stream, bytes: shb.length, ifaces: new Map() };
    this.kept.push(this.current);
    while (this.kept.length > this.files) {
      const old = this.kept.shift()!.path;
      // Only once its stream has ended: a stream still opening would create the file again after
      // the delete (small files rotating fast left one file too many).
      const ended = this.ended.get(old) ?? Promise.resolve();
      this.ended.delete(old);
      this.closing.push(
        ended
          .then(() => Promise.all([rm(old, { force: true }), rm(`${old}${INDEX}`, { force: true })]))
          .then(
            () => undefined,
            () => undefined,
          ),
      );
    }
    return this.current;
  }

  private rotate(): void {
    const f = this.current;
    if (f === null) return;
    this.current = null;
    // Its frame numbers beside it once it is whole (a later server reads them: `keptRing`).
    const ended = new Promise<void>((resolve) => f.stream.end(() => resolve())).then(() =>
      writeFile(`${f.path}${INDEX}`, JSON.stringify({ runs: f.runs })).catch((e: Error) => {
        this.lastError = `${f.path}${INDEX}: ${e.message}`;
      }),
    );
    this.ended.set(f.path, ended);
    this.closing.push(ended);
    if (this.closing.length > 64) this.closing.splice(0, this.closing.length - 64);
  }
}

/** True when nothing is at `path` (a file the ring deleted). */
async function gone(path: string): Promise<boolean> {
  try {
    await access(path);
    return false;
  } catch {
    return true;
  }
}

/** The suffix of a ring file's frame-number list. */
const INDEX = '.frames';

/**
 * The frames numbered `first` or more of ring files `files` (oldest first,
 * each with its frame-number runs), in order, with their numbers;
 * `ready(file)` resolves once a file can be read as far as its runs say.
 * A file damaged since it was written (read-file.ts `info.corrupt`: a
 * record found corrupt after good ones) gives the frames before the damage,
 * then the next file's: `corrupt` is told the error line, naming the file
 * and the byte offset, as the frames after it are missing.
 */
async function* readRing(
  files: readonly RingFile[],
  first: number,
  corrupt: (line: string) => void,
  ready: (k: RingFile) => Promise<void>,
): AsyncGenerator<Frame> {
  for (const k of files.filter((f) => f.runs.length > 0 && f.runs[f.runs.length - 1] >= first)) {
    // Numbers and count as they are now: the open file grows meanwhile.
    const runs = k.runs.slice();
    let count = 0;
    for (let i = 0; i < runs.length; i += 2) count += runs[i + 1] - runs[i] + 1;
    await ready(k);
    // Opened by its first read: a file rotated out and deleted meanwhile, even between a check and
    // the open, is skipped (once open, a deleted file still reads).
    const capture = openCapture(k.path);
    const reader = capture[Symbol.asyncIterator]();
    let next: IteratorResult<Frame>;
    try {
      next = await reader.next();
    } catch (e) {
      if (await gone(k.path)) continue;
      throw e;
    }
    let run = 0;
    let no = runs[0];
    let read = 0;
    try {
      for (; next.done !== true; next = await reader.next()) {
        if (read++ === count) break;
        if (no > runs[run + 1]) {
          run += 2;
          no = runs[run];
        }
        if (no >= first) yield { ...next.value, no };
        no++;
      }
    } finally {
      // Stopped early (by the count, or by the caller): the file is closed.
      if (next.done !== true) await reader.return?.();
    }
    const damage = capture.info.corrupt;
    if (damage !== undefined && read < count)
      corrupt(
        `${damage.message}: ${count - read} frame${count - read === 1 ? '' : 's'} of it after that not read back`,
      );
  }
}

/** Said once a damaged file is read: on stderr, where an operator of the server looks. */
function warnCorrupt(line: string): void {
  console.warn(`sipscope: live pcap ring: ${line}`);
}

/**
 * The ring files live capture `captureId` left in `dir` (named by `nameFor`,
 * with their `.frames` lists), as a reader of its frames for a server that
 * did not write them; null when there is none. `prefix` as the ring's.
 */
export async function keptRing(
  dir: string,
  captureId: string,
  prefix = 'sipscope-live',
): Promise<((first: number) => AsyncGenerator<Frame>) | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  const mine = new RegExp(`^${escapeRegExp(`${prefix}-${captureId}`)}-\\d{8}T\\d{6}-(\\d+)\\.pcapng$`);
  const files: Array<RingFile & { seq: number }> = [];
  for (const name of names) {
    const m = mine.exec(name);
    if (m === null || !names.includes(`${name}${INDEX}`)) continue;
    try {
      const { runs } = JSON.parse(await readFile(join(dir, `${name}${INDEX}`), 'utf8')) as { runs: unknown };
      if (!Array.isArray(runs) || runs.length % 2 !== 0 || !runs.every((x) => Number.isSafeInteger(x)))
        continue;
      files.push({ path: join(dir, name), runs: runs as number[], seq: Number(m[1]) });
    } catch {
      // An unreadable list: that file's frames are not found by number.
    }
  }
  if (files.length === 0) return null;
  files.sort((a, b) => a.seq - b.seq);
  return (first) => readRing(files, first, warnCorrupt, async () => undefined);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
