/**
 * Draws a ladder layout with d3 into an SVG: column headers (pinned while
 * scrolling down), a time gutter (pinned while panning sideways), lifelines,
 * one arrow per message (`data-message-id`) with its label, SDP summary,
 * retransmission mark and finding markers (`data-rule`), one row per RTP
 * stream (`data-stream-id`, stream-rows.ts) among them; zoom with ctrl+wheel or pinch, pan by dragging or
 * with the wheel; hovering an arrow highlights its transaction and dialog.
 * Nothing is computed here that layout.ts could compute: this only draws.
 * All text goes through d3's `.text()` (textContent).
 */
import {
  type D3ZoomEvent,
  type Selection,
  select,
  type ZoomBehavior,
  type ZoomTransform,
  zoom,
  zoomIdentity,
} from 'd3';
import { fitAddress } from '../format.js';
import type { Arrow, Column, LadderLayout } from './layout.js';
import { buildRows, buildStamps, cut, rowCuller } from './rows.js';
import { buildStreamRows, buildStreamStamps, inRowOrder } from './stream-rows.js';

export interface LadderHandlers {
  /** A click on an arrow; `shift` when Shift was held (compare with the selected message). */
  onSelect(messageId: number, shift: boolean): void;
  /** A click on a column header (rename / merge). */
  onColumn?(column: Column): void;
  /** A click on an RTP stream's row. */
  onStream?(streamId: number): void;
}

export interface LadderDrawing {
  svg: SVGSVGElement;
  /** Every row, messages' and streams', in order; only those near the viewport are in `svg` (rows.ts). */
  rows: readonly SVGGElement[];
  /** Every row's time and delta in the gutter, culled as `rows` are. */
  stamps: readonly SVGGElement[];
  /** Marks one arrow as selected (null: none; a stream's selection goes too) and brings it into view. */
  select(messageId: number | null): void;
  /** Marks one RTP stream's row as selected as an arrow is (null: none; a message's selection goes) and brings it into view. */
  selectStream(streamId: number | null): void;
  /** Marks the arrow compared with the selected one (null: none). */
  markCompared(messageId: number | null): void;
  zoomBy(k: number): void;
  resetZoom(): void;
  destroy(): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Where a row's arrow is drawn (an arrow's or a stream's), to bring it into view. */
type Place = Pick<Arrow, 'y' | 'x1' | 'x2' | 'self'>;

export function renderLadder(
  container: HTMLElement,
  layout: LadderLayout,
  handlers: LadderHandlers,
): LadderDrawing {
  const svgEl = document.createElementNS(SVG_NS, 'svg');
  container.appendChild(svgEl);
  const svg = select(svgEl)
    .attr('class', 'ladder')
    .attr('role', 'img')
    .attr('aria-label', 'call flow ladder')
    .attr('data-width', layout.width)
    .attr('data-height', layout.height)
    .attr('data-rows', layout.arrows.length)
    .attr('data-streams', layout.streams.length);

  const viewport = svg.append('g').attr('class', 'viewport');
  const { columns, arrows, streams, rowCount, headerHeight: top, gutterWidth, rowHeight } = layout;
  const bottom = layout.height;
  /** The top edge of a row (arrows and streams alike are `rowHeight` apart from the header down). */
  const rowTop = (row: number) => top + rowHeight * row;

  // Alternate row bands and lifelines.
  viewport
    .append('g')
    .attr('class', 'lifelines')
    .selectAll('line')
    .data(columns)
    .join('line')
    .attr('x1', (c) => c.x)
    .attr('x2', (c) => c.x)
    .attr('y1', top)
    .attr('y2', bottom);
  if (arrows.some((a) => a.markers.length)) {
    viewport
      .append('line')
      .attr('class', 'gutter-rule')
      .attr('x1', layout.markerX - 8)
      .attr('x2', layout.markerX - 8)
      .attr('y1', top)
      .attr('y2', bottom);
  }

  // Alternate row bands and leg stripes, each one path for the whole ladder (not one element per row).
  // The bands run on past the last column to the pane's right edge, however wide (the export's viewBox cuts them).
  const bandWidth = layout.width + 10_000;
  /** Every other row's band, `w` wide from x = 0, as one path. */
  const bandsPath = (w: number): string => {
    let d = '';
    for (let row = 1; row < rowCount; row += 2) d += `M0,${rowTop(row)}h${w}v${rowHeight}h-${w}Z`;
    return d;
  };
  viewport.insert('path', ':first-child').attr('class', 'bands').attr('d', bandsPath(bandWidth));
  viewport.append('rect').attr('class', 'hover-band').attr('width', bandWidth);
  viewport.append('rect').attr('class', 'select-band').attr('width', bandWidth);

  // One group per message and per stream, built detached; the rows near the viewport are put in the group, attached once.
  const { group: rowGroup, nodes } = buildRows(arrows);
  const rowNodes = inRowOrder(rowCount, arrows, nodes, streams, buildStreamRows(streams));
  const cull = rowCuller(rowGroup, rowNodes, top, rowHeight);

  // The time gutter, drawn over the ladder's left edge and pinned there: it
  // follows vertical pan and zoom only, so a ladder wider than its pane (many
  // endpoints, or the inspector open beside it) keeps its times in view.
  // Its own copy of the bands and of the leg stripes, which lie under it.
  const gw = gutterWidth - 6;
  const gutter = svg.append('g').attr('class', 'gutter');
  gutter
    .append('rect')
    .attr('class', 'gutter-bg')
    .attr('x', -10_000)
    .attr('y', top)
    .attr('width', gw + 10_000)
    .attr('height', bottom - top);
  gutter.append('path').attr('class', 'bands').attr('d', bandsPath(gw));
  gutter.append('rect').attr('class', 'hover-band').attr('width', gw);
  gutter.append('rect').attr('class', 'select-band').attr('width', gw);
  if (layout.legs.length > 1) {
    const stripes = new Map<number, string>();
    for (const a of arrows) {
      const k = Math.min(a.leg, 5);
      stripes.set(k, `${stripes.get(k) ?? ''}M2,${a.y - rowHeight / 2 + 2}h5v${rowHeight - 4}h-5Z`);
    }
    for (const [k, d] of stripes) gutter.append('path').attr('class', `leg-stripe leg-${k}`).attr('d', d);
  }
  gutter
    .append('line')
    .attr('class', 'gutter-rule')
    .attr('x1', gw)
    .attr('x2', gw)
    .attr('y1', top)
    .attr('y2', bottom);
  const { group: stampGroup, nodes: messageStamps } = buildStamps(arrows);
  const stamps = inRowOrder(rowCount, arrows, messageStamps, streams, buildStreamStamps(streams));
  const cullStamps = rowCuller(stampGroup, stamps, top, rowHeight);
  (gutter.node() as SVGGElement).appendChild(stampGroup);
  // Both copies of each band (ladder and gutter) move together.
  const hoverBand = svg
    .selectAll<SVGRectElement, unknown>('rect.hover-band')
    .attr('height', rowHeight)
    .attr('y', -1000);
  const selectBand = svg
    .selectAll<SVGRectElement, unknown>('rect.select-band')
    .attr('height', rowHeight)
    .attr('y', -1000);
  // The pane's size arrives with the ResizeObserver, after the browser's own
  // layout: reading it now would force a layout of the whole page (tens of ms).
  let viewW = window.innerWidth;
  let viewH = window.innerHeight;
  const showAround = (t: ZoomTransform) => {
    const y0 = t.invertY(0);
    const y1 = t.invertY(viewH);
    cull(y0 - (y1 - y0), y1 + (y1 - y0));
    cullStamps(y0 - (y1 - y0), y1 + (y1 - y0));
  };
  showAround(zoomIdentity);
  (viewport.node() as SVGGElement).appendChild(rowGroup);

  // Column headers, pinned to the top: they follow horizontal pan and zoom only.
  // The background of the header row (and of its corner), from far left of the ladder to `right`.
  const headerBg = (g: Selection<SVGGElement, unknown, null, undefined>, right: number) =>
    g
      .append('rect')
      .attr('class', 'header-bg')
      .attr('x', -10_000)
      .attr('y', 0)
      .attr('width', right + 10_000)
      .attr('height', top);
  const header = svg.append('g').attr('class', 'header');
  headerBg(header, layout.width + 10_000);
  const heads = header
    .selectAll<SVGGElement, Column>('g.column-head')
    .data(columns)
    .join('g')
    .attr('class', 'column-head')
    .attr('data-column', (c) => c.key)
    .attr('transform', (c) => `translate(${c.x},0)`);
  heads
    .append('rect')
    .attr('x', -80)
    .attr('y', 8)
    .attr('width', 160)
    .attr('height', top - 16)
    .attr('rx', 4);
  heads
    .append('text')
    .attr('class', 'column-title')
    .attr('y', 28)
    .attr('text-anchor', 'middle')
    // An address loses its middle, not its end (format.ts fitAddress): the hosts of one IPv6 network share their start.
    .text((c) => (c.title === c.addrs[0] ? fitAddress(c.title, 22) : cut(c.title, 22)))
    .append('title')
    .text((c) => `${c.addrs.join(', ')}${c.subtitle ? ` — ${c.subtitle}` : ''} (click to rename)`);
  heads
    .append('text')
    .attr('class', 'column-subtitle')
    .attr('y', 44)
    .attr('text-anchor', 'middle')
    .text((c) =>
      c.subtitle ? cut(c.subtitle, 26) : c.title === c.addrs[0] ? '' : fitAddress(c.addrs.join(', '), 26),
    );
  heads.on('click', (_e, c) => handlers.onColumn?.(c));
  // The corner above the gutter, pinned both ways.
  const corner = svg.append('g').attr('class', 'corner');
  headerBg(corner, gw);
  corner
    .append('text')
    .attr('class', 'gutter-title')
    .attr('x', 12)
    .attr('y', top - 12)
    .text('time  (+delta)');

  // Hover: the transaction stands out, its dialog less so, the rest fades. One
  // listener on the SVG finds the row under the pointer from its y (rows are evenly spaced).
  const byTx = new Map<number, SVGGElement[]>();
  const byDialog = new Map<number, SVGGElement[]>();
  arrows.forEach((a, i) => {
    if (a.transaction !== null) push(byTx, a.transaction, nodes[i]);
    if (a.dialog !== null) push(byDialog, a.dialog, nodes[i]);
  });
  // What is on each row: the index of its arrow or of its stream, -1 for the other kind.
  const arrowAt = new Array<number>(rowCount).fill(-1);
  const streamAt = new Array<number>(rowCount).fill(-1);
  arrows.forEach((a, i) => {
    arrowAt[a.row] = i;
  });
  streams.forEach((s, i) => {
    streamAt[s.row] = i;
  });
  let lit: SVGGElement[] = [];
  let hovered = -1;
  const light = (row: number) => {
    if (row === hovered) return;
    for (const el of lit) el.classList.remove('hl-tx', 'hl-dialog');
    lit = [];
    hovered = row;
    const i = row >= 0 ? arrowAt[row] : -1;
    // A stream's row has no transaction to show: the band alone, nothing fades.
    svgEl.classList.toggle('hovering', i >= 0);
    hoverBand.attr('y', row >= 0 ? rowTop(row) : -1000);
    if (i < 0) return;
    const a = arrows[i];
    for (const el of a.dialog !== null ? (byDialog.get(a.dialog) ?? []) : []) {
      el.classList.add('hl-dialog');
      lit.push(el);
    }
    for (const el of a.transaction !== null ? (byTx.get(a.transaction) ?? []) : []) {
      el.classList.add('hl-tx');
      lit.push(el);
    }
  };
  /** The row under a pointer event, -1 over the pinned header or past the last row. */
  const rowAt = (e: MouseEvent): number => {
    const box = svgEl.getBoundingClientRect();
    const sy = e.clientY - box.top;
    if (sy < top * transform.k || (e.target as Element | null)?.closest?.('g.header, g.corner')) return -1;
    const y = transform.invertY(sy);
    const row = Math.floor((y - top) / rowHeight);
    return row >= 0 && row < rowCount ? row : -1;
  };
  svgEl.addEventListener('pointermove', (e) => light(rowAt(e)));
  svgEl.addEventListener('pointerleave', () => light(-1));
  svgEl.addEventListener('click', (e) => {
    const row = rowAt(e);
    if (row < 0) return;
    if (arrowAt[row] >= 0) handlers.onSelect(arrows[arrowAt[row]].messageId, e.shiftKey);
    else if (streamAt[row] >= 0) handlers.onStream?.(streams[streamAt[row]].streamId);
  });

  // Zoom and pan.
  let transform: ZoomTransform = zoomIdentity;
  const apply = (t: ZoomTransform) => {
    transform = t;
    showAround(t);
    viewport.attr('transform', t.toString());
    gutter.attr('transform', `translate(0,${t.y}) scale(${t.k})`);
    header.attr('transform', `translate(${t.x},0) scale(${t.k})`);
    corner.attr('transform', `scale(${t.k})`);
  };
  const z: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.15, 4])
    .filter((e: Event) =>
      e.type === 'wheel' ? (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey : true,
    )
    .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => apply(e.transform));
  const svgSel = svg as unknown as Selection<SVGSVGElement, unknown, null, undefined>;
  const extent = () => {
    z.extent([
      [0, 0],
      [viewW, viewH],
    ]).translateExtent([
      [-40, 0],
      [Math.max(layout.width + 40, viewW), Math.max(layout.height + 40, viewH)],
    ]);
  };
  extent();
  svgSel.call(z).on('dblclick.zoom', null);
  // A plain wheel scrolls (pans) the ladder, as a long page would.
  const onWheel = (e: WheelEvent) => {
    if (e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? viewH : 1;
    z.translateBy(svgSel, (-e.deltaX * scale) / transform.k, (-e.deltaY * scale) / transform.k);
  };
  svgEl.addEventListener('wheel', onWheel, { passive: false });
  const resize = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    if (box.width > 0) viewW = box.width;
    if (box.height > 0) viewH = box.height;
    showAround(transform);
    extent();
    z.translateBy(svgSel, 0, 0);
    if (selectedPlace !== null) {
      if (revealOnResize) revealDown(selectedPlace);
      revealAcross(selectedPlace);
    }
    revealOnResize = false;
  });
  resize.observe(svgEl);

  let revealOnResize = false;
  let selected: SVGGElement | null = null;
  let compared: SVGGElement | null = null;
  /** Where the selected row (an arrow's or a stream's) is drawn, null when none is selected. */
  let selectedPlace: Place | null = null;
  /** Scrolls a row into view when it is outside (above, under the pinned header, or below). */
  function revealDown(p: Place): void {
    const y = transform.applyY(p.y);
    if (y < top * transform.k + rowHeight || y > viewH - rowHeight)
      z.translateBy(svgSel, 0, (viewH / 3 - y) / transform.k);
  }
  /**
   * Pans sideways so that a row's arrow is in view, when it is not: a call with
   * many endpoints is wider than the page, and the inspector opening beside
   * the ladder narrows it (the resize calls this again for the selection).
   */
  function revealAcross(p: Place): void {
    const lo = Math.min(p.x1, p.x2) - 20;
    const hi = Math.max(p.x1, p.x2) + (p.self ? 140 : 20);
    const left = transform.applyX(lo);
    const right = transform.applyX(hi);
    if (left >= 0 && right <= viewW) return;
    const width = right - left;
    const target = width <= viewW ? (viewW - width) / 2 : 0;
    z.translateBy(svgSel, (target - left) / transform.k, 0);
  }
  /** Takes the selection off whatever row has it. */
  function unselect(): void {
    selected?.classList.remove('selected');
    selected = null;
    selectedPlace = null;
    selectBand.attr('y', -1000);
  }
  /** Selects the row `node` drawn at `p`: its class, the band under it, in view. */
  function selectRow(node: SVGGElement, p: Place & { row: number }): void {
    selected = node;
    selectedPlace = p;
    node.classList.add('selected');
    selectBand.attr('y', rowTop(p.row));
    revealDown(p);
    revealAcross(p);
    // The pane's real size comes with the next resize report (a deep link
    // selects before the first one): look again then.
    revealOnResize = true;
  }
  return {
    svg: svgEl,
    rows: rowNodes,
    stamps,
    select(messageId) {
      unselect();
      if (messageId === null) return;
      const i = arrows.findIndex((x) => x.messageId === messageId);
      if (i >= 0) selectRow(nodes[i], arrows[i]);
    },
    selectStream(streamId) {
      unselect();
      if (streamId === null) return;
      const i = streams.findIndex((x) => x.streamId === streamId);
      if (i >= 0) selectRow(rowNodes[streams[i].row], streams[i]);
    },
    markCompared(messageId) {
      compared?.classList.remove('compared');
      const i = messageId === null ? -1 : arrows.findIndex((x) => x.messageId === messageId);
      compared = i < 0 ? null : nodes[i];
      compared?.classList.add('compared');
    },
    zoomBy(k) {
      z.scaleBy(svgSel, k);
    },
    resetZoom() {
      z.transform(svgSel, zoomIdentity);
    },
    destroy() {
      resize.disconnect();
      svgEl.removeEventListener('wheel', onWheel);
      svgSel.on('.zoom', null);
      svgEl.remove();
    },
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
