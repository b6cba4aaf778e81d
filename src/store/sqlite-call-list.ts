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
import { type CallQuery, type CallSortKey, type ListFilter, pageOf, textMatcher } from './call-query.js';
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
  /** `FROM calls WHERE …`, shared by the count and the page. */
  where: string;
  params: Array<string | number>;
  orderBy: string;
  offset: number;
  limit: number;
}

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
  const conds = ['cap = ?'];
  const params: Array<string | number> = [cap];
  listSql('kind', query.kind, conds, params);
  listSql('state', query.state, conds, params);
  const m = query.method;
  if (m !== undefined) {
    if (m.include.length > 0) {
      conds.push(`(${m.include.map(() => 'instr(methods, ?) > 0').join(' OR ')})`);
      params.push(...m.include.map(methodToken));
    }
    for (const x of m.exclude) {
      conds.push('instr(methods, ?) = 0');
      params.push(methodToken(x));
    }
  }
  if (query.hasFindings !== undefined)
    conds.push(query.hasFindings ? 'finding_count > 0' : 'finding_count = 0');
  const q = query.q;
  if (q !== undefined && q !== '') {
    const t = textMatcher(q);
    if (typeof t === 'string') throw new RangeError(t);
    const isRegex = q.length >= 2 && q.startsWith('/') && q.endsWith('/');
    if (!isRegex && !q.includes(SEARCH_SEPARATOR)) {
      conds.push('id IN (SELECT id FROM call_search WHERE cap = ? AND instr(lower, ?) > 0)');
      params.push(cap, q.toLowerCase());
    } else {
      conds.push('id IN (SELECT id FROM call_texts WHERE cap = ? AND sipscope_q(?, texts))');
      params.push(cap, q);
    }
  }
  const sort = query.sort ?? 'start';
  const dir = query.order === 'desc' ? 'DESC' : 'ASC';
  const { offset, limit } = pageOf(query);
  return {
    where: `FROM calls WHERE ${conds.join(' AND ')}`,
    params,
    orderBy: `ORDER BY ${SORT_COLUMN[sort]} ${dir} NULLS LAST, id ASC`,
    offset,
    limit,
  };
}

/**
 * One page of the call list of capture `n`: the count and the page's ids from
 * the narrow `calls` table, then the JSON of just those calls.
 */
export function callPage(
  n: number,
  query: CallQuery,
  statement: (sql: string) => Database.Statement,
  pageJson: Database.Statement,
): CallPage {
  const q = callListSql(n, query);
  const count = () =>
    statement(`SELECT count(*) ${q.where}`)
      .pluck()
      .get(...q.params) as number;
  type Row = { id: number; finding_count: number; worst: number; total?: number };
  let total: number;
  let rows: Row[];
  if (query.q !== undefined && query.q !== '') {
    // A text search scans the searched text once for the count and the page together.
    rows = statement(
      `SELECT id, finding_count, worst, count(*) OVER () AS total ${q.where} ${q.orderBy} LIMIT ? OFFSET ?`,
    ).all(...q.params, q.limit, q.offset) as Row[];
    total = rows.length > 0 ? rows[0].total! : count();
  } else {
    // Otherwise two scans of the narrow table beat a window over it.
    total = count();
    if (q.offset >= total) return { total, calls: [] };
    rows = statement(`SELECT id, finding_count, worst ${q.where} ${q.orderBy} LIMIT ? OFFSET ?`).all(
      ...q.params,
      q.limit,
      q.offset,
    ) as Row[];
  }
  // The page from the narrow table, then the JSON of just those calls.
  const json = new Map<number, string>();
  for (const r of pageJson.all(n, JSON.stringify(rows.map((r) => r.id))) as Array<{
    id: number;
    json: string;
  }>)
    json.set(r.id, r.json);
  return { total, calls: rows.map((r) => callRow(json.get(r.id)!, r.finding_count, r.worst)) };
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
