/**
 * One call: its summary, the ladder (legend, zoom, hover highlight, finding
 * markers, linked legs, RTP streams), column renames and merges, the message inspector
 * beside it, and the exports (pcap via the API, SVG, PNG, JSON).
 * With other calls in the route (`…/with/7,9`, marked in the call list as
 * sngrep marks dialogs), those calls are drawn on the same ladder, each a
 * leg named by its call; the summary stays the main call's, the exports
 * (pcap and messages with `?with=`, JSON the merged detail) are all of them.
 */
import { api } from '../api/client.js';
import { onLive, onReconnect } from '../api/live.js';
import type { CallDetail } from '../api/types.js';
import { captureTitle } from '../capture-files.js';
import { h, replace } from '../dom.js';
import { hostOf, withAlias } from '../ladder/aliases.js';
import { download, ladderPng, ladderSvgText } from '../ladder/export.js';
import { type Column, type LadderLayout, layoutLadder } from '../ladder/layout.js';
import { legNamesOfCalls, withRelated } from '../ladder/related-merge.js';
import { type LadderDrawing, renderLadder } from '../ladder/render.js';
import { type LadderRow, ladderRows, rowIndex, stepRow } from '../ladder/row-nav.js';
import { ladderText } from '../ladder/text-export.js';
import { streamFacts } from '../media/rtp-streams.js';
import { formatRoute, type Route } from '../router.js';
import { legend, loadAliases, saveAliases, summary, withLine } from './call-header.js';
import { pickStreamRow, streamsSection } from './call-streams.js';
import { createInspector, type Inspector } from './inspector.js';
import { streamAnalysis } from './stream-analysis.js';
import type { View, ViewContext } from './view.js';

/** Draw a call with the calls related to it (related-merge.ts): kept while moving between calls. */
let includeRelated = false;

export function ladderView(ctx: ViewContext, route: Extract<Route, { view: 'ladder' }>): View {
  const captureId = route.capture;
  const callId = route.call;
  let message = route.message;
  let compare = route.compare;
  /** Other calls drawn on this ladder (the route's `with`), in order; none for one call. */
  const others = route.with ?? [];
  const multi = others.length > 0;
  /** Those of `others` fetched, in order, and those the capture does not have; null before the fetch. */
  let withDetails: CallDetail[] | null = multi ? null : [];
  let missing: number[] = [];
  /** Where this ladder is with message `message` open (and `compare` beside it), its other calls kept. */
  const at = (m: number | null, cmp?: number): Route => ({
    view: 'ladder',
    capture: captureId,
    call: callId,
    message: m,
    ...(m !== null && cmp !== undefined ? { compare: cmp } : {}),
    ...(multi ? { with: others } : {}),
  });
  /** Exported files' names: `call-3.svg`, `call-3-with-7-9.svg`. */
  const stem = !multi
    ? `call-${callId}`
    : others.length <= 5
      ? `call-${callId}-with-${others.join('-')}`
      : `call-${callId}-with-${others.length}-calls`;
  let detail: CallDetail | null = null;
  /** The related calls' details, once fetched. */
  let relatedDetails: CallDetail[] | null = null;
  /** What the ladder and the inspector show: the call, or the call with its related calls. */
  let shownDetail: CallDetail | null = null;
  let layout: LadderLayout | null = null;
  let drawing: LadderDrawing | null = null;
  let inspector: Inspector | null = null;
  /** The row ↑/↓ move from: a message's or an RTP stream's (row-nav.ts); null before the first. */
  let cursor: LadderRow | null = null;
  /** Every row of the drawn ladder in time order (row-nav.ts), for ↑/↓. */
  let rows: LadderRow[] = [];
  /**
   * The stream whose row is selected (↑/↓, a click on it in the ladder or in
   * the streams table), null when none. The address keeps the message it
   * names: a stream has no address of its own.
   */
  let stream: number | null = null;
  /**
   * The inspector shows the selected stream: it was clicked (in the ladder
   * or the table) or Enter pressed on it, or a message or stream was in the
   * inspector when ↑/↓ reached it. Esc leaves it (`leaveStream`).
   */
  let streamOpen = false;
  let aliases = loadAliases();
  const abort = new AbortController();

  const top = h('div', { class: 'ladder-top' }, h('p', { class: 'loading' }, `Loading call ${callId}…`));
  const pane = h('div', { class: 'ladder-pane' });
  const side = h('aside', { class: 'inspector-pane' });
  const split = h('div', { class: 'ladder-split' }, pane, side);
  const renameBox = h('div', { class: 'rename-box' });
  const root = h('section', { class: 'ladder-view' }, top, renameBox, split);
  replace(ctx.root, root);

  function toolbar(d: CallDetail): HTMLElement {
    // The server's exports of several calls take those drawn: one the capture does not have would be a 404.
    const drawnOthers = (withDetails ?? []).map((x) => x.call.id);
    const btn = (label: string, title: string, fn: () => void, attrs: Record<string, string> = {}) => {
      const b = h('button', { type: 'button', class: 'button', title, ...attrs }, label);
      b.addEventListener('click', fn);
      return b;
    };
    return h(
      'div',
      { class: 'toolbar ladder-toolbar' },
      btn('−', 'zoom out', () => drawing?.zoomBy(1 / 1.25)),
      btn('+', 'zoom in', () => drawing?.zoomBy(1.25)),
      btn('1:1', 'reset zoom', () => drawing?.resetZoom()),
      // Calls marked together are drawn as they were marked: the related calls' switch would fight it.
      !multi && d.call.related?.length
        ? btn(
            includeRelated ? 'Without related calls' : `With related calls (${d.call.related.length})`,
            'draw the calls this one transferred to or from, replaced or was replaced by, on the same ladder',
            () => void toggleRelated(),
            { 'data-related-toggle': '', 'aria-pressed': String(includeRelated) },
          )
        : null,
      h('span', { class: 'sep' }),
      h('span', { class: 'toolbar-label' }, 'Export'),
      h(
        'a',
        {
          class: 'button',
          href: api.pcapUrl(captureId, callId, drawnOthers),
          download: `${stem}.pcap`,
          'data-export': 'pcap',
        },
        'pcap',
      ),
      btn(
        'SVG',
        'the ladder as SVG',
        () => {
          if (drawing && layout) {
            download(
              new Blob([ladderSvgText(drawing.svg, layout, drawing.rows, drawing.stamps)], {
                type: 'image/svg+xml',
              }),
              `${stem}.svg`,
            );
          }
        },
        { 'data-export': 'svg' },
      ),
      btn(
        'PNG',
        'the ladder as PNG',
        () => {
          if (drawing && layout) {
            ladderPng(drawing.svg, layout).then(
              (b) => download(b, `${stem}.png`),
              (e: Error) => ctx.notify(e.message, 'error'),
            );
          }
        },
        { 'data-export': 'png' },
      ),
      btn(
        'JSON',
        multi
          ? 'the calls drawn, merged as one: their messages, transactions, dialogs and findings as JSON'
          : 'the call, its messages, transactions, dialogs and findings as JSON',
        () =>
          download(
            new Blob([`${JSON.stringify(multi ? (shownDetail ?? d) : d, null, 2)}\n`], {
              type: 'application/json',
            }),
            `${stem}.json`,
          ),
        { 'data-export': 'json' },
      ),
      btn(
        'Text',
        'the ladder as text (as sipscope analyze --call draws it), for a ticket or a chat',
        () => {
          const s = shownDetail ?? d;
          if (layout)
            download(
              new Blob([ladderText(s.call, s.messages, s.findings, layout, s.streams)], {
                type: 'text/plain;charset=utf-8',
              }),
              `${stem}.txt`,
            );
        },
        { 'data-export': 'text' },
      ),
      h(
        'a',
        {
          class: 'button',
          href: api.messagesTextUrl(captureId, callId, drawnOthers),
          download: multi ? `${stem}-messages.txt` : '',
          title: multi
            ? "every message of the calls drawn as text, in capture order, each headed by its time and path (sngrep's raw view)"
            : "every message of the call as text, each headed by its time and path (sngrep's raw view)",
          'data-export': 'messages',
        },
        'Messages',
      ),
      h('span', { class: 'toolbar-hint' }, 'click a column header to rename it; equal names merge columns'),
    );
  }

  function draw(): void {
    if (!detail) return;
    drawing?.destroy();
    // Marks for test/bench/bench-browser.mjs: layout and drawing, without the fetch.
    const t0 = performance.now();
    shownDetail =
      multi && withDetails !== null
        ? withRelated(detail, withDetails)
        : includeRelated && relatedDetails !== null
          ? withRelated(detail, relatedDetails)
          : detail;
    layout = layoutLadder(shownDetail.call, shownDetail.messages, shownDetail.findings, {
      aliases,
      streams: shownDetail.streams,
    });
    rows = ladderRows(layout);
    const t1 = performance.now();
    // The summary first: the ladder pane's size depends on it, and the browser lays out once.
    replace(
      top,
      summary(captureId, detail),
      multi ? withLine(captureId, callId, withDetails ?? [], missing, shownDetail.messages.length) : null,
      // Times relative to the ladder's first message, as its gutter (with related calls, theirs may come first).
      streamsSection(
        captureId,
        callId,
        detail.streams,
        {
          t0: layout.start ?? detail.call.start,
          aliases,
          endpoints: detail.call.endpoints,
          messages: detail.messages,
        },
        {
          pick: (id) => selectStream(id, { open: true }),
          // The address may already name it (a stream's row took the selection meanwhile).
          setup: (id, call) => {
            if (call === callId && id === message && compare === undefined) showMessageRow(id);
          },
        },
      ),
      toolbar(detail),
      legend(
        layout,
        multi
          ? legNamesOfCalls(layout.legs, [detail.call, ...(withDetails ?? []).map((d) => d.call)])
          : undefined,
      ),
    );
    drawing = renderLadder(pane, layout, {
      onSelect: (id, shift) => {
        if (id === message && compare === undefined) showMessageRow(id);
        ctx.navigate(shift && message !== null && id !== message ? at(message, id) : at(id));
      },
      onColumn: rename,
      // A stream's row clicked in the ladder: selected, and its row in the table unfolded and scrolled into view.
      onStream: (id) => selectStream(id, { unfold: true, open: true }),
    });
    performance.measure('ladder:layout', { start: t0, end: t1 });
    performance.measure('ladder:render', { start: t1, end: performance.now() });
    const keep = stream;
    const keepOpen = streamOpen;
    if (message !== null) focusMessage(message, compare);
    // A stream no longer drawn (the related calls switched off) leaves no inspector on it.
    if (keep !== null && !selectStream(keep, { open: keepOpen }) && message === null) focusMessage(null);
  }

  /**
   * Selects stream `id`'s row in the ladder (brought into view) and picks
   * its row in the streams table (`unfold`: unfolding the table when it is
   * folded); the inspector shows the stream when `open` or when it is open
   * already (on a message or a stream). False for a stream the ladder does
   * not draw, left alone.
   */
  function selectStream(id: number, o: { unfold?: boolean; open?: boolean } = {}): boolean {
    if (!layout?.streams.some((s) => s.streamId === id)) return false;
    stream = id;
    cursor = { kind: 'stream', id };
    drawing?.selectStream(id);
    // A related call's stream is not in this call's table.
    pickStreamRow(top, id, { unfold: o.unfold });
    if (o.open || streamOpen || message !== null) inspectStream(id);
    return true;
  }

  /** The inspector on stream `id`: its figures as the table gives them, its setup message a link. */
  function inspectStream(id: number): void {
    const s = shownDetail?.streams?.find((x) => x.id === id);
    if (!s || !detail || !shownDetail || !layout) return;
    streamOpen = true;
    // The call's own streams name their ends as its table does; a related call's by every call drawn.
    const own = detail.streams?.some((x) => x.id === id);
    const t0 = layout.start ?? detail.call.start;
    const facts = streamFacts(s, {
      t0,
      aliases,
      endpoints: (own ? detail : shownDetail).call.endpoints,
      messages: shownDetail.messages,
    });
    const drawn = layout.arrows.some((a) => a.messageId === s.setup);
    const setupHref = formatRoute(
      drawn ? at(s.setup) : { view: 'ladder', capture: captureId, call: s.call ?? callId, message: s.setup },
    );
    openInspector().showStream(facts, {
      setupHref,
      // The address may name it already: no route change will come.
      onSetup: () => {
        if (drawn && s.setup === message && compare === undefined) leaveStream();
      },
      onClose: () => {
        if (message !== null) ctx.navigate(at(null));
        else focusMessage(null);
      },
      // Its packets on a click only (the server reads the capture file), under the call that has it.
      analysis: (signal) =>
        streamAnalysis({
          capture: captureId,
          call: own ? callId : (s.call ?? callId),
          stream: id,
          t0,
          signal,
        }),
    });
  }

  /** The inspector, made when there is none, and the pane open. */
  function openInspector(): Inspector {
    split.classList.add('inspecting');
    inspector ??= createInspector(
      side,
      captureId,
      shownDetail ?? (detail as CallDetail),
      () => ctx.navigate(at(null)),
      (first) => ctx.navigate(at(first)),
    );
    return inspector;
  }

  /**
   * Esc with a stream selected: back to the message the address names (in
   * the inspector, its row selected), or with none the inspector closed and
   * the ladder's selection gone (↑/↓ go on from the stream). False when no
   * stream was selected.
   */
  function leaveStream(): boolean {
    if (stream === null) return false;
    focusMessage(message, compare);
    return true;
  }

  /**
   * Message `id`'s row selected in the ladder again, when the address
   * already names it (no route change will come) but a stream's row took the
   * selection meanwhile.
   */
  function showMessageRow(id: number): void {
    if (stream === null) return;
    focusMessage(id, compare);
  }

  /** Switches the related calls on the ladder on or off (fetching them the first time). */
  async function toggleRelated(): Promise<void> {
    if (!detail) return;
    includeRelated = !includeRelated;
    await loadRelated();
    // The inspector reads the transactions and dialogs of what is shown: start it again.
    inspector?.destroy();
    inspector = null;
    draw();
  }

  async function loadRelated(): Promise<void> {
    if (multi || !includeRelated || relatedDetails !== null || !detail?.call.related?.length) return;
    const ids = [...new Set(detail.call.related.map((r) => r.call))];
    // A related call the store no longer has (pruned) is left out.
    const got = await Promise.all(ids.map((id) => api.call(captureId, id, abort.signal).catch(() => null)));
    relatedDetails = got.filter((x): x is CallDetail => x !== null);
  }

  function rename(c: Column): void {
    const addr = c.addrs[0];
    const input = h('input', { type: 'text', class: 'rename-input', 'aria-label': 'column name' });
    input.value = c.key.startsWith('alias:') ? c.title : '';
    input.placeholder = addr;
    const scope = h('select', { 'aria-label': 'applies to' });
    scope.append(
      h('option', { value: addr }, `this address (${addr})`),
      h('option', { value: hostOf(addr) }, `every port of ${hostOf(addr)}`),
    );
    const save = h('button', { type: 'submit', class: 'button primary' }, 'Save');
    const clearBtn = h('button', { type: 'button', class: 'button' }, 'Remove names');
    const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
    const form = h(
      'form',
      { class: 'rename-form' },
      h('span', null, 'Name column '),
      h('code', null, c.addrs.join(', ')),
      input,
      scope,
      save,
      clearBtn,
      cancel,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      aliases = withAlias(aliases, scope.value, input.value);
      saveAliases(aliases);
      replace(renameBox);
      draw();
    });
    clearBtn.addEventListener('click', () => {
      for (const a of c.addrs) {
        aliases = withAlias(withAlias(aliases, a, ''), hostOf(a), '');
      }
      saveAliases(aliases);
      replace(renameBox);
      draw();
    });
    cancel.addEventListener('click', () => replace(renameBox));
    replace(renameBox, form);
    input.focus();
  }

  function focusMessage(id: number | null, other?: number): void {
    message = id;
    compare = id === null ? undefined : other;
    if (!layout || !detail) return;
    if (id !== null) cursor = layout.arrows.some((a) => a.messageId === id) ? { kind: 'message', id } : null;
    // A message's selection, or none, takes a stream's place.
    streamOpen = false;
    if (stream !== null) {
      stream = null;
      pickStreamRow(top, null);
    }
    drawing?.select(id);
    drawing?.markCompared(compare ?? null);
    if (id === null) {
      inspector?.destroy();
      inspector = null;
      split.classList.remove('inspecting');
      return;
    }
    // The address may name a message of another call (a stale or hand-made link): never shown as this call's.
    const drawn = (m: number) => layout?.arrows.some((a) => a.messageId === m) === true;
    const stray = !drawn(id) ? id : compare !== undefined && !drawn(compare) ? compare : null;
    if (stray !== null) {
      elsewhere(stray);
      return;
    }
    const i = openInspector();
    if (compare !== undefined) i.compare(id, compare);
    else i.show(id);
  }

  /**
   * Message `id`, named by the address but not drawn on this ladder: its own
   * call's ladder is opened on it instead (the address replaced); a message
   * of no call, or one the capture does not have, is said not to be in this
   * call, with the way back to it.
   */
  function elsewhere(id: number): void {
    inspector?.destroy();
    inspector = null;
    split.classList.add('inspecting');
    const close = h(
      'button',
      { type: 'button', class: 'button small', 'aria-label': 'close inspector' },
      '×',
    );
    close.addEventListener('click', () => ctx.navigate(at(null)));
    const say = (text: string, link: Node | null) =>
      replace(
        side,
        h(
          'div',
          { class: 'inspector not-in-call', 'data-not-in-call': String(id) },
          h('header', null, h('h2', null, `Message #${id}`), close),
          h('p', null, text),
          link,
        ),
      );
    say(`Message #${id} is not in call ${callId}; looking for its call…`, null);
    api.message(captureId, id, abort.signal).then(
      (m) => {
        if (message !== id && compare !== id) return;
        if (m.call !== null && m.call !== callId) {
          ctx.notify(`Message #${id} is in call ${m.call}, not ${callId}: showing call ${m.call}`);
          ctx.navigate({ view: 'ladder', capture: captureId, call: m.call, message: id }, { replace: true });
          return;
        }
        say(
          `Message #${id} is not in call ${callId}${m.call === null ? ' (it belongs to no call)' : ''}.`,
          h('a', { href: formatRoute(at(null)) }, `Back to call ${callId}`),
        );
      },
      (e: Error) => {
        if (abort.signal.aborted || (message !== id && compare !== id)) return;
        say(
          `Message #${id} is not in call ${callId} (${e.message}).`,
          h('a', { href: formatRoute(at(null)) }, `Back to call ${callId}`),
        );
      },
    );
  }

  /** ↑/↓: the previous or next row in time order, a message's or a stream's. */
  function move(by: number): void {
    if (!layout) return;
    const next = stepRow(rows, cursor, by);
    if (next === null) return;
    if (next.kind === 'stream') {
      selectStream(next.id);
      return;
    }
    const id = next.id;
    cursor = next;
    // With the inspector open (on a message or a stream), the message is shown in it, at its address.
    if (message !== null || streamOpen) {
      // Back from a stream's row to the message the inspector shows: the address stays.
      if (id === message && compare === undefined) showMessageRow(id);
      else ctx.navigate(at(id), { replace: true });
    } else {
      if (stream !== null) {
        stream = null;
        pickStreamRow(top, null);
      }
      drawing?.select(id);
    }
  }

  // The other calls are fetched beside the main one; one the capture no longer has (pruned, a stale link) is left out.
  const withFetch = Promise.all(
    others.map((id) =>
      api.call(captureId, id, abort.signal).then(
        (d) => ({ id, d }),
        () => ({ id, d: null }),
      ),
    ),
  );
  api.call(captureId, callId, abort.signal).then(
    async (d) => {
      detail = d;
      ctx.setTitle({ call: multi ? `call ${callId} with ${others.join(', ')}` : `call ${callId}` });
      await loadRelated();
      if (multi) {
        const got = await withFetch;
        if (abort.signal.aborted) return;
        withDetails = got.flatMap((x) => (x.d ? [x.d] : []));
        missing = got.filter((x) => !x.d).map((x) => x.id);
      }
      draw();
    },
    (e: Error) => {
      if (!abort.signal.aborted) replace(top, h('p', { class: 'error-text' }, e.message));
    },
  );
  /** Fetches the call again and redraws when it grew or changed state. */
  function refetch(): void {
    api.call(captureId, callId, abort.signal).then(
      (d) => {
        if (
          !detail ||
          d.messages.length !== detail.messages.length ||
          d.call.state !== detail.call.state ||
          // A live call's streams are reported once they go idle: they may come after its last message.
          (d.streams?.length ?? 0) !== (detail.streams?.length ?? 0)
        ) {
          detail = d;
          // The inspector reads transactions and dialogs of the call: start it again on the new detail.
          inspector?.destroy();
          inspector = null;
          draw();
        }
      },
      () => undefined,
    );
  }
  // A call of a live capture grows while it is looked at: fetch it again (at most every 2 s) and redraw when it did.
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  const offLive = onLive('call:update', (u) => {
    if (u.captureId !== captureId || u.call.id !== callId || liveTimer) return;
    liveTimer = setTimeout(() => {
      liveTimer = undefined;
      refetch();
    }, 2000);
  });
  // Back from a lost connection: the call may have grown or ended unseen.
  const offReconnect = onReconnect(refetch);
  api.capture(captureId, abort.signal).then(
    (c) => ctx.setTitle(captureTitle(c)),
    () => undefined,
  );

  return {
    update(r) {
      if (r.view !== 'ladder' || r.capture !== captureId || r.call !== callId) return false;
      // Other calls, or others than these: another ladder.
      if ((r.with ?? []).join(',') !== others.join(',')) return false;
      focusMessage(r.message, r.compare);
      return true;
    },
    key(e) {
      // Esc leaves a selected stream first (main.ts goes up a level otherwise).
      if (e.key === 'Escape') return leaveStream();
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        move(e.key === 'ArrowDown' ? 1 : -1);
        return true;
      }
      if (e.key === 'Enter' && cursor !== null && rowIndex(rows, cursor) >= 0) {
        // On a stream's row: the stream in the inspector, its row in the table unfolded and in view.
        if (cursor.kind === 'stream') selectStream(cursor.id, { unfold: true, open: true });
        else ctx.navigate(at(cursor.id));
        return true;
      }
      if (e.key === '+' || e.key === '=') {
        drawing?.zoomBy(1.25);
        return true;
      }
      if (e.key === '-') {
        drawing?.zoomBy(1 / 1.25);
        return true;
      }
      return false;
    },
    destroy() {
      abort.abort();
      offLive();
      offReconnect();
      clearTimeout(liveTimer);
      inspector?.destroy();
      drawing?.destroy();
    },
  };
}
