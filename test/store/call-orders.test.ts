/**
 * The call list sorted ahead (call-orders.ts) against the SQL it stands in
 * for (sqlite-call-list.ts `callListSql`, run by SQLite on the same values):
 * every sort key in both orders (ORDER BY … NULLS LAST, ties by id
 * ascending), every filter, any page, and strings in SQLite's order (UTF-8
 * bytes, that is code points).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  CallColumns,
  type CallColumnValues,
  compareCodePoints,
  descending,
  orderedPage,
} from '../../src/store/call-orders.js';
import { CALL_SORT_KEYS, type CallQuery, listFilter } from '../../src/store/call-query.js';
import { callListSql } from '../../src/store/sqlite-call-list.js';
import { queryGrid } from './query-grid.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings around the places UTF-16 and UTF-8 order differently: U+E000..U+FFFF against surrogates. */
const TEXTS = ['sip:a@x', 'sip:b@x', 'sip:\uff21@x', 'sip:📞@x', 'sip:\ue000@x', 'sip:é@x', 'sip:a', ''];

/** `n` calls with ids shuffled, nulls, many ties, and (when `ascendingStart`) starts rising with the id. */
function calls(n: number, seed: number, ascendingStart: boolean): CallColumnValues[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = <T>(v: T): T | null => (r() < 0.2 ? null : v);
  const rows: CallColumnValues[] = [];
  for (let i = 0; i < n; i++)
    rows.push([
      i * 3 + 1,
      pick(['call', 'registration', 'options']),
      pick(['completed', 'failed', 'cancelled', 'early']),
      ascendingStart ? (r() < 0.1 ? null : 1000 + Math.floor(i / 2)) : maybe(Math.floor(r() * 50) / 4),
      maybe(pick(TEXTS)),
      maybe(pick(TEXTS)),
      maybe(pick([0.5, 1.25, 3, 3, 7.125, -2])),
      maybe(r() * 10),
      maybe(Math.floor(r() * 4) * 1e9),
      pick([1, 2, 6, 9, 70_000]),
      pick([0, 0, 0, 1, 3]),
      pick([',invite,ack,', ',invite,ack,bye,', ',register,', ',options,', ',invite,cancel,']),
    ]);
  // Not in id order: the builder puts them in order.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows;
}

/** The same calls in SQLite, in the `calls` columns the call list's SQL reads. */
function sqlCalls(rows: CallColumnValues[]): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE calls (cap INTEGER, id INTEGER, kind TEXT, state TEXT, start REAL, from_l TEXT,
    to_l TEXT, duration_ms REAL, pdd_ms REAL, setup_ms REAL, msg_count INTEGER, finding_count INTEGER,
    methods TEXT, PRIMARY KEY (cap, id))`);
  const insert = db.prepare('INSERT INTO calls VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of rows) insert.run(...row);
  return db;
}

const FILTERS: CallQuery[] = [
  {},
  { kind: listFilter('call') },
  { state: listFilter('!completed,!early') },
  { kind: listFilter('call,options'), state: listFilter('completed') },
  { method: listFilter('invite,!cancel') },
  { method: listFilter('bye,register') },
  { hasFindings: true },
  { hasFindings: false, kind: listFilter('!registration') },
];

describe('call lists sorted ahead', () => {
  for (const [name, ascendingStart] of [
    ['starts in any order', false],
    ['starts rising with the call id', true],
  ] as const)
    it(`pages as ORDER BY key NULLS LAST, id does, in both orders, with every filter (${name})`, () => {
      const rows = calls(300, ascendingStart ? 7 : 11, ascendingStart);
      const db = sqlCalls(rows);
      const cols = new CallColumns(rows.length);
      for (const row of rows) cols.add(row);
      const { facets, order } = cols.build();
      const orders = new Map(CALL_SORT_KEYS.map((k) => [k, order(k)]));
      let compared = 0;
      const pages = '0:1000 0:7 37:20 290:50';
      for (const query of queryGrid(FILTERS, pages)) {
        const sql = callListSql(1, query);
        const want = db
          .prepare(`SELECT c.id ${sql.where} ${sql.orderBy} LIMIT ? OFFSET ?`)
          .pluck()
          .all(...sql.params, query.limit, query.offset);
        const total = db
          .prepare(`SELECT count(*) ${sql.where}`)
          .pluck()
          .get(...sql.params);
        expect(orderedPage(facets, orders.get(query.sort!)!, query)).toEqual({ total, ids: want });
        compared++;
      }
      expect(compared).toBe(CALL_SORT_KEYS.length * 2 * FILTERS.length * 4);
      db.close();
    });

  it('keeps nulls last and ties by id ascending in descending order, which is not the reverse', () => {
    const rows: CallColumnValues[] = [4, 1, 3, 2, 5].map((id) => [
      id,
      'call',
      'completed',
      null,
      null,
      null,
      id === 5 ? null : id % 2,
      null,
      null,
      1,
      0,
      ',invite,',
    ]);
    const cols = new CallColumns(rows.length);
    for (const row of rows) cols.add(row);
    const { facets, order } = cols.build();
    const ids = (o: Int32Array) => Array.from(o, (p) => facets.ids[p]);
    const o = order('durationMs');
    // Durations: 1→1, 2→0, 3→1, 4→0, 5→null.
    expect(ids(o.positions)).toEqual([2, 4, 1, 3, 5]);
    expect(ids(descending(o))).toEqual([1, 3, 2, 4, 5]);
    expect(o.nulls).toBe(1);
  });

  it('orders strings by code point, as SQLite orders their UTF-8 bytes', () => {
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    const sorted = [...TEXTS].sort(compareCodePoints);
    expect(sorted).toEqual([...TEXTS].sort(utf8));
    // UTF-16 code units put the surrogate pair of 📞 below U+FF21; code points put it above.
    expect([...TEXTS].sort()).not.toEqual(sorted);
    expect(sorted.indexOf('sip:📞@x')).toBeGreaterThan(sorted.indexOf('sip:\uff21@x'));
  });

  it('gives up past its capacity, its distinct strings or on an id that is not an integer, instead of sorting part of the calls', () => {
    const row = (id: number): CallColumnValues => [id, 'call', 'completed', 1, 'a', 'b', 1, 1, 1, 1, 0, ','];
    const cols = new CallColumns(2);
    cols.add(row(1));
    cols.add(row(2));
    expect(cols.full).toBe(false);
    cols.add(row(3));
    expect(cols.full).toBe(true);
    expect(() => cols.build()).toThrow(/did not fit/);
    const bad = new CallColumns(2);
    bad.add(row(1.5));
    expect(bad.full).toBe(true);
    // Distinct strings are bounded (From and To can differ in every call): by number and by length.
    const texts = (from: string, to: string, id: number): CallColumnValues => [
      id,
      'call',
      'completed',
      1,
      from,
      to,
      1,
      1,
      1,
      1,
      0,
      ',',
    ];
    const many = new CallColumns(10, { strings: 6, chars: 1000 });
    many.add(texts('a', 'b', 1));
    expect(many.full).toBe(false);
    many.add(texts('c', 'd', 2));
    expect(many.full).toBe(true);
    const long = new CallColumns(10, { strings: 100, chars: 20 });
    long.add(texts('x'.repeat(5), 'y', 1));
    expect(long.full).toBe(false);
    long.add(texts('z'.repeat(10), 'y', 2));
    expect(long.full).toBe(true);
  });
});
