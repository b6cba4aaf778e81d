/**
 * Draws a ladder layout with d3 into an SVG: column headers (pinned while
 * scrolling down), lifelines, one arrow per message (`data-message-id`) with
 * its label, SDP summary, time gutter, retransmission mark and finding
 * markers (`data-rule`); zoom with ctrl+wheel or pinch, pan by dragging or
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
import type { Arrow, Column, LadderLayout } from './layout.js';

export interface LadderHandlers {
  /** A click on an arrow. */
  onSelect(messageId: number): void;
  /** A click on a column header (rename / merge). */
  onColumn?(column: Column): void;
}

export interface LadderDrawing {
  svg: SVGSVGElement;
  /** Marks one arrow as selected (null: none) and brings it into view. */
  select(messageId: number | null): void;
  zoomBy(k: number): void;
  resetZoom(): void;
  destroy(): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEAD = 8;

function arrowHead(a: Arrow): string {
  if (a.self) return '';
  const dir = a.x2 >= a.x1 ? 1 : -1;
  const x = a.x2 - dir * 1;
  return `M${x},0L${x - dir * HEAD},-4L${x - dir * HEAD},4Z`;
}

/** A self message (both ends in one column) as a small loop to the right. */
function selfLoop(a: Arrow): string {
  const x = a.x1;
  return `M${x},-6h28v12h-${28 - HEAD}`;
}

function selfHead(a: Arrow): string {
  const x = a.x1 + 1;
  return `M${x},6L${x + HEAD},2L${x + HEAD},10Z`;
}

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
    .attr('data-height', layout.height);

  const viewport = svg.append('g').attr('class', 'viewport');
  const { columns, arrows, headerHeight: top, gutterWidth, rowHeight } = layout;
  const bottom = layout.height;

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
  viewport
    .append('line')
    .attr('class', 'gutter-rule')
    .attr('x1', gutterWidth - 6)
    .attr('x2', gutterWidth - 6)
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

  const rows = viewport
    .append('g')
    .attr('class', 'rows')
    .selectAll<SVGGElement, Arrow>('g.arrow')
    .data(arrows, (a) => String(a.messageId))
    .join('g')
    .attr(
      'class',
      (a) =>
        `arrow ${a.cls}${a.retransmission ? ' retrans' : ''}${a.self ? ' self' : ''} leg-${Math.min(a.leg, 5)}`,
    )
    .attr('data-message-id', (a) => a.messageId)
    .attr('data-transaction', (a) => a.transaction ?? '')
    .attr('data-dialog', (a) => a.dialog ?? '')
    .attr('transform', (a) => `translate(0,${a.y})`);

  rows
    .append('rect')
    .attr('class', 'hit')
    .attr('x', 0)
    .attr('y', -rowHeight / 2)
    .attr('width', layout.width)
    .attr('height', rowHeight);
  if (layout.legs.length > 1) {
    rows
      .append('rect')
      .attr('class', 'leg-stripe')
      .attr('x', 2)
      .attr('y', -rowHeight / 2 + 2)
      .attr('width', 5)
      .attr('height', rowHeight - 4);
  }
  rows
    .append('text')
    .attr('class', 'time')
    .attr('x', 12)
    .attr('y', -2)
    .text((a) => a.timeText);
  rows
    .append('text')
    .attr('class', 'delta')
    .attr('x', 12)
    .attr('y', 11)
    .text((a) => a.deltaText);

  const straight = rows.filter((a) => !a.self);
  straight
    .append('line')
    .attr('class', 'shaft')
    .attr('x1', (a) => a.x1)
    .attr('x2', (a) => a.x2 - (a.x2 >= a.x1 ? HEAD : -HEAD))
    .attr('y1', 0)
    .attr('y2', 0);
  straight.append('path').attr('class', 'head').attr('d', arrowHead);
  const loops = rows.filter((a) => a.self);
  loops.append('path').attr('class', 'shaft loop').attr('d', selfLoop);
  loops.append('path').attr('class', 'head').attr('d', selfHead);

  const labelX = (a: Arrow) => (a.self ? a.x1 + 34 : (a.x1 + a.x2) / 2);
  const anchor = (a: Arrow) => (a.self ? 'start' : 'middle');
  rows
    .append('text')
    .attr('class', 'label')
    .attr('x', labelX)
    .attr('y', (a) => (a.self ? -8 : -5))
    .attr('text-anchor', anchor)
    .text((a) => (a.retransmission ? `↻ ${a.shortLabel}` : a.shortLabel))
    .append('title')
    .text((a) => `${a.label}${a.retransmission ? ' (retransmission)' : ''} — frame ${a.frame}`);
  rows
    .filter((a) => a.sdp !== null)
    .append('text')
    .attr('class', 'sdp')
    .attr('x', labelX)
    .attr('y', (a) => (a.self ? 20 : 12))
    .attr('text-anchor', anchor)
    .text((a) => cut(a.sdp ?? '', a.self ? 40 : Math.max(10, Math.floor(Math.abs(a.x2 - a.x1) / 6))))
    .append('title')
    .text((a) => a.sdp ?? '');

  const markers = rows
    .selectAll<SVGGElement, Arrow['markers'][number]>('g.finding-marker')
    .data((a) => a.markers)
    .join('g')
    .attr('class', (m) => `finding-marker sev-${m.severity}`)
    .attr('data-rule', (m) => m.rule)
    .attr('transform', (m) => `translate(${m.x},0)`);
  markers.append('circle').attr('r', 5);
  markers.append('title').text((m) => `${m.rule}: ${m.text}`);
  rows
    .filter((a) => a.markerText !== '')
    .append('text')
    .attr('class', 'marker-text')
    .attr('x', (a) => a.markerTextX)
    .attr('y', 4)
    .text((a) => a.markerText);

  // Column headers, pinned to the top: they follow horizontal pan and zoom only.
  const header = svg.append('g').attr('class', 'header');
  header
    .append('rect')
    .attr('class', 'header-bg')
    .attr('x', -10_000)
    .attr('y', 0)
    .attr('width', layout.width + 20_000)
    .attr('height', top);
  header
    .append('text')
    .attr('class', 'gutter-title')
    .attr('x', 12)
    .attr('y', top - 12)
    .text('time  (+delta)');
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
    .text((c) => cut(c.title, 22))
    .append('title')
    .text((c) => `${c.addrs.join(', ')}${c.subtitle ? ` — ${c.subtitle}` : ''} (click to rename)`);
  heads
    .append('text')
    .attr('class', 'column-subtitle')
    .attr('y', 44)
    .attr('text-anchor', 'middle')
    .text((c) => cut(c.subtitle || (c.title === c.addrs[0] ? '' : c.addrs.join(', ')), 26));
  heads.on('click', (_e, c) => handlers.onColumn?.(c));

  // Hover: the transaction stands out, its dialog less so, the rest fades.
  const byTx = new Map<number, SVGGElement[]>();
  const byDialog = new Map<number, SVGGElement[]>();
  rows.each(function (a) {
    if (a.transaction !== null) push(byTx, a.transaction, this);
    if (a.dialog !== null) push(byDialog, a.dialog, this);
  });
  let lit: SVGGElement[] = [];
  const unlight = () => {
    for (const el of lit) el.classList.remove('hl-tx', 'hl-dialog');
    lit = [];
    svgEl.classList.remove('hovering');
  };
  rows
    .on('mouseenter', (_e, a) => {
      unlight();
      svgEl.classList.add('hovering');
      for (const el of a.dialog !== null ? (byDialog.get(a.dialog) ?? []) : []) {
        el.classList.add('hl-dialog');
        lit.push(el);
      }
      for (const el of a.transaction !== null ? (byTx.get(a.transaction) ?? []) : []) {
        el.classList.add('hl-tx');
        lit.push(el);
      }
    })
    .on('mouseleave', unlight)
    .on('click', (_e, a) => handlers.onSelect(a.messageId));

  // Zoom and pan.
  let transform: ZoomTransform = zoomIdentity;
  const apply = (t: ZoomTransform) => {
    transform = t;
    viewport.attr('transform', t.toString());
    header.attr('transform', `translate(${t.x},0) scale(${t.k})`);
  };
  const z: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.15, 4])
    .filter((e: Event) =>
      e.type === 'wheel' ? (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey : true,
    )
    .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => apply(e.transform));
  const svgSel = svg as unknown as Selection<SVGSVGElement, unknown, null, undefined>;
  const extent = () => {
    const w = svgEl.clientWidth || 800;
    const hgt = svgEl.clientHeight || 600;
    z.extent([
      [0, 0],
      [w, hgt],
    ]).translateExtent([
      [-40, 0],
      [Math.max(layout.width + 40, w), Math.max(layout.height + 40, hgt)],
    ]);
  };
  extent();
  svgSel.call(z).on('dblclick.zoom', null);
  // A plain wheel scrolls (pans) the ladder, as a long page would.
  const onWheel = (e: WheelEvent) => {
    if (e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? svgEl.clientHeight : 1;
    z.translateBy(svgSel, (-e.deltaX * scale) / transform.k, (-e.deltaY * scale) / transform.k);
  };
  svgEl.addEventListener('wheel', onWheel, { passive: false });
  const resize = new ResizeObserver(() => {
    extent();
    z.translateBy(svgSel, 0, 0);
  });
  resize.observe(svgEl);

  let selected: SVGGElement | null = null;
  return {
    svg: svgEl,
    select(messageId) {
      selected?.classList.remove('selected');
      selected = null;
      if (messageId === null) return;
      const a = arrows.find((x) => x.messageId === messageId);
      if (!a) return;
      const el = rows.filter((d) => d.messageId === messageId).node();
      selected = el;
      el?.classList.add('selected');
      // Bring it into view when it is outside (below the pinned header).
      const hgt = svgEl.clientHeight || 600;
      const y = transform.applyY(a.y);
      if (y < top * transform.k + rowHeight || y > hgt - rowHeight) {
        z.translateBy(svgSel, 0, (hgt / 3 - y) / transform.k);
      }
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

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}
