/**
 * The queries of store.ts answered from a rolling window's data (window.ts):
 * the call list with the shared matching and sorting (call-query.ts), one
 * call with its messages, findings in the order written, the statistics view
 * and a call's frames. The answers are those of the memory store for the
 * same rows (the shared store suite runs on a window too).
 */

import { type Severity, worse } from '../analyze/finding.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { MessageCounts } from '../sip/message-counts.js';
import { assembleCallDetail } from './call-detail.js';
import {
  type CallFacts,
  type CallQuery,
  callMatcher,
  compareCalls,
  pageOf,
  searchText,
} from './call-query.js';
import { CallTally } from './call-tally.js';
import { firstPerRule, ruleMatches } from './finding-filter.js';
import {
  type CallJson,
  type CallRow,
  callRowOf,
  type DialogRow,
  type Finding,
  type TransactionRow,
} from './rows.js';
import type {
  CallDetail,
  CallPage,
  CallsFrames,
  CaptureStatsView,
  FindingFilter,
  MessageInput,
} from './store.js';
import {
  addFrames,
  addMessageFrames,
  type MediaSpan,
  mediaSpan,
  sortedFrames,
  TlsConnections,
} from './store.js';

/** One call held in a window. */
export interface WindowSlot {
  id: number;
  /** Null until the call's row is written (a message or finding may come first). */
  row: CallJson | null;
  /** The call is over (handed out by the pipeline): evicted before any call still in progress. */
  final: boolean;
  /** Ids of its messages held. */
  messages: Set<number>;
  /** [order written, finding]. */
  findings: Array<[number, Finding]>;
  /**
   * Its RTP streams: from a writer (window-store.ts WindowWriter) or from
   * the live feed (window-feed.ts) as each stream finishes.
   */
  streams?: RtpStreamRecord[];
  /** Call list facts; undefined after a change. */
  facts?: CallFacts;
}

/** A window's data as the reads see it; `version` grows with every write. */
export interface WindowView {
  readonly messages: ReadonlyMap<number, MessageInput>;
  /** In the order calls were first seen. */
  readonly calls: ReadonlyMap<number, WindowSlot>;
  readonly transactions: ReadonlyMap<number, TransactionRow>;
  readonly dialogs: ReadonlyMap<number, DialogRow>;
  /** Findings without a call. */
  readonly loose: ReadonlyArray<[number, Finding]>;
  version: number;
  /** The last sorted call list, valid while `version` has not moved. */
  sorted: { version: number; key: string; list: CallFacts[] } | null;
}

/** The call list facts of a slot with a row (cached on the slot until it changes). */
export function callFacts(v: WindowView, s: WindowSlot): CallFacts {
  if (s.facts !== undefined) return s.facts;
  const c = s.row!;
  let worst: Severity | null = null;
  for (const [, f] of s.findings) worst = worse(worst, f.severity);
  const methods = new Set<string>();
  const agents = new Set<string>();
  for (const id of c.messages) {
    const m = v.messages.get(id);
    if (m === undefined) continue;
    if (m.row.method !== undefined) methods.add(m.row.method);
    if (m.agent !== null) agents.add(m.agent);
  }
  const row = callRowOf(c, s.findings.length, worst);
  s.facts = { row, methods: [...methods], text: searchText(row, agents) };
  return s.facts;
}

export function queryCalls(v: WindowView, query: CallQuery): CallPage {
  const key = `${query.sort ?? 'start'}:${query.order ?? 'asc'}`;
  let list: CallFacts[];
  if (v.sorted !== null && v.sorted.version === v.version && v.sorted.key === key) list = v.sorted.list;
  else {
    const cmp = compareCalls(query.sort, query.order);
    list = [];
    for (const s of v.calls.values()) if (s.row !== null) list.push(callFacts(v, s));
    list.sort((a, b) => cmp(a.row, b.row));
    v.sorted = { version: v.version, key, list };
  }
  const match = callMatcher(query);
  const { offset, limit } = pageOf(query);
  const calls: CallRow[] = [];
  let total = 0;
  for (const f of list) {
    if (!match(f)) continue;
    if (total >= offset && calls.length < limit) calls.push(f.row);
    total++;
  }
  return { total, calls };
}

export function callDetail(v: WindowView, id: number): CallDetail | undefined {
  const s = v.calls.get(id);
  if (s === undefined || s.row === null) return undefined;
  return assembleCallDetail(
    callFacts(v, s).row,
    (m) => v.messages.get(m)?.row,
    v.transactions,
    v.dialogs,
    s.findings.map(([, f]) => f),
    s.streams ?? [],
  );
}

/** In the order they were written. */
export function findingsOf(v: WindowView, filter: FindingFilter): Finding[] {
  const rule = filter.rule;
  const all: Array<[number, Finding]> = [];
  const take = (list: ReadonlyArray<[number, Finding]>) => {
    for (const e of list) {
      const f = e[1];
      if (filter.message !== undefined && !f.messages.includes(filter.message)) continue;
      if (!ruleMatches(f.rule, rule)) continue;
      all.push(e);
    }
  };
  if (filter.call !== undefined) {
    const s = v.calls.get(filter.call);
    if (s !== undefined) take(s.findings);
  } else {
    for (const s of v.calls.values()) take(s.findings);
    take(v.loose);
  }
  const found = all.sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  return filter.perRule === undefined ? found : firstPerRule(found, filter.perRule);
}

export function statsView(v: WindowView): CaptureStatsView {
  // Counts and distributions: in whatever order the window holds them.
  const counts = new MessageCounts();
  for (const { row } of v.messages.values()) {
    if (row.method !== undefined) counts.request(row.method);
    else if (row.status !== undefined) counts.response(row.status);
  }
  const calls = new CallTally();
  for (const s of v.calls.values()) if (s.row !== null) calls.add(s.row);
  return { requests: counts.requests(), responses: counts.responses(), ...calls.view() };
}

/** Every frame of every held message of the call, ascending, without repeats. */
export function callFrames(v: WindowView, id: number): number[] | undefined {
  const row = v.calls.get(id)?.row;
  if (row === undefined || row === null) return undefined;
  const frames = new Set<number>();
  for (const m of row.messages) {
    const r = v.messages.get(m)?.row;
    if (r !== undefined) addFrames(frames, r);
  }
  return sortedFrames(frames);
}

/** The frames of every held call the query's filters match (store.ts `callsFrames`). */
export function callsFrames(v: WindowView, query: CallQuery): CallsFrames {
  const match = callMatcher(query);
  const frames = new Set<number>();
  const streams: MediaSpan[] = [];
  const tls = new TlsConnections();
  let calls = 0;
  for (const s of v.calls.values()) {
    if (s.row === null) continue;
    const f = callFacts(v, s);
    if (!match(f)) continue;
    calls++;
    for (const m of f.row.messages) {
      const r = v.messages.get(m)?.row;
      if (r !== undefined) addMessageFrames(frames, tls, r);
    }
    for (const st of s.streams ?? []) streams.push(mediaSpan(st));
  }
  return { calls, frames: sortedFrames(frames), streams, connections: tls.list() };
}
