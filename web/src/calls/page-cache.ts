/**
 * Pages of call rows fetched from the API as the list scrolls, kept in a
 * bounded cache (least recently used page evicted first, evictions counted).
 * A new filter or sort starts a new generation: answers for an older one are
 * dropped, so a slow response never paints rows of a previous query.
 */

export interface PageCacheOptions {
  /** Rows per request (default 200; the API allows up to 1000). */
  pageSize?: number;
  /** Pages kept (default 100, i.e. 20,000 rows). */
  maxPages?: number;
}

export class PageCache<T> {
  readonly pageSize: number;
  readonly maxPages: number;
  generation = 0;
  evictions = 0;
  private pages = new Map<number, T[]>();
  private inFlight = new Set<number>();

  constructor(o: PageCacheOptions = {}) {
    this.pageSize = o.pageSize ?? 200;
    this.maxPages = o.maxPages ?? 100;
  }

  /** Forget everything (a new query); returns the new generation. */
  reset(): number {
    this.pages.clear();
    this.inFlight.clear();
    return ++this.generation;
  }

  get(index: number): T | undefined {
    const p = Math.floor(index / this.pageSize);
    const page = this.pages.get(p);
    if (!page) return undefined;
    // Touch: most recently used last.
    this.pages.delete(p);
    this.pages.set(p, page);
    return page[index - p * this.pageSize];
  }

  /** Pages covering rows [first, last) that are neither loaded nor being fetched; marks them in flight. */
  claimMissing(first: number, last: number): number[] {
    const out: number[] = [];
    if (last <= first) return out;
    for (let p = Math.floor(first / this.pageSize); p <= Math.floor((last - 1) / this.pageSize); p++) {
      if (this.pages.has(p) || this.inFlight.has(p)) continue;
      this.inFlight.add(p);
      out.push(p);
    }
    return out;
  }

  /** Stores a fetched page; ignored when `generation` is not the current one. Returns whether it was kept. */
  put(generation: number, page: number, rows: T[]): boolean {
    if (generation !== this.generation) return false;
    this.inFlight.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
      this.evictions++;
    }
    return true;
  }

  /** A fetch failed: the page may be claimed again. */
  release(generation: number, page: number): void {
    if (generation === this.generation) this.inFlight.delete(page);
  }

  get size(): number {
    return this.pages.size;
  }
}
