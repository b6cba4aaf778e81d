/**
 * Very long header values folded in the inspector: a 20 kB Subject filled
 * about five screens of both the raw message and the headers table. A value
 * past FOLD_OVER characters shows its first FOLD_HEAD and a "show all N
 * bytes" button (N its size on the wire, UTF-8). Pure: the inspector draws it.
 */

/** Values longer than this (in characters) are folded. */
export const FOLD_OVER = 1000;
/** How much of a folded value is shown. */
export const FOLD_HEAD = 300;

export interface Fold {
  /** The part shown, never ending in half a surrogate pair. */
  head: string;
  /** The whole value's size in bytes as UTF-8 (as it came on the wire). */
  bytes: number;
}

/** `text` folded when longer than `over` characters, else null (shown whole). */
export function foldLong(text: string, over = FOLD_OVER, keep = FOLD_HEAD): Fold | null {
  if (text.length <= over) return null;
  let end = Math.max(0, Math.min(keep, text.length));
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { head: text.slice(0, end), bytes: new TextEncoder().encode(text).length };
}
