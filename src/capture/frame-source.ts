/**
 * Where the frames of an analysed capture are read again (a call's pcap,
 * its RTP as audio, a stream packet by packet): the capture file, or, for a
 * live capture, whatever kept its frames (server/live-pcap.ts, the ring of
 * pcapng files of `serve --live-pcap`). Either way the frames come in order,
 * numbered as the analysis numbered them; a source other than a file may
 * skip numbers (frames it never kept, or no longer has).
 */
import type { Frame } from './frame.js';
import { openCaptures } from './merge-captures.js';
import { type CaptureReader, type OpenCaptureOptions, openCapture } from './read-file.js';
import { anyShift, type ShiftedFiles, shiftedReader, type TimeShift } from './time-shift.js';

/** The frames from number `first` on (earlier ones may come too: readers skip them). */
export type FrameReader = (first: number) => AsyncIterable<Frame>;

/**
 * A capture file's path, several files' paths (analysed as one, merged by
 * time: merge-captures.ts, numbered as the merge numbers them), files with
 * the `--time-shift` of each (time-shift.ts), or a reader of kept frames.
 */
export type FrameSource = string | readonly string[] | ShiftedFiles | FrameReader;

/**
 * Where the command line's files are read again: their paths (one, or
 * several merged by time), with their `--time-shift`s when any is given
 * (the merged order, so the frame numbers, depend on them).
 */
export function filesSource(paths: readonly string[], shifts: readonly (TimeShift | null)[]): FrameSource {
  if (anyShift(shifts)) return { paths, shifts };
  return paths.length === 1 ? paths[0] : paths;
}

/** The frames of `source` from number `first` on, in order. */
export function framesFrom(source: FrameSource, first: number): AsyncIterable<Frame> {
  if (typeof source === 'string') return openCapture(source);
  if (typeof source === 'function') return source(first);
  if ('shifts' in source) return openShifted(source);
  return source.length === 1 ? openCapture(source[0]) : openCaptures(source);
}

/** `files` read as one capture (one file alone, several merged by time), each file moved by its shift. */
export function openShifted(files: ShiftedFiles, opts: OpenCaptureOptions = {}): CaptureReader {
  if (files.paths.length > 1) return openCaptures(files.paths, { ...opts, timeShifts: files.shifts });
  return shiftedReader(openCapture(files.paths[0], opts), files.shifts[0]);
}
