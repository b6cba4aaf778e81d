/**
 * The call list's query language (server/API.md "Calls"): what a query may
 * say, how its URL parameters read, and how a call matches and sorts. Any
 * store implementation can use `callMatcher` and `compareCalls` as they are,
 * or translate the parsed query to its own engine and check itself against
 * the shared store suite.
 */
import { CALL_KINDS, CALL_STATES } from '../correlate/call-values.js';
import { CALL_SORT_KEYS, type CallSortKey } from './call-sort-keys.js';
import { linearTest } from './linear-regex.js';
import type { CallRow } from './rows.js';

export { CALL_SORT_KEYS, type CallSortKey };

/** A list filter: a value passes when it is in `include` (or `include` is empty) and not in `exclude`. Lower case. */
export interface ListFilter {
  include: string[];
  exclude: string[];
}

export interface CallQuery {
  /** Free text (case-insensitive substring) or, written `/re/`, a regular expression. */
  q?: string;
  kind?: ListFilter;
  state?: ListFilter;
  /** The call has a request with one of these methods (none of the excluded ones). */
  method?: ListFilter;
  hasFindings?: boolean;
  /** Default `start`. */
  sort?: CallSortKey;
  /** Default `asc`. Nulls sort last either way. */
  order?: 'asc' | 'desc';
  /** Default 0. */
  offset?: number;
  /** Default DEFAULT_LIMIT, at most MAX_LIMIT. */
  limit?: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Longer patterns are refused: a regex is run over every call of the capture. */
export const MAX_PATTERN_LENGTH = 256;
/** Only this much of each searched field is matched (a header can be kilobytes of attacker text). */
export const MAX_SEARCHED_LENGTH = 1024;

export type ParsedQuery = { ok: true; query: CallQuery } | { ok: false; error: string };

/** The parameters `GET /calls` (and its CSV and pcap) read. */
const CALL_QUERY_PARAMS = ['q', 'kind', 'state', 'method', 'hasFindings', 'sort', 'order', 'offset', 'limit'];

/**
 * Reads the URL parameters of `GET /calls`; an invalid value is an error naming it (the API's 400),
 * and so is a parameter it does not read (`q[]=x`, a typo) or one given twice: either would
 * otherwise be dropped in silence, and the list answered unfiltered.
 */
export function parseCallQuery(params: URLSearchParams): ParsedQuery {
  for (const name of new Set(params.keys())) {
    if (!CALL_QUERY_PARAMS.includes(name))
      return {
        ok: false,
        error: `unknown parameter ${JSON.stringify(name.slice(0, 40))}: the call list reads ${CALL_QUERY_PARAMS.join(', ')}`,
      };
    if (params.getAll(name).length > 1) return { ok: false, error: `${name} is given more than once` };
  }
  const query: CallQuery = {};
  const q = params.get('q');
  if (q !== null && q !== '') {
    const t = textMatcher(q);
    if (typeof t === 'string') return { ok: false, error: t };
    query.q = q;
  }
  for (const name of ['kind', 'state', 'method'] as const) {
    const v = params.get(name);
    if (v === null || v === '') continue;
    const f = listFilter(v);
    // A kind or a state is one of a few words: a typo (`kind=cal`) would list nothing, as if none matched.
    // A method is any token (RFC 3261 §25.1): an unknown one is a method no call has.
    const known = name === 'kind' ? CALL_KINDS : name === 'state' ? CALL_STATES : null;
    const unknown =
      known && [...f.include, ...f.exclude].find((x) => !(known as readonly string[]).includes(x));
    if (unknown)
      return {
        ok: false,
        error: `${name} ${JSON.stringify(unknown.slice(0, 40))} is none of ${known.join(', ')}`,
      };
    query[name] = f;
  }
  const hf = params.get('hasFindings');
  if (hf !== null && hf !== '') {
    if (hf !== 'true' && hf !== 'false') return { ok: false, error: 'hasFindings must be true or false' };
    query.hasFindings = hf === 'true';
  }
  const sort = params.get('sort');
  if (sort !== null && sort !== '') {
    if (!(CALL_SORT_KEYS as readonly string[]).includes(sort))
      return { ok: false, error: `sort must be one of ${CALL_SORT_KEYS.join(', ')}` };
    query.sort = sort as CallSortKey;
  }
  const order = params.get('order');
  if (order !== null && order !== '') {
    if (order !== 'asc' && order !== 'desc') return { ok: false, error: 'order must be asc or desc' };
    query.order = order;
  }
  const offset = params.get('offset');
  if (offset !== null && offset !== '') {
    if (!/^\d{1,9}$/.test(offset)) return { ok: false, error: 'offset must be a whole number' };
    query.offset = Number(offset);
  }
  const limit = params.get('limit');
  if (limit !== null && limit !== '') {
    if (!/^\d{1,9}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT)
      return { ok: false, error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
    query.limit = Number(limit);
  }
  return { ok: true, query };
}

/** `a,!b,c` → include [a, c], exclude [b]; lower case, blanks dropped. */
export function listFilter(v: string): ListFilter {
  const f: ListFilter = { include: [], exclude: [] };
  for (const part of v.split(',')) {
    const s = part.trim().toLowerCase();
    if (s.startsWith('!')) {
      if (s.length > 1) f.exclude.push(s.slice(1));
    } else if (s !== '') f.include.push(s);
  }
  return f;
}

function passes(f: ListFilter | undefined, value: string): boolean {
  if (f === undefined) return true;
  const v = value.toLowerCase();
  if (f.include.length > 0 && !f.include.includes(v)) return false;
  return !f.exclude.includes(v);
}

function passesAny(f: ListFilter | undefined, values: readonly string[]): boolean {
  if (f === undefined) return true;
  const lower = values.map((v) => v.toLowerCase());
  if (f.include.length > 0 && !lower.some((v) => f.include.includes(v))) return false;
  return !lower.some((v) => f.exclude.includes(v));
}

/**
 * The test for `q`: a case-insensitive substring, or for `/re/` the regular
 * expression, case-insensitive, run in linear time (linear-regex.ts). A
 * string result is the error (invalid, not runnable in linear time, or too long).
 */
export function textMatcher(q: string): ((s: string) => boolean) | string {
  if (q.length > MAX_PATTERN_LENGTH) return `q is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (q.length >= 2 && q.startsWith('/') && q.endsWith('/')) {
    const test = linearTest(q.slice(1, -1));
    if (typeof test === 'string') return test;
    return (s) => test(s.length > MAX_SEARCHED_LENGTH ? s.slice(0, MAX_SEARCHED_LENGTH) : s);
  }
  const needle = q.toLowerCase();
  return (s) => s.toLowerCase().includes(needle);
}

/** What the filters look at besides the row itself. */
export interface CallFacts {
  row: CallRow;
  /** Methods of the call's requests, as sent. */
  methods: readonly string[];
  /**
   * The text `q` searches: From, To, every Call-ID and the User-Agent/Server
   * labels of its endpoints (and of its messages, when the store knows them).
   */
  text: readonly string[];
}

/** The searched text of a call: From, To, its Call-IDs, its endpoints' labels, and `agents`. */
export function searchText(row: CallRow, agents: Iterable<string> = []): string[] {
  const out = new Set<string>();
  if (row.from !== null) out.add(row.from);
  if (row.to !== null) out.add(row.to);
  for (const c of row.callIds) out.add(c);
  for (const e of row.endpoints) if (e.label !== null) out.add(e.label);
  for (const a of agents) out.add(a);
  return [...out];
}

/** A predicate for the query's filters (sorting and paging aside). Throws on an invalid `q`: parse first. */
export function callMatcher(query: CallQuery): (c: CallFacts) => boolean {
  let text: ((s: string) => boolean) | undefined;
  if (query.q !== undefined && query.q !== '') {
    const t = textMatcher(query.q);
    if (typeof t === 'string') throw new RangeError(t);
    text = t;
  }
  return (c) => {
    if (!passes(query.kind, c.row.kind)) return false;
    if (!passes(query.state, c.row.state)) return false;
    if (!passesAny(query.method, c.methods)) return false;
    if (query.hasFindings !== undefined && c.row.findingCount > 0 !== query.hasFindings) return false;
    if (text !== undefined && !c.text.some(text)) return false;
    return true;
  };
}

function sortValue(r: CallRow, key: CallSortKey): number | string | null {
  switch (key) {
    case 'start':
      return r.start;
    case 'from':
      return r.from === null ? null : r.from.toLowerCase();
    case 'to':
      return r.to === null ? null : r.to.toLowerCase();
    case 'kind':
      return r.kind;
    case 'state':
      return r.state;
    case 'durationMs':
      return r.durationMs;
    case 'pddMs':
      return r.pddMs;
    case 'setupMs':
      return r.setupMs;
    case 'messages':
      return r.messages.length;
    case 'findings':
      return r.findingCount;
  }
}

/** Comparator for the query's order: nulls last in both directions, ties by call id ascending. */
export function compareCalls(sort: CallSortKey = 'start', order: 'asc' | 'desc' = 'asc') {
  const dir = order === 'desc' ? -1 : 1;
  return (a: CallRow, b: CallRow): number => {
    const va = sortValue(a, sort);
    const vb = sortValue(b, sort);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      if (va < vb) return -dir;
      if (va > vb) return dir;
    }
    return a.id - b.id;
  };
}

/** The page bounds of a query: [offset, offset + limit). */
export function pageOf(query: CallQuery): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)));
  return { offset, limit };
}
