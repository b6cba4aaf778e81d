/**
 * The call list of one capture: virtualised (only the rows in view are in the
 * DOM, fetched a page at a time), sortable by clicking a header, filtered by
 * kind (OPTIONS/REGISTER hidden in one click), state, method, has-findings
 * and a free-text or /regex/ search; all through the API's query parameters.
 * Calls are marked with the checkbox at the start of their row or Space on
 * the selected row (sngrep's Space on a dialog), kept by call id through
 * scrolling, sorting and filtering; "Ladder of N calls" (or Enter) draws
 * them on one ladder, the first to start the main call.
 */
import { ApiError, api } from '../api/client.js';
import { onLive, onReconnect } from '../api/live.js';
import type { CallRow, CaptureInfo } from '../api/types.js';
import { PageCache } from '../calls/page-cache.js';
import { type CallFilter, callQuery, DEFAULT_FILTER, type SortKey, toggleSort } from '../calls/query.js';
import { CallSelection } from '../calls/selection.js';
import { rowTop, rowWindow, scrollToRow, type WindowInput } from '../calls/virtual-window.js';
import { captureTitle } from '../capture-files.js';
import { clear, h } from '../dom.js';
import { countOf, durationText, wallClock } from '../format.js';
import { filterBar } from './call-filters.js';
import { relationsBrief } from './call-relations.js';
import type { View, ViewContext } from './view.js';

const ROW_HEIGHT = 30;

interface Column {
  title: string;
  sort: SortKey;
  cls: string;
  cell(c: CallRow): string;
  /** The cell's tooltip when it says more than the cell (default: the cell's text, which may be cut). */
  tip?(c: CallRow): string | null;
}

const COLUMNS: Column[] = [
  { title: 'Start', sort: 'start', cls: 'c-start', cell: (c) => wallClock(c.start) },
  { title: 'From', sort: 'from', cls: 'c-from', cell: (c) => c.from ?? '' },
  { title: 'To', sort: 'to', cls: 'c-to', cell: (c) => c.to ?? '' },
  { title: 'Kind', sort: 'kind', cls: 'c-kind', cell: (c) => c.kind },
  {
    title: 'State',
    sort: 'state',
    cls: 'c-state',
    cell: (c) => {
      const rel = relationsBrief(c.related);
      return rel ? `${stateText(c)} · ${rel.short}` : stateText(c);
    },
    tip: (c) => {
      const rel = relationsBrief(c.related);
      return rel ? `${stateText(c)}; ${rel.long}` : null;
    },
  },
  { title: 'Duration', sort: 'durationMs', cls: 'c-num c-duration', cell: (c) => durationText(c.durationMs) },
  { title: 'PDD', sort: 'pddMs', cls: 'c-num c-pdd', cell: (c) => durationText(c.pddMs) },
  { title: 'Msgs', sort: 'messages', cls: 'c-num c-msgs', cell: (c) => String(c.messages.length) },
  { title: 'Findings', sort: 'findings', cls: 'c-num c-findings', cell: (c) => String(c.findingCount ?? 0) },
];

/** The state and, for a failed attempt, the code that ended it (`rejected 407`), as the ladder's summary shows it. */
function stateText(c: CallRow): string {
  return c.finalStatus !== null && c.finalStatus >= 300 ? `${c.state} ${c.finalStatus}` : c.state;
}

/** What the list remembers per capture while the page lives: back from a ladder lands where you were. */
interface Memory {
  filter: CallFilter;
  scrollTop: number;
  selected: number;
  /** The calls marked for one ladder (by id: a new sort or filter keeps them). */
  marked: CallSelection;
}
const memory = new Map<string, Memory>();

export function callsView(ctx: ViewContext, captureId: string): View {
  const mem: Memory = memory.get(captureId) ?? {
    filter: { ...DEFAULT_FILTER },
    scrollTop: 0,
    selected: -1,
    marked: new CallSelection(),
  };
  memory.set(captureId, mem);
  const cache = new PageCache<CallRow>({ pageSize: 200, maxPages: 100 });
  const abort = new AbortController();
  let total = 0;
  let capture: CaptureInfo | null = null;
  let loadError: string | null = null;

  const bar = filterBar(
    () => mem.filter,
    (f) => apply(f),
  );
  const count = bar.count;
  const toolbar = bar.element;
  // The frames of every call the filters list, as one pcapng (sngrep's save of the filtered dialogs).
  const pcapLink = h(
    'a',
    {
      class: 'button small',
      'data-export': 'calls-pcap',
      download: '',
      title: 'the listed calls as one pcapng',
    },
    'Save pcap',
  );
  // The listed calls, every page, in the list's order, as CSV for a spreadsheet (the list's columns).
  const csvLink = h(
    'a',
    { class: 'button small', 'data-export': 'calls-csv', download: '', title: 'the listed calls as CSV' },
    'Save CSV',
  );
  // The marked calls: how many, their ladder (sngrep's call flow of the selected dialogs), and a way to unmark them all.
  const markedCount = h('span', { class: 'marked-count', 'data-marked': '0' });
  const ladderBtn = h(
    'button',
    { type: 'button', class: 'button small primary', 'data-marked-ladder': '' },
    'Ladder of 0 calls',
  );
  const clearBtn = h(
    'button',
    { type: 'button', class: 'button small', 'data-marked-clear': '', title: 'unmark every call' },
    'Clear',
  );
  const markedBar = h('span', { class: 'marked-bar' }, markedCount, ladderBtn, clearBtn);
  ladderBtn.addEventListener('click', openMarked);
  clearBtn.addEventListener('click', () => {
    mem.marked.clear();
    renderMarks();
  });
  count.after(markedBar, pcapLink, csvLink);

  // Table
  const header = h('div', { class: 'call-grid call-head', role: 'row' });
  const spacer = h('div', { class: 'spacer' });
  const scroller = h('div', { class: 'call-scroller', role: 'rowgroup', tabindex: '0' }, spacer);
  const message = h('p', { class: 'list-message' });
  const table = h('div', { class: 'call-table', role: 'grid', 'aria-label': 'calls' }, header, scroller);
  clear(ctx.root);
  ctx.root.appendChild(h('section', { class: 'calls-view' }, toolbar, message, table));

  function renderToolbar(): void {
    bar.render(mem.filter, Object.keys(capture?.stats?.requests ?? {}));
  }

  function renderHeader(): void {
    clear(header);
    header.appendChild(
      h(
        'span',
        { class: 'head-cell c-pick', role: 'columnheader', title: 'mark calls to draw them on one ladder' },
        '✓',
      ),
    );
    for (const col of COLUMNS) {
      const active = mem.filter.sort === col.sort;
      const b = h(
        'button',
        {
          type: 'button',
          class: `head-cell ${col.cls}${active ? ' sorted' : ''}`,
          'data-sort': col.sort,
          role: 'columnheader',
          'aria-sort': active ? (mem.filter.order === 'asc' ? 'ascending' : 'descending') : 'none',
        },
        col.title,
        active ? (mem.filter.order === 'asc' ? ' ▲' : ' ▼') : '',
      );
      b.addEventListener('click', () => apply(toggleSort(mem.filter, col.sort)));
      header.appendChild(b);
    }
  }

  // Rows
  const drawn = new Map<number, HTMLElement>();

  function windowInput(): WindowInput {
    return {
      scrollTop: scroller.scrollTop,
      viewportHeight: scroller.clientHeight || 600,
      rowHeight: ROW_HEIGHT,
      total,
      overscan: 10,
    };
  }

  function fillRow(el: HTMLElement, index: number, c: CallRow | undefined): void {
    clear(el);
    el.className = `call-grid call-row${index === mem.selected ? ' selected' : ''}${c ? '' : ' loading'}`;
    el.setAttribute('aria-selected', String(index === mem.selected));
    el.dataset.index = String(index);
    if (!c) {
      el.removeAttribute('data-call-id');
      el.appendChild(h('span', { class: 'cell loading-cell' }, '…'));
      return;
    }
    el.dataset.callId = String(c.id);
    el.dataset.state = c.state;
    el.dataset.kind = c.kind;
    const marked = mem.marked.has(c.id);
    el.classList.toggle('marked', marked);
    const box = h('input', {
      type: 'checkbox',
      'data-pick': '',
      tabindex: '-1',
      'aria-label': `mark call ${c.id}`,
    });
    box.checked = marked;
    // A label: a click anywhere in the cell marks the call, and opens nothing.
    // Not a .cell: the columns of the call's facts keep their places.
    el.appendChild(h('label', { class: 'pick c-pick', title: 'mark for a ladder of several calls' }, box));
    for (const col of COLUMNS) {
      const text = col.cell(c);
      const cell = h('span', { class: `cell ${col.cls}`, title: col.tip?.(c) ?? text }, text);
      if (col.sort === 'state') cell.classList.add(`state-${c.state}`);
      if (col.sort === 'findings' && c.worstSeverity) cell.classList.add(`sev-${c.worstSeverity}`);
      el.appendChild(cell);
    }
  }

  let frame = 0;
  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function draw(): void {
    frame = 0;
    const wi = windowInput();
    const w = rowWindow(wi);
    spacer.style.height = `${w.scrollHeight}px`;
    for (const [i, el] of drawn) {
      if (i < w.first || i >= w.last) {
        el.remove();
        drawn.delete(i);
      }
    }
    for (let i = w.first; i < w.last; i++) {
      let el = drawn.get(i);
      const c = cache.get(i);
      if (!el) {
        el = h('div', { role: 'row' });
        drawn.set(i, el);
        spacer.appendChild(el);
        fillRow(el, i, c);
      } else if (
        el.dataset.callId !== (c ? String(c.id) : undefined) ||
        el.classList.contains('loading') !== !c
      ) {
        fillRow(el, i, c);
      } else {
        el.classList.toggle('selected', i === mem.selected);
        el.setAttribute('aria-selected', String(i === mem.selected));
        if (c) markRow(el, c.id);
      }
      el.style.transform = `translateY(${rowTop(wi, w, i)}px)`;
    }
    fetchMissing(w.first, w.last);
  }

  function fetchMissing(first: number, last: number): void {
    for (const page of cache.claimMissing(first, Math.max(last, first + 1))) void fetchPage(page);
  }

  async function fetchPage(page: number): Promise<void> {
    const gen = cache.generation;
    try {
      const res = await api.calls(
        captureId,
        callQuery(mem.filter, page * cache.pageSize, cache.pageSize),
        abort.signal,
      );
      if (gen !== cache.generation) return;
      cache.put(gen, page, res.calls);
      loadError = null;
      if (res.total !== total) {
        total = res.total;
        // Sized now, not at the next frame, so a scroll position can be restored at once.
        spacer.style.height = `${rowWindow(windowInput()).scrollHeight}px`;
        renderCount();
      }
      schedule();
    } catch (e) {
      cache.release(gen, page);
      if (abort.signal.aborted || gen !== cache.generation) return;
      loadError =
        e instanceof ApiError && e.status === 409
          ? 'This capture is still being analysed…'
          : (e as Error).message;
      renderCount();
    }
  }

  /** The row's checkbox and colour as the marks say. */
  function markRow(el: HTMLElement, id: number): void {
    const on = mem.marked.has(id);
    el.classList.toggle('marked', on);
    const box = el.querySelector<HTMLInputElement>('input[data-pick]');
    if (box && box.checked !== on) box.checked = on;
  }

  /** The marked calls' count and ladder button, and every drawn row's mark. */
  function renderMarks(): void {
    const n = mem.marked.size;
    const ladder = mem.marked.ladder();
    markedBar.hidden = n === 0;
    markedCount.textContent = `${n} marked`;
    markedCount.dataset.marked = String(n);
    ladderBtn.textContent = `Ladder of ${countOf(n, 'call')}`;
    ladderBtn.disabled = ladder === null;
    ladderBtn.title =
      n < 2 ? 'mark one more call to draw them together' : 'the marked calls on one ladder, by start time';
    for (const el of drawn.values()) {
      if (el.dataset.callId) markRow(el, Number(el.dataset.callId));
    }
  }

  /** Marks or unmarks row `index`'s call (Space, or its checkbox). */
  function toggleMark(index: number): void {
    const c = cache.get(index);
    if (!c) return;
    mem.marked.toggle(c);
    renderMarks();
  }

  /** The marked calls on one ladder: the first to start is the main call. */
  function openMarked(): void {
    const l = mem.marked.ladder();
    if (l) ctx.navigate({ view: 'ladder', capture: captureId, call: l.call, message: null, with: l.with });
  }

  function renderCount(): void {
    count.textContent = countOf(total, 'call');
    count.dataset.total = String(total);
    // A live capture keeps its frames only with --live-pcap (else its calls' pcap answers 410): no
    // link without them, nor for an empty list.
    pcapLink.hidden =
      total === 0 || capture === null || (capture.status === 'live' && capture.live?.framesKept !== true);
    pcapLink.setAttribute('href', api.callsPcapUrl(captureId, callQuery(mem.filter, 0, 1)));
    pcapLink.title = `the frames of the ${countOf(total, 'call')} listed, as one pcapng`;
    csvLink.hidden = total === 0 || capture === null;
    csvLink.setAttribute('href', api.callsCsvUrl(captureId, callQuery(mem.filter, 0, 1)));
    csvLink.title = `the ${countOf(total, 'call')} listed, in this order, as CSV for a spreadsheet`;
    message.textContent =
      loadError ?? (total === 0 && cache.size > 0 ? 'No call matches these filters.' : '');
    message.classList.toggle('error-text', loadError !== null && !loadError.endsWith('…'));
  }

  /** A new filter or sort: forget the rows, go back to the top, fetch the first page. */
  function apply(f: CallFilter): void {
    mem.filter = f;
    mem.selected = -1;
    cache.reset();
    for (const el of drawn.values()) el.remove();
    drawn.clear();
    scroller.scrollTop = 0;
    renderToolbar();
    renderHeader();
    void fetchPage0();
  }

  async function fetchPage0(): Promise<void> {
    cache.claimMissing(0, 1);
    await fetchPage(0);
    renderCount();
    schedule();
  }

  scroller.addEventListener(
    'scroll',
    () => {
      mem.scrollTop = scroller.scrollTop;
      schedule();
    },
    { passive: true },
  );
  const resize = new ResizeObserver(schedule);
  resize.observe(scroller);
  scroller.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const row = box.closest<HTMLElement>('.call-row');
    if (!box.matches('input[data-pick]') || !row?.dataset.index) return;
    toggleMark(Number(row.dataset.index));
    // The keys stay with the list (↑/↓, Space) after a click on a checkbox.
    scroller.focus({ preventScroll: true });
  });
  scroller.addEventListener('click', (e) => {
    if ((e.target as Element).closest('.c-pick')) return;
    const row = (e.target as Element).closest<HTMLElement>('.call-row');
    if (!row?.dataset.callId) return;
    mem.selected = Number(row.dataset.index);
    open(Number(row.dataset.callId));
  });

  function open(call: number): void {
    ctx.navigate({ view: 'ladder', capture: captureId, call, message: null });
  }

  function move(by: number): void {
    if (total === 0) return;
    mem.selected = Math.max(0, Math.min(total - 1, (mem.selected < 0 ? -1 : mem.selected) + by));
    scroller.scrollTop = scrollToRow(windowInput(), mem.selected);
    schedule();
  }

  // Live captures: rows change while we look; refetch what is in view, at most every 2 s.
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  const offs = [
    onLive('call:update', ({ captureId: id }) => {
      if (id !== captureId || liveTimer) return;
      liveTimer = setTimeout(() => {
        liveTimer = undefined;
        cache.reset();
        schedule();
      }, 2000);
    }),
    onLive('capture:ready', ({ id }) => {
      if (id === captureId) void start();
    }),
    // Back from a lost connection: the rows and the capture may have changed unseen.
    onReconnect(() => void start()),
  ];

  /** The rows and the capture's name and methods are fetched side by side; the rows alone decide what is drawn. */
  async function start(): Promise<void> {
    const restore = mem.scrollTop;
    cache.reset();
    const rows = fetchPage0().then(() => {
      // Back where the list was, unless the user has scrolled meanwhile.
      if (scroller.scrollTop === 0) scroller.scrollTop = restore;
      schedule();
    });
    try {
      capture = await api.capture(captureId, abort.signal);
      ctx.setTitle({ ...captureTitle(capture), call: null });
      renderToolbar();
      renderCount();
    } catch (e) {
      if (!abort.signal.aborted) {
        loadError = (e as Error).message;
        renderCount();
      }
    }
    await rows;
  }

  renderToolbar();
  renderHeader();
  renderMarks();
  void start();

  return {
    key(e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        move(e.key === 'ArrowDown' ? 1 : -1);
        return true;
      }
      if (e.key === 'PageDown' || e.key === 'PageUp') {
        const page = Math.max(1, Math.floor((scroller.clientHeight || 600) / ROW_HEIGHT) - 1);
        move(e.key === 'PageDown' ? page : -page);
        return true;
      }
      if (e.key === 'Home' || e.key === 'End') {
        move(e.key === 'Home' ? -total : total);
        return true;
      }
      if (e.key === ' ') {
        // On a checkbox or a button, Space is its own (a checkbox's change event marks the call).
        if ((e.target as Element | null)?.matches?.('input, button, a')) return false;
        if (mem.selected >= 0) toggleMark(mem.selected);
        return true;
      }
      // With two calls marked or more, Enter draws them together (sngrep's Enter on selected dialogs).
      if (e.key === 'Enter' && mem.marked.ladder() !== null) {
        openMarked();
        return true;
      }
      if (e.key === 'Enter' && mem.selected >= 0) {
        const c = cache.get(mem.selected);
        if (c) open(c.id);
        return true;
      }
      return false;
    },
    destroy() {
      abort.abort();
      bar.destroy();
      clearTimeout(liveTimer);
      cancelAnimationFrame(frame);
      resize.disconnect();
      for (const off of offs) off();
    },
  };
}
