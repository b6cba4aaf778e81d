/**
 * Several captures read as one, merged by time as `mergecap` merges them by
 * default: the frame with the earliest timestamp of all files' next frames
 * goes first; a file's own frames keep their order (a file whose timestamps
 * go backwards is not sorted, as mergecap does not sort it). On equal
 * timestamps the file given LAST goes first: mergecap's merge_read_packet
 * (wiretap/merge.c) keeps the last file whose next frame `is_earlier`, and
 * is_earlier is true for equal times (checked against mergecap 4.0:
 * test/capture/merge-captures.test.ts). Frames are numbered again in the
 * merged order (1-based), so the numbers are tshark's on `mergecap -w OUT
 * A B …`; where each came from is kept in `origins` (frame-origins.ts).
 *
 * Streaming: each file is read a chunk at a time by its own reader
 * (read-file.ts: format sniffed per file, gzip undone, pcapng interfaces and
 * link types per file, each frame carrying its link type). The merge holds
 * one chunk's frames per file, never a whole file.
 *
 * Errors are the files' own: a file that is not a capture, or whose records
 * are corrupt, throws its reader's CaptureError (naming that file and the
 * byte offset) and the merge stops there — every file's header is read
 * before the first frame goes out, so a file that is not a capture fails the
 * merge before any frame. A record cut short at a file's end is a warning of
 * that file (`info.warnings` of its entry in `files`); the others go on.
 */
import type { CaptureInfo, CaptureWarning, Frame } from './frame.js';
import { FrameOrigins } from './frame-origins.js';
import { type CaptureReader, type OpenCaptureOptions, openCapture } from './read-file.js';
import { shiftedReader, type TimeShift } from './time-shift.js';

/** One of the merged files: what error lines call it, and what its reader learnt of it. */
export interface CaptureFile {
  readonly name: string;
  readonly info: CaptureInfo;
}

/** Frames of several captures in time order, numbered in that order. */
export interface MergedCapture extends CaptureReader {
  /** The files in argument order (each one's format, link types, frames, bytes, warnings). */
  readonly files: readonly CaptureFile[];
  /** Each merged frame's file and number there, filled in as frames are read. */
  readonly origins: FrameOrigins;
}

/** `paths` read as one capture, merged by time (see above); `timeShifts`: each file's (time-shift.ts). */
export function openCaptures(
  paths: readonly string[],
  opts: OpenCaptureOptions & { timeShifts?: readonly (TimeShift | null)[] } = {},
): MergedCapture {
  return mergeCaptures(
    paths.map((p, k) => ({
      name: p,
      reader: shiftedReader(openCapture(p, { chunkSize: opts.chunkSize }), opts.timeShifts?.[k]),
    })),
  );
}

/** The readers' frames merged by time; each reader is iterated by the merge only. */
export function mergeCaptures(inputs: readonly { name: string; reader: CaptureReader }[]): MergedCapture {
  if (inputs.length === 0) throw new RangeError('mergeCaptures: no capture to merge');
  const files: CaptureFile[] = inputs.map((x) => ({ name: x.name, info: x.reader.info }));
  const origins = new FrameOrigins();
  const keyLog: string[] = [];
  const info = mergedInfo(files, keyLog);
  let iterated = false;
  const start = (): AsyncGenerator<Frame[]> => {
    if (iterated) throw new Error('a merged capture reader can only be iterated once');
    iterated = true;
    return mergedBatches(inputs, origins, keyLog);
  };
  return {
    files,
    origins,
    info,
    [Symbol.asyncIterator](): AsyncIterator<Frame> {
      return frames(start())[Symbol.asyncIterator]();
    },
    batches: start,
  };
}

/** Each file's warnings as the lines the CLI and the JSON print: `<file>: <what> at byte offset N`. */
export function warningLines(files: readonly CaptureFile[]): string[] {
  return files.flatMap((f) =>
    f.info.warnings.map((w) => `${f.name}: ${w.message} at byte offset ${w.offset}`),
  );
}

/**
 * A line for each file found corrupt after good frames (read-file.ts): the
 * error, and that what came before it was analysed.
 */
export function corruptLines(files: readonly CaptureFile[]): string[] {
  return files.flatMap((f) => {
    const e = f.info.corrupt;
    if (e === undefined) return [];
    const n = f.info.frames;
    return [
      `${e.message}: the ${n} frame${n === 1 ? '' : 's'} before it analysed, the rest of the file not read`,
    ];
  });
}

/**
 * A line about merged files (`warningLines`, a CaptureError's message, the
 * TLS warning naming them all as `A, B`, a clock warning naming two) with each file's path told as the
 * name the user knows it by (`names[k]` for `paths[k]`): the server's files
 * are in its data directory, whose path the API never shows.
 */
export function namedLine(line: string, paths: readonly string[], names: readonly string[]): string {
  // Every place a path is said (a clock warning names two files), in one pass, the longest path first.
  const order = paths
    .map((_, k) => k)
    .filter((k) => paths[k] !== '')
    .sort((a, b) => paths[b].length - paths[a].length);
  if (order.length === 0) return line;
  const any = new RegExp(order.map((k) => paths[k].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return line.replace(any, (p) => names[paths.indexOf(p)] ?? p);
}

/**
 * The merged capture as one CaptureInfo: the first file's format, every
 * link type (first seen first), the frames and bytes of all, their warnings
 * (offsets in their own file: `warningLines` names it) and the TLS secrets
 * of their pcapng Decryption Secrets Blocks in the order the merge read them.
 */
function mergedInfo(files: readonly CaptureFile[], keyLog: string[]): CaptureInfo {
  return {
    get format() {
      return files[0].info.format;
    },
    get linkTypes() {
      return [...new Set(files.flatMap((f) => f.info.linkTypes))];
    },
    get frames() {
      return files.reduce((n, f) => n + f.info.frames, 0);
    },
    get bytes() {
      return files.reduce((n, f) => n + f.info.bytes, 0);
    },
    get warnings(): CaptureWarning[] {
      return files.flatMap((f) => f.info.warnings);
    },
    tlsKeyLog: keyLog,
  };
}

async function* frames(source: AsyncIterable<Frame[]>): AsyncGenerator<Frame> {
  for await (const out of source) for (let i = 0; i < out.length; i++) yield out[i];
}

const NONE: Frame[] = [];

async function* mergedBatches(
  inputs: readonly { name: string; reader: CaptureReader }[],
  origins: FrameOrigins,
  keyLog: string[],
): AsyncGenerator<Frame[]> {
  const n = inputs.length;
  const iters = inputs.map((x) => x.reader.batches()[Symbol.asyncIterator]());
  /** Each file's current chunk of frames (NONE: the file is done) and the next one's place in it. */
  const heads: Frame[][] = new Array(n).fill(NONE);
  const pos: number[] = new Array(n).fill(0);
  const done: boolean[] = new Array(n).fill(false);
  const keysTaken: number[] = new Array(n).fill(0);
  const refill = async (k: number): Promise<void> => {
    for (;;) {
      const r = await iters[k].next();
      // The file's TLS secrets read with this chunk join the merged key log.
      const keys = inputs[k].reader.info.tlsKeyLog;
      if (keys !== undefined) while (keysTaken[k] < keys.length) keyLog.push(keys[keysTaken[k]++]);
      if (r.done === true) {
        done[k] = true;
        heads[k] = NONE;
        return;
      }
      if (r.value.length > 0) {
        heads[k] = r.value;
        pos[k] = 0;
        return;
      }
    }
  };
  try {
    // Every file's header first: one that is not a capture fails before any frame goes out.
    for (let k = 0; k < n; k++) await refill(k);
    let no = 0;
    let out: Frame[] = [];
    for (;;) {
      let best = -1;
      let sec = 0;
      let nsec = 0;
      for (let k = 0; k < n; k++) {
        if (done[k]) continue;
        const f = heads[k][pos[k]];
        // Earlier or equal: on a tie the file given later takes the place (mergecap's order).
        if (best < 0 || f.sec < sec || (f.sec === sec && f.nsec <= nsec)) {
          best = k;
          sec = f.sec;
          nsec = f.nsec;
        }
      }
      if (best < 0) break;
      const f = heads[best][pos[best]++];
      origins.note(++no, best, f.no);
      // The reader made this frame for the merge alone: renumbered in place.
      f.no = no;
      out.push(f);
      if (pos[best] === heads[best].length) {
        yield out;
        out = [];
        await refill(best);
      }
    }
    if (out.length > 0) yield out;
  } finally {
    // Stopped early or failed: the other files' readers close their files.
    for (let k = 0; k < n; k++) if (!done[k]) await iters[k].return?.(undefined);
  }
}
