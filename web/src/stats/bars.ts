/**
 * The statistics view's bars, from the count tables of `GET
 * /api/captures/:id/stats`, sorted for reading. (The PDD, setup-time and
 * duration histograms come binned from the server: src/store/distribution.ts.)
 */
export interface Bar {
  key: string;
  value: number;
}

/** Entries of a count table as bars: by count descending, or by key when `byKey` (numeric keys numerically). */
export function bars(table: Record<string, number> | null | undefined, byKey = false): Bar[] {
  const out = Object.entries(table ?? {})
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .map(([key, value]) => ({ key, value }));
  if (byKey) {
    out.sort((a, b) => {
      const na = Number(a.key);
      const nb = Number(b.key);
      return Number.isNaN(na) || Number.isNaN(nb) ? a.key.localeCompare(b.key) : na - nb;
    });
  } else out.sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  return out;
}
