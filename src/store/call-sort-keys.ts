/**
 * What the call list sorts by (server/API.md "Calls": `sort`), in a module of
 * its own that pulls nothing in: the web UI's call list (web/src/calls/query.ts)
 * offers these without taking call-query.ts's regex engine (node:v8).
 */

export const CALL_SORT_KEYS = [
  'start',
  'from',
  'to',
  'kind',
  'state',
  'durationMs',
  'pddMs',
  'setupMs',
  'messages',
  'findings',
] as const;
export type CallSortKey = (typeof CALL_SORT_KEYS)[number];
