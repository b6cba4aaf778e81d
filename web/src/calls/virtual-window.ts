/**
 * Which rows of a long list are in view, for a list that keeps only those
 * rows in the DOM (100k calls scroll as smoothly as 10). Pure arithmetic.
 *
 * Browsers cap an element's height (Chrome near 33.5M px, Firefox lower), so
 * past `maxHeight` the scroll range is compressed: the scrollbar maps onto the
 * row range linearly and rows are placed relative to the viewport.
 */

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  total: number;
  /** Rows drawn above and below the viewport (default 8). */
  overscan?: number;
  /** Largest scroll height used (default 8,000,000 px). */
  maxHeight?: number;
}

export interface RowWindow {
  /** First row to draw (inclusive). */
  first: number;
  /** Last row to draw (exclusive). */
  last: number;
  /** Height of the scrolled content. */
  scrollHeight: number;
  /** Row index at the top edge of the viewport, fractional. */
  exactFirst: number;
}

export const DEFAULT_MAX_HEIGHT = 8_000_000;

function scrollable(i: WindowInput): { height: number; natural: boolean } {
  const natural = i.total * i.rowHeight;
  const max = i.maxHeight ?? DEFAULT_MAX_HEIGHT;
  return natural <= max ? { height: natural, natural: true } : { height: max, natural: false };
}

export function rowWindow(i: WindowInput): RowWindow {
  const overscan = i.overscan ?? 8;
  const { height, natural } = scrollable(i);
  const room = Math.max(0, height - i.viewportHeight);
  const top = Math.min(Math.max(0, i.scrollTop), room);
  const inView = i.viewportHeight / i.rowHeight;
  let exactFirst: number;
  if (natural) exactFirst = top / i.rowHeight;
  else exactFirst = room === 0 ? 0 : (top / room) * Math.max(0, i.total - inView);
  const first = Math.max(0, Math.floor(exactFirst) - overscan);
  const last = Math.min(i.total, Math.ceil(exactFirst + inView) + overscan);
  return { first, last: Math.max(first, last), scrollHeight: height, exactFirst };
}

/** Where row `index` is drawn, in content coordinates, for the window computed at `scrollTop`. */
export function rowTop(i: WindowInput, w: RowWindow, index: number): number {
  const room = Math.max(0, w.scrollHeight - i.viewportHeight);
  const top = Math.min(Math.max(0, i.scrollTop), room);
  return top + (index - w.exactFirst) * i.rowHeight;
}

/** The scrollTop that brings row `index` into view, moving as little as possible; `scrollTop` when it already is. */
export function scrollToRow(i: WindowInput, index: number): number {
  const { height, natural } = scrollable(i);
  const room = Math.max(0, height - i.viewportHeight);
  const inView = i.viewportHeight / i.rowHeight;
  let exact: number;
  if (natural) exact = i.scrollTop / i.rowHeight;
  else exact = room === 0 ? 0 : (Math.min(i.scrollTop, room) / room) * Math.max(0, i.total - inView);
  let wanted = exact;
  if (index < exact) wanted = index;
  else if (index + 1 > exact + inView) wanted = index + 1 - inView;
  else return i.scrollTop;
  if (natural) return Math.min(room, Math.max(0, wanted * i.rowHeight));
  const span = Math.max(1, i.total - inView);
  return Math.min(room, Math.max(0, (wanted / span) * room));
}
