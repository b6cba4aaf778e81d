/**
 * The call list's filters and sort, and the API query that applies them
 * (server/API.md "Calls": q, kind, state, method, hasFindings, sort, order,
 * offset, limit). Filtering and sorting happen in the server; the UI only
 * says what it wants. Pure.
 */
import type { CallSortKey as SortKey } from '../../../src/store/call-sort-keys.js';

/** The filters' choices: the values the correlator gives (src/correlate/call-values.ts). */
export { CALL_KINDS as KINDS, CALL_STATES as STATES } from '../../../src/correlate/call-values.js';

/** The sorts the server offers (src/store/call-sort-keys.ts). */
export { CALL_SORT_KEYS as SORT_KEYS } from '../../../src/store/call-sort-keys.js';
export type { SortKey };

export interface CallFilter {
  /** Free text, or `/regex/`. */
  q: string;
  /** Kinds to show; empty means all. */
  kinds: string[];
  /** The one-click filter: hide OPTIONS and REGISTER (kinds options and registration). */
  hideOptionsRegister: boolean;
  states: string[];
  /** A method the call must hold a request of; empty means any. */
  method: string;
  hasFindings: 'any' | 'yes' | 'no';
  sort: SortKey;
  order: 'asc' | 'desc';
}

export const DEFAULT_FILTER: CallFilter = {
  q: '',
  kinds: [],
  hideOptionsRegister: false,
  states: [],
  method: '',
  hasFindings: 'any',
  sort: 'start',
  order: 'asc',
};

/** Null when `q` is not a `/regex/`; else whether the regex compiles (the server answers 400 when not). */
export function regexError(q: string): string | null {
  const t = q.trim();
  if (t.length < 2 || !t.startsWith('/') || !t.endsWith('/')) return null;
  try {
    new RegExp(t.slice(1, -1));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : 'invalid regular expression';
  }
}

/** The `kind` parameter: the chosen kinds, minus options and registration when hidden; or exclusions only. */
export function kindParam(f: Pick<CallFilter, 'kinds' | 'hideOptionsRegister'>): string {
  const hidden = new Set(f.hideOptionsRegister ? ['options', 'registration'] : []);
  if (f.kinds.length > 0) {
    const shown = f.kinds.filter((k) => !hidden.has(k));
    // Every chosen kind hidden: nothing can match; say so with an exclusion of all of them.
    return shown.length > 0 ? shown.join(',') : f.kinds.map((k) => `!${k}`).join(',');
  }
  return [...hidden].map((k) => `!${k}`).join(',');
}

/** The query string of `GET /api/captures/:id/calls` for one window of rows. */
export function callQuery(f: CallFilter, offset: number, limit: number): string {
  const p = new URLSearchParams();
  const q = f.q.trim();
  if (q !== '') p.set('q', q);
  const kind = kindParam(f);
  if (kind !== '') p.set('kind', kind);
  if (f.states.length) p.set('state', f.states.join(','));
  if (f.method.trim() !== '') p.set('method', f.method.trim().toUpperCase());
  if (f.hasFindings !== 'any') p.set('hasFindings', f.hasFindings === 'yes' ? 'true' : 'false');
  p.set('sort', f.sort);
  p.set('order', f.order);
  p.set('offset', String(Math.max(0, Math.floor(offset))));
  p.set('limit', String(Math.max(1, Math.min(1000, Math.floor(limit)))));
  return p.toString();
}

/** Clicking a header: the same key flips the order, another key sorts by it ascending. */
export function toggleSort(f: CallFilter, key: SortKey): CallFilter {
  if (f.sort === key) return { ...f, order: f.order === 'asc' ? 'desc' : 'asc' };
  return { ...f, sort: key, order: 'asc' };
}
