/**
 * `--time-shift FILE=SECONDS`: a file's frame timestamps moved by a constant
 * before the merge, as `editcap -t SECONDS` moves them, so that sipscope on
 * `A B` with a shift gives what it gives on `mergecap` of the editcap-shifted
 * files, frame numbers included (the merge orders frames by their shifted
 * times). The shift is kept exactly, as whole seconds plus nanoseconds, never
 * as a float; a time shifted before 1970 or past MAX_FRAME_SEC is held at
 * that end (a frame is never dropped).
 */
import { type Frame, MAX_FRAME_SEC } from './frame.js';
import type { CaptureReader } from './read-file.js';

/** A constant shift: `sec` whole seconds (may be negative) plus `nsec` (0..999,999,999) nanoseconds. */
export interface TimeShift {
  readonly sec: number;
  readonly nsec: number;
}

/** Several files with the shift of each (null: not shifted), in argument order. */
export interface ShiftedFiles {
  readonly paths: readonly string[];
  readonly shifts: readonly (TimeShift | null)[];
}

const SECONDS = /^([+-]?)(\d{0,10})(?:\.(\d{1,9}))?$/;

/** `SECONDS` as given (`-2.315`, `+1`, `.5`): the exact shift, or undefined when it is not a number of seconds. */
export function parseSeconds(text: string): TimeShift | undefined {
  const m = SECONDS.exec(text);
  if (m === null || (m[2] === '' && m[3] === undefined)) return undefined;
  const whole = Number(m[2] || '0');
  const frac = Number((m[3] ?? '').padEnd(9, '0'));
  if (m[1] !== '-') return { sec: whole, nsec: frac };
  // Negative: -2.315 s is -3 s + 0.685 s, so that nsec stays in 0..999,999,999.
  return frac === 0 ? { sec: -whole, nsec: 0 } : { sec: -whole - 1, nsec: 1e9 - frac };
}

/** The shift in seconds (a float: for reports, not for frames). */
export function shiftSeconds(s: TimeShift): number {
  return s.sec + s.nsec / 1e9;
}

/**
 * The `--time-shift FILE=SECONDS` options of a command over `paths`: FILE is
 * a path as given or a file's 0-based index. The shifts by file (null: not
 * shifted), or the one-line error.
 */
export function parseTimeShifts(
  options: readonly string[] | undefined,
  paths: readonly string[],
): (TimeShift | null)[] | string {
  const shifts: (TimeShift | null)[] = paths.map(() => null);
  for (const opt of options ?? []) {
    const eq = opt.lastIndexOf('=');
    if (eq < 0) return `--time-shift wants FILE=SECONDS, not ${JSON.stringify(opt)}`;
    const which = opt.slice(0, eq);
    let k = paths.indexOf(which);
    if (k < 0 && /^\d{1,6}$/.test(which)) k = Number(which);
    if (k < 0 || k >= paths.length)
      return `--time-shift ${JSON.stringify(opt)}: ${JSON.stringify(which)} is neither a file given nor a file index (0 to ${paths.length - 1})`;
    const s = parseSeconds(opt.slice(eq + 1));
    if (s === undefined)
      return `--time-shift ${JSON.stringify(opt)}: ${JSON.stringify(opt.slice(eq + 1))} is not a number of seconds (as -2.315)`;
    if (shifts[k] !== null) return `--time-shift: file ${k} (${paths[k]}) is shifted twice`;
    shifts[k] = s;
  }
  return shifts;
}

/** `f`'s time moved by `s`, in place (the reader made the frame for its caller alone). */
export function shiftFrame(f: Frame, s: TimeShift): void {
  let sec = f.sec + s.sec;
  let nsec = f.nsec + s.nsec;
  if (nsec >= 1e9) {
    nsec -= 1e9;
    sec++;
  }
  if (sec < 0) {
    sec = 0;
    nsec = 0;
  } else if (sec > MAX_FRAME_SEC) {
    sec = MAX_FRAME_SEC;
    nsec = 999_999_999;
  }
  f.sec = sec;
  f.nsec = nsec;
}

/** `reader`'s frames with their times moved by `s`; `reader` itself when there is no shift. */
export function shiftedReader(reader: CaptureReader, shift: TimeShift | null | undefined): CaptureReader {
  if (shift === null || shift === undefined) return reader;
  const s = shift;
  async function* batches(): AsyncGenerator<Frame[]> {
    for await (const b of reader.batches()) {
      for (let i = 0; i < b.length; i++) shiftFrame(b[i], s);
      yield b;
    }
  }
  return {
    info: reader.info,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const b of batches()) yield* b;
    },
  };
}

/** Whether any file is shifted. */
export function anyShift(shifts: readonly (TimeShift | null)[] | undefined): boolean {
  return shifts?.some((s) => s !== null && (s.sec !== 0 || s.nsec !== 0)) ?? false;
}
