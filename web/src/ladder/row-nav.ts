/**
 * Moving through the ladder's rows with ↑/↓, as sngrep's call flow moves
 * through its arrows, RTP included: every row in time order, a message's
 * arrow or an RTP stream's row (layout.ts puts both in `row` order). The
 * selection is a row's identity (a message id or a stream id), not its
 * index, so it survives a redraw that adds rows before it. Pure: no DOM.
 */
import type { LadderLayout } from './layout.js';

/** One row of the ladder: a message's arrow or a stream's row. */
export type LadderRow = { kind: 'message'; id: number } | { kind: 'stream'; id: number };

/** Every row of the ladder, in row (time) order. */
export function ladderRows(l: Pick<LadderLayout, 'arrows' | 'streams'>): LadderRow[] {
  const rows: Array<LadderRow & { row: number }> = [
    ...l.arrows.map((a) => ({ kind: 'message' as const, id: a.messageId, row: a.row })),
    ...l.streams.map((s) => ({ kind: 'stream' as const, id: s.streamId, row: s.row })),
  ];
  rows.sort((a, b) => a.row - b.row);
  return rows.map(({ kind, id }) => ({ kind, id }) as LadderRow);
}

export function sameRow(a: LadderRow | null, b: LadderRow | null): boolean {
  return a !== null && b !== null && a.kind === b.kind && a.id === b.id;
}

/** Where `row` is in `rows`, -1 when it is not there (null, or gone from a redrawn ladder). */
export function rowIndex(rows: readonly LadderRow[], row: LadderRow | null): number {
  return row === null ? -1 : rows.findIndex((r) => sameRow(r, row));
}

/**
 * The row `by` rows after `current` (before it when negative), stopping at
 * the first and the last; from no row (or one no longer drawn) ↓ and ↑ both
 * start at the first. Null for a ladder without rows.
 */
export function stepRow(rows: readonly LadderRow[], current: LadderRow | null, by: number): LadderRow | null {
  if (rows.length === 0) return null;
  const i = rowIndex(rows, current);
  return rows[Math.max(0, Math.min(rows.length - 1, i + by))];
}
