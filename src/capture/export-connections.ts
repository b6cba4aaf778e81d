/**
 * The TLS connections a pcapng export writes whole (frame-export.ts): each by
 * its two ends, with the last frame to write of it. One four-tuple may carry
 * several connections one after another: they go as one, up to the last.
 */

/** The two ends of a connection (endpoint strings), in either order. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);

/** The connections' last frames by `pairKey`, and the last of all (0 for none). */
export interface ConnectionIndex {
  byPair: Map<string, number>;
  last: number;
}

export function connectionIndex(
  conns: readonly { a: string; b: string; lastFrame: number }[],
): ConnectionIndex {
  const byPair = new Map<string, number>();
  let last = 0;
  for (const c of conns) {
    const k = pairKey(c.a, c.b);
    byPair.set(k, Math.max(byPair.get(k) ?? 0, c.lastFrame));
    last = Math.max(last, c.lastFrame);
  }
  return { byPair, last };
}
