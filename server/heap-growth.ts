/**
 * How far V8 lets the JavaScript heap grow past what its last full
 * collection kept before it collects again, for a server that runs for days
 * and analyses big uploads (`sipscope serve`, `--heap-growth PERCENT`).
 *
 * V8 picks the factor itself, up to 4× on a machine with memory to spare:
 * right for an analysis that ends, not for a live capture whose window keeps
 * a steady amount. Measured (README "Live capture", soak:serve at 300
 * calls/s into a 5,000-call window): the heap kept after each full
 * collection stayed at 113–118 MB, yet V8 let it reach 450 MB between
 * collections and RSS sat at 560–610 MB; with a fixed factor of 1.5 RSS sat
 * at 326–343 MB for 13% of a core instead of 11% (42 full collections in 7
 * minutes instead of 12). An upload's analysis into the store is the same
 * case (its hot calls are a steady amount): on the 200,000-call capture of
 * `npm run bench:big` peak RSS fell from 735–940 MiB to 490–545 MiB with the
 * same wall time (README "Big captures").
 *
 * It is V8's `--heap-growing-percent` (factor 1 + percent/100; 0 leaves the
 * factor to V8), set at run time through node:v8 `setFlagsFromString`: V8
 * reads it each time it recomputes the heap limit, so setting it before the
 * server starts is enough (test/live/heap-growth.test.ts checks that it
 * takes). V8 flags are per process: the worker threads' heaps (analyses of
 * uploads, the live write-through) grow by the same factor.
 */
import { setFlagsFromString } from 'node:v8';

/** `serve`'s default: the heap grows by half of what a full collection kept. */
export const DEFAULT_HEAP_GROWTH = 50;

/** Largest value `--heap-growth` takes (V8's own factor is at most 4×, i.e. 300). */
export const MAX_HEAP_GROWTH = 1000;

/**
 * Whether V8 compacts the old generation at every full collection
 * (`--compact-on-every-full-gc`) instead of only the pages its heuristics
 * pick. A live window is a queue: calls come, stay a quarter of an hour at
 * most, and go in the order they came, while a few (calls in progress, their
 * transactions) stay longer. Each page of the old generation then keeps a
 * few live objects among dead ones, and V8, which moves objects off only the
 * pages it finds emptiest, keeps about twice the pages the live objects
 * need. Measured (README "Live capture", soak:serve at 300 calls/s into a
 * 5,000-call window, 15 and 35 minutes): the main heap held 255–271 MB of
 * pages (5-minute means) without it and 158–171 MB with it, RSS 387–396 MB
 * against 303–307 MB (means by thirds), for 37% of a core against 39%.
 * `serve` sets it with a live capture (`--heap-compact yes|no` to choose):
 * an upload's analysis, whose heap grows as it goes, is left to V8's choice.
 */
export function setHeapCompaction(on: boolean): void {
  setFlagsFromString(on ? '--compact-on-every-full-gc' : '--no-compact-on-every-full-gc');
}

/** Sets the growth factor of this process's heaps to 1 + percent/100 (0: V8's own choice). */
export function setHeapGrowth(percent: number): void {
  if (!Number.isSafeInteger(percent) || percent < 0 || percent > MAX_HEAP_GROWTH)
    throw new RangeError(`heap growth must be a whole percent from 0 to ${MAX_HEAP_GROWTH}, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
