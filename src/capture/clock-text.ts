/**
 * A merged capture's clocks told as text (clock-offsets.ts measures them):
 * the summary line, the drift and its warning, seconds as `--time-shift`
 * takes them. Pure: the web UI's file lines use it too (web/src/capture-files.ts).
 */
import type { ClockOffset } from './clock-offsets.js';

/** Seconds to the microsecond (as measured: `micro`), trailing zeros dropped (`2.315`, `-0.0004`). */
export function secondsText(s: number): string {
  const t = s.toFixed(6).replace(/\.?0+$/, '');
  return t === '-0' ? '0' : t;
}

/** Milliseconds to the microsecond (`0.4`). */
function msText(s: number): string {
  return (s * 1000).toFixed(3).replace(/\.?0+$/, '') || '0';
}

/** `+41 ppm (± 0.1 ppm at 95 %, 3.72 ms over the 90.7 s its messages span)`. */
export function driftText(c: ClockOffset, driftPpm: number): string {
  const moved = msText(Math.abs(driftPpm) * 1e-6 * c.spanSeconds);
  const span = String(Math.round(c.spanSeconds * 10) / 10);
  return `${driftPpmText(driftPpm)} ppm (± ${c.driftPpmError} ppm at 95 %, ${moved} ms over the ${span} s its messages span)`;
}

/** `+41`, `-3.2`, `0`. */
const driftPpmText = (p: number): string => `${p > 0 ? '+' : ''}${p}`;

/** `its clock drifting +41 ppm against file 0 moves its offset 3.72 ms over …`: what a constant shift leaves at the ends. */
export function driftWarningText(c: ClockOffset, driftPpm: number, other: string): string {
  const change = Math.abs(driftPpm) * 1e-6 * c.spanSeconds;
  const span = String(Math.round(c.spanSeconds * 10) / 10);
  const delay = c.delaySeconds === null ? '' : `the one-way delay ${msText(c.delaySeconds)} ms plus `;
  return `its clock drifting ${driftPpmText(driftPpm)} ppm against ${other} moves its offset ${msText(change)} ms over the ${span} s its messages span: a constant shift of its times (as editcap -t: --time-shift, --align) leaves it off by up to ${msText(change / 2)} ms at one end or the other, more than ${delay}1 ms: answers may still show before their requests there`;
}

/** `clock 2.315 s ahead of file 0 (41 messages seen in both, one-way delay 0.4 ms)`, and `, drifting +41 ppm (…)` with a drift. */
export function clockText(c: ClockOffset, other = 'file 0'): string {
  const size = secondsText(Math.abs(c.offsetSeconds));
  const way = size === '0' ? 'level with' : c.offsetSeconds > 0 ? `${size} s ahead of` : `${size} s behind`;
  const seen = `${c.samples} message${c.samples === 1 ? '' : 's'} seen in both`;
  const delay =
    c.delaySeconds === null
      ? 'one direction only: the offset is this plus or minus the one-way delay'
      : `one-way delay ${msText(c.delaySeconds)} ms`;
  const drift = c.driftPpm === null ? '' : `, drifting ${driftText(c, c.driftPpm)}`;
  return `clock ${way} ${other} (${seen}, ${delay})${drift}`;
}
