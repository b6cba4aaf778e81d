/** The grid of call-list queries the store tests compare answers on. */
import { CALL_SORT_KEYS, type CallQuery } from '../../src/store/call-query.js';

/** Each filter with every sort key, in both orders, at every page of `pages` (`offset:limit`, blank-separated). */
export function* queryGrid(filters: readonly CallQuery[], pages: string) {
  const bounds = pages.split(' ').map((p) => p.split(':').map(Number));
  for (const filter of filters)
    for (const sort of CALL_SORT_KEYS)
      for (const order of ['asc', 'desc'] as const)
        for (const [offset, limit] of bounds) yield { ...filter, sort, order, offset, limit } as CallQuery;
}
