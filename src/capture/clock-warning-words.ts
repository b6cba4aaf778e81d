/**
 * The words of the warning of a merged file whose clock is off file 0's by
 * enough to put answers before their requests (report/analyze-capture.ts
 * clockWarnings), with nothing Node-only behind them: the web UI imports
 * them to offer aligning the clocks of a capture on that warning.
 */
export const REORDER_WORDS = 'answers may show before their requests; shift it back';

/** The advice of the command line: the shift to give, or --align. */
export const cliClockAdvice = (file: number, seconds: string): string =>
  `${REORDER_WORDS} with --time-shift ${file}=${seconds} or analyze --align`;

/** Whether a capture's warning is that one. */
export function isClockWarning(w: string): boolean {
  return w.includes(REORDER_WORDS);
}

/** The warning with the command line's advice replaced by `advice` (how an upload is aligned). */
export function withClockAdvice(w: string, advice: string): string {
  const at = w.indexOf(REORDER_WORDS);
  return at < 0 ? w : `${w.slice(0, at + REORDER_WORDS.length)}: ${advice}`;
}
