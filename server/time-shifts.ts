/**
 * `POST /api/captures/:id/time-shift`: the time shift of each file of a
 * merged capture (capture/time-shift.ts, as `--time-shift` gives them on the
 * command line), from the request's body — the shifts given, or `align`:
 * each file moved back by the clock offset the last analysis measured
 * against file 0 (capture/clock-offsets.ts), as `analyze --align` does.
 */
import { secondsText } from '../src/capture/clock-text.js';
import { parseSeconds, shiftSeconds, type TimeShift } from '../src/capture/time-shift.js';
import type { CaptureRecord } from '../src/store/store.js';

/** A file's shift as kept (CaptureFileRef.timeShift), read back; null for none. */
export function keptShift(text: string | undefined): TimeShift | null {
  return text === undefined ? null : (parseSeconds(text) ?? null);
}

/** The shift of each file the body asks for (null: none), or the line that says why not. */
export function shiftsOfBody(body: unknown, c: CaptureRecord): (string | null)[] | string {
  const files = c.files ?? [];
  if (typeof body !== 'object' || body === null)
    return 'the body is JSON: {"align": true} or {"shifts": [null, "-2.315", …]} (one per file)';
  const b = body as { align?: unknown; shifts?: unknown };
  if (b.align === true) {
    if (b.shifts !== undefined) return 'align measures the shifts itself: it goes without shifts';
    const clocks = c.source?.files;
    if (clocks === undefined) return `capture ${c.id} has not been analysed yet: its clocks are not measured`;
    return files.map((f, k) => {
      const now = keptShift(f.timeShift);
      const clock = clocks[k]?.clock;
      // File 0 is the reference; a file with no message in common with it stays where it is.
      if (k === 0 || clock === null || clock === undefined) return f.timeShift ?? null;
      const moved = (now === null ? 0 : shiftSeconds(now)) - clock.offsetSeconds;
      const text = secondsText(moved);
      return text === '0' ? null : text;
    });
  }
  if (!Array.isArray(b.shifts))
    return 'the body is {"align": true} or {"shifts": [null, "-2.315", …]} (one per file)';
  if (b.shifts.length !== files.length)
    return `shifts has ${b.shifts.length} entries: capture ${c.id} has ${files.length} files`;
  const out: (string | null)[] = [];
  for (const [k, v] of b.shifts.entries()) {
    if (v === null) {
      out.push(null);
      continue;
    }
    const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : '';
    const s = parseSeconds(text);
    if (s === undefined) return `shifts[${k}]: ${JSON.stringify(v)} is not a number of seconds (as -2.315)`;
    out.push(shiftSeconds(s) === 0 ? null : text);
  }
  return out;
}
