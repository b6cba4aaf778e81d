/**
 * Two SIP messages side by side, as sngrep's message compare shows them:
 * what a proxy added (its Via, Record-Route), changed (Max-Forwards, the
 * Request-URI) or removed between two hops, what a B2BUA rewrote between its
 * legs, or how a re-INVITE's SDP differs from the INVITE's.
 *
 * Headers are compared by name (case-insensitive, compact forms as their
 * full names, RFC 3261 §7.3.3) and value: the longest common subsequence of
 * identical headers anchors the two lists; between anchors, a header of A
 * and one of B with the same name are one changed row, the rest were
 * removed (only in A) or added (only in B). Body lines are compared the
 * same way, line by line.
 */
// The parser's header table (compact forms of RFC 3261 §7.3.3 and later RFCs), shared with the server.
import { headerKey } from '../../../src/sip/header-table.js';
import type { MessageDetail } from '../api/types.js';
import { byteToIndex } from './segments.js';

export type DiffKind = 'same' | 'changed' | 'removed' | 'added';

export interface DiffRow {
  kind: DiffKind;
  /** The header name (as A writes it, else as B does); empty for the start line and body lines. */
  name: string;
  a: string | null;
  b: string | null;
}

export interface MessageDiff {
  start: DiffRow;
  headers: DiffRow[];
  body: DiffRow[];
  /** Rows that are not `same`, by kind. */
  counts: Record<Exclude<DiffKind, 'same'>, number>;
}

/** Beyond this many lines a side, a body is compared as one block (the table is O(n·m)). */
const MAX_LINES = 2000;

type Side = Pick<MessageDetail, 'raw' | 'startLine' | 'headers' | 'body'>;

export function diffMessages(a: Side, b: Side): MessageDiff {
  const counts = { changed: 0, removed: 0, added: 0 };
  const count = (rows: DiffRow[]) => {
    for (const r of rows) if (r.kind !== 'same') counts[r.kind]++;
    return rows;
  };
  const sa = slice(a.raw, a.startLine.start, a.startLine.end);
  const sb = slice(b.raw, b.startLine.start, b.startLine.end);
  const start: DiffRow = { kind: sa === sb ? 'same' : 'changed', name: '', a: sa, b: sb };
  if (start.kind === 'changed') counts.changed++;
  const ha = (a.headers ?? []).map((x) => ({ key: headerKey(x.name), name: x.name, value: x.value }));
  const hb = (b.headers ?? []).map((x) => ({ key: headerKey(x.name), name: x.name, value: x.value }));
  const headers = count(
    align(
      ha,
      hb,
      (x, y) => x.key === y.key && x.value === y.value,
      (x, y) => x.key === y.key,
      (x) => ({ name: x.name, text: x.value }),
    ),
  );
  const la = bodyLines(a);
  const lb = bodyLines(b);
  const body =
    la.length > MAX_LINES || lb.length > MAX_LINES
      ? count(blocks(la.join('\n'), lb.join('\n')))
      : count(
          align(
            la,
            lb,
            (x, y) => x === y,
            () => false,
            (x) => ({ name: '', text: x }),
          ),
        );
  return { start, headers, body, counts };
}

function slice(raw: string, from: number, to: number): string {
  return raw.slice(byteToIndex(raw, from), byteToIndex(raw, to));
}

function bodyLines(m: Side): string[] {
  if (m.body === null || m.body.end <= m.body.start) return [];
  const text = slice(m.raw, m.body.start, m.body.end).replace(/\r?\n$/, '');
  return text === '' ? [] : text.split(/\r?\n/);
}

function blocks(a: string, b: string): DiffRow[] {
  if (a === b) return a === '' ? [] : [{ kind: 'same', name: '', a, b }];
  return [{ kind: 'changed', name: '', a: a || null, b: b || null }];
}

/**
 * Rows for two lists: identical items (by `same`) matched by their longest
 * common subsequence; in each gap between matches, each B item is paired
 * with the first unpaired A item it `pairs` with; the gap shows A's unpaired
 * items (removed), then B's in order (changed with their pair, or added).
 */
function align<T>(
  a: readonly T[],
  b: readonly T[],
  same: (x: T, y: T) => boolean,
  pairs: (x: T, y: T) => boolean,
  show: (x: T) => { name: string; text: string },
): DiffRow[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = same(a[i], b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffRow[] = [];
  let gapA: T[] = [];
  let gapB: T[] = [];
  const flush = () => {
    const used = new Array<boolean>(gapA.length).fill(false);
    const partner = gapB.map((y) => {
      const k = gapA.findIndex((x, i) => !used[i] && pairs(x, y));
      if (k >= 0) used[k] = true;
      return k;
    });
    gapA.forEach((x, i) => {
      if (used[i]) return;
      const sx = show(x);
      out.push({ kind: 'removed', name: sx.name, a: sx.text, b: null });
    });
    gapB.forEach((y, j) => {
      const sy = show(y);
      const k = partner[j];
      if (k < 0) out.push({ kind: 'added', name: sy.name, a: null, b: sy.text });
      else {
        const sx = show(gapA[k]);
        out.push({ kind: 'changed', name: sx.name, a: sx.text, b: sy.text });
      }
    });
    gapA = [];
    gapB = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[i], b[j]) && lcs[i][j] === lcs[i + 1][j + 1] + 1) {
      flush();
      const s = show(a[i]);
      out.push({ kind: 'same', name: s.name, a: s.text, b: show(b[j]).text });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) gapB.push(b[j++]);
    else gapA.push(a[i++]);
  }
  flush();
  return out;
}
