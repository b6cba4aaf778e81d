/**
 * The call list's query (call-query.ts) as SQL over the `calls` table, with
 * the same answers as `callMatcher` and `compareCalls` (the shared store
 * suite checks both stores against one analysis):
 *
 * - kind, state: `IN` / `NOT IN` on the stored values (lower case already);
 * - method: `instr` on the `methods` column (`,invite,ack,`, see sqlite-rows.ts);
 * - hasFindings: `finding_count`;
 * - q as text: `instr` on the lower-cased searched fields joined by a newline
 *   (a needle without a newline matches the joined text exactly when it
 *   matches one field); q as `/re/`, or a needle with a newline: the
 *   registered function `sipscope_q(q, texts)`, which runs call-query.ts's own
 *   matcher on every field;
 * - sort: the column, `NULLS LAST`, ties by call id ascending.
 *
 * One departure: strings sort by their UTF-8 bytes in SQLite and by UTF-16
 * code units in JS; the two orders differ only between characters above
 * U+FFFF and those from U+E000 to U+FFFF.
 */
import type Database from 'better-sqlite3';
import type { CallOrderCache } from './call-order-cache.js';
import { type CallQuery, type CallSortKey, type ListFilter, pageOf, textMatcher } from './call-query.js';
import { requiredLiteral } from './regex-literal.js';
import type { CallRow } from './rows.js';
import { callRow, methodToken, SEARCH_SEPARATOR } from './sqlite-rows.js';
import type { CallPage } from './store.js';

const SORT_COLUMN: Record<CallSortKey, string> = {
  start: 'start',
  from: 'from_l',
  to: 'to_l',
  kind: 'kind',
  state: 'state',
  durationMs: 'duration_ms',
  pddMs: 'pdd_ms',
  setupMs: 'setup_ms',
  messages: 'msg_count',
  findings: 'finding_count',
};

export interface CallListSql {
  /** `FROM calls c WHERE …` for the filters other than `q`. */
  where: string;
  params: Array<string | number>;
  /** Filters besides `q`. */
  filtered: boolean;
  /** `q`: the table of searched text and the test of one of its rows `s`, with the test's parameters. */
  search?: { table: 'call_search' | 'call_texts'; test: string; values: string[] };
  orderBy: string;
  offset: number;
  limit: number;
}

/** Past this many matches of `q`, the page is found by joining the searched text rather than by id list. */
export const MAX_ID_LIST = 20_000;

function listSql(
  column: string,
  f: ListFilter | undefined,
  out: string[],
  params: Array<string | number>,
): void {
  if (f === undefined) return;
  if (f.include.length > 0) {
    out.push(`${column} IN (${f.include.map(() => '?').join(',')})`);
    params.push(...f.include);
  }
  if (f.exclude.length > 0) {
    out.push(`${column} NOT IN (${f.exclude.map(() => '?').join(',')})`);
    params.push(...f.exclude);
  }
}

/** The SQL of a query on capture number `cap`. Throws a RangeError on an invalid `q` (parse it first). */
export function callListSql(cap: number, query: CallQuery): CallListSql {
  const conds = ['c.cap = ?'];
  const params: Array<string | number> = [cap];
  listSql('c.kind', query.kind, conds, params);
  listSql('c.state', query.state, conds, params);
  const m = query.method;
  if (m !== undefined) {
    if (m.include.length > 0) {
      conds.push(`(${m.include.map(() => 'instr(c.methods, ?) > 0').join(' OR ')})`);
      params.push(...m.include.map(methodToken));
    }
    for (const x of m.exclude) {
      conds.push('instr(c.methods, ?) = 0');
      params.push(methodToken(x));
    }
  }
  if (query.hasFindings !== undefined)
    conds.push(query.hasFindings ? 'c.finding_count > 0' : 'c.finding_count = 0');
  let search: CallListSql['search'];
  const q = query.q;
  if (q !== undefined && q !== '') {
    const t = textMatcher(q);
    if (typeof t === 'string') throw new RangeError(t);
    const isRegex = q.length >= 2 && q.startsWith('/') && q.endsWith('/');
    const literal = isRegex ? requiredLiteral(q.slice(1, -1)) : null;
    search =
      !isRegex && !q.includes(SEARCH_SEPARATOR)
        ? { table: 'call_search', test: 'instr(s.lower, ?) > 0', values: [q.toLowerCase()] }
        : { table: 'call_texts', test: 'sipscope_q(?, s.texts)', values: [q] };
    // SQLite's LIKE (ASCII case-insensitive) skips the calls whose texts lack what every match of
    // the regex contains; the regex, called per row, reads only the others. The texts are JSON:
    // a literal without `"` or `\` reads there as in the strings.
    if (literal !== null && !/["\\]/.test(literal))
      search = {
        table: 'call_texts',
        test: `s.texts LIKE ? ESCAPE '\\' AND ${search.test}`,
        values: [`%${literal.replace(/[%_]/g, '\\$&')}%`, q],
      };
  }
  const sort = query.sort ?? 'start';
  const dir = query.order === 'desc' ? 'DESC' : 'ASC';
  const { offset, limit } = pageOf(query);
  return {
    where: `FROM calls c WHERE ${conds.join(' AND ')}`,
    params,
    filtered: conds.length > 1,
    search,
    orderBy: `ORDER BY c.${SORT_COLUMN[sort]} ${dir} NULLS LAST, c.id ASC`,
    offset,
    limit,
  };
}

/**
 * One page of the call list of capture `n`: the count and the page's ids from
 * the narrow `calls` table, then the JSON of just those calls. With `q`, the
 * searched text is scanned once for the matching ids: a few (the usual
 * search) are looked up by id; many are joined along the shared key.
 */
export function callPage(
  n: number,
  query: CallQuery,
  statement: (sql: string) => Database.Statement,
  pageJson: Database.Statement,
  maxIdList = MAX_ID_LIST,
  orders?: CallOrderCache,
): CallPage {
  const q = callListSql(n, query);
  const { where, params, searched } = searchedWhere(n, q, statement, maxIdList);
  let total = q.filtered ? undefined : searched;
  let rows: PageRow[];
  // The filters' key, for the caches of a ready capture (call-order-cache.ts): the query's own
  // values, not the SQL's (a search's SQL carries its list of up to MAX_ID_LIST matching ids).
  const { sort: _sort, order: _order, offset: _offset, limit: _limit, ...filterFields } = query;
  const filters = orders === undefined ? '' : `${n}\n${JSON.stringify(filterFields)}`;
  if (orders !== undefined && q.offset + q.limit > orders.deepPage) {
    // Far down the list: a slice of the query's whole order, read once.
    const key = `${filters}\n${q.orderBy}`;
    let o = orders.get(key);
    if (o === undefined) {
      const ids = statement(`SELECT c.id ${where} ${q.orderBy}`)
        .pluck()
        .all(...params) as number[];
      o = { cap: n, ids: Int32Array.from(ids) };
      orders.set(key, o);
    }
    total = o.ids.length;
    orders.setCount(filters, n, total);
    rows = rowsOfIds(n, Array.from(o.ids.subarray(q.offset, q.offset + q.limit)), statement);
  } else {
    total ??= orders?.count(filters);
    if (total === undefined) {
      total = statement(`SELECT count(*) ${where}`)
        .pluck()
        .get(...params) as number;
      orders?.setCount(filters, n, total);
    }
    if (q.offset >= total) return { total, calls: [] };
    rows = statement(`SELECT c.id, c.finding_count, c.worst ${where} ${q.orderBy} LIMIT ? OFFSET ?`).all(
      ...params,
      q.limit,
      q.offset,
    ) as PageRow[];
  }
  return { total, calls: pageCalls(n, rows, pageJson) };
}

/** The list rows of calls `ids` of capture `n`, in that order. */
function rowsOfIds(n: number, ids: number[], statement: (sql: string) => Database.Statement): PageRow[] {
  const byId = new Map<number, PageRow>();
  for (const r of statement(
    'SELECT c.id, c.finding_count, c.worst FROM calls c WHERE c.cap = ? AND c.id IN (SELECT value FROM json_each(?))',
  ).all(n, JSON.stringify(ids)) as PageRow[])
    byId.set(r.id, r);
  return ids.map((id) => byId.get(id)!);
}

/** The calls of a page from their list rows and their JSON. */
function pageCalls(n: number, rows: PageRow[], pageJson: Database.Statement): CallRow[] {
  if (rows.length === 0) return [];
  const json = new Map<number, string>();
  for (const r of pageJson.all(n, JSON.stringify(rows.map((r) => r.id))) as Array<{
    id: number;
    json: string;
  }>)
    json.set(r.id, r.json);
  return rows.map((r) => callRow(json.get(r.id)!, r.finding_count, r.worst));
}

/** The calls `ids` of capture `n`, in that order (a page found without SQL: sqlite-call-orders.ts). */
export function callsOfIds(
  n: number,
  ids: number[],
  statement: (sql: string) => Database.Statement,
  pageJson: Database.Statement,
): CallRow[] {
  return ids.length === 0 ? [] : pageCalls(n, rowsOfIds(n, ids, statement), pageJson);
}

/**
 * The FROM/WHERE of a query with its text search applied: the searched text
 * is scanned for the matching ids, at most `maxIdList` + 1 of them; a few are
 * looked up by id, many are joined along the shared key. Many matches are
 * counted (`searched`) by SQLite when the count is the page's total (no other
 * filter), not brought to JS: 200,000 ids were ~100 ms of a search's ~110.
 */
function searchedWhere(
  n: number,
  q: CallListSql,
  statement: (sql: string) => Database.Statement,
  maxIdList: number,
): { where: string; params: Array<string | number>; searched?: number } {
  if (q.search === undefined) return { where: q.where, params: q.params };
  const { table, test, values } = q.search;
  const ids = statement(`SELECT s.id FROM ${table} s WHERE s.cap = ? AND ${test} LIMIT ?`)
    .pluck()
    .all(n, ...values, maxIdList + 1) as number[];
  if (ids.length <= maxIdList)
    return {
      // CROSS JOIN: SQLite keeps the id list as the outer loop (a lookup per match, not a walk of every call).
      where: q.where.replace('FROM calls c', 'FROM json_each(?) j CROSS JOIN calls c ON c.id = j.value'),
      params: [JSON.stringify(ids), ...q.params],
      searched: ids.length,
    };
  const searched = q.filtered
    ? undefined
    : (statement(`SELECT count(*) FROM ${table} s WHERE s.cap = ? AND ${test}`)
        .pluck()
        .get(n, ...values) as number);
  return {
    where: `${q.where.replace('FROM calls c', `FROM calls c JOIN ${table} s ON s.cap = c.cap AND s.id = c.id`)} AND ${test}`,
    params: [...q.params, ...values],
    searched,
  };
}

/** The ids of every call of capture `n` the query's filters match (its sort and page ignored), ascending. */
export function matchingCallIds(
  n: number,
  query: CallQuery,
  statement: (sql: string) => Database.Statement,
  maxIdList = MAX_ID_LIST,
): number[] {
  const { where, params } = searchedWhere(n, callListSql(n, query), statement, maxIdList);
  return statement(`SELECT c.id ${where} ORDER BY c.id`)
    .pluck()
    .all(...params) as number[];
}

interface PageRow {
  id: number;
  finding_count: number;
  worst: number;
}

/** Registers `sipscope_q(q, texts)`: 1 when call-query.ts's matcher for q accepts one of the JSON array's strings. */
export function registerSearchFunction(db: Database.Database): void {
  let lastQ: string | undefined;
  let lastMatch: ((s: string) => boolean) | undefined;
  db.function('sipscope_q', { deterministic: true, varargs: false }, (q: unknown, texts: unknown) => {
    if (typeof q !== 'string' || typeof texts !== 'string') return 0;
    if (q !== lastQ) {
      const t = textMatcher(q);
      if (typeof t === 'string') throw new RangeError(t);
      lastQ = q;
      lastMatch = t;
    }
    const fields = JSON.parse(texts) as string[];
    for (const f of fields) if (lastMatch!(f)) return 1;
    return 0;
  });
}
