/**
 * The ladder's message rows as SVG elements, built with plain DOM calls into
 * a detached group (d3's selection machinery costs more than the elements
 * themselves at 1,000 rows; see test/bench/bench-browser.mjs). One group per
 * message (`data-message-id`) with its arrow (shaft and head in one path),
 * label, SDP summary and finding markers (`data-rule`); the gutter's times
 * apart (`buildStamps`). Text is
 * set with textContent only.
 */

import { shortenIpv6ToFit } from '../format.js';
import { visibleLines } from '../visible.js';
import type { Arrow } from './layout.js';

const NS = 'http://www.w3.org/2000/svg';
const HEAD = 8;

/**
 * Shaft and head of an arrow as one path: the shaft is a line (no area, so
 * the fill shows only on the head); a self message is a small loop to the right.
 */
export function arrowPath(a: Pick<Arrow, 'x1' | 'x2' | 'self'>): string {
  if (a.self) {
    const x = a.x1;
    return `M${x},-6h28v12h-${28 - HEAD}M${x + 1},6L${x + 1 + HEAD},2L${x + 1 + HEAD},10Z`;
  }
  const dir = a.x2 >= a.x1 ? 1 : -1;
  const tip = a.x2 - dir;
  const base = tip - dir * HEAD;
  return `M${a.x1},0H${base}M${tip},0L${base},-4L${base},4Z`;
}

export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/**
 * An SDP summary (layout.ts `sdpText`) cut to `max` characters: long IPv6
 * addresses lose their middle groups first (`[fd17:…:feb9:1521]:6000`), so
 * that the port and the codecs after them stay in view.
 */
export function cutSdp(s: string, max: number): string {
  return s.length <= max ? s : cut(shortenIpv6ToFit(s, max), max);
}

function el<K extends keyof SVGElementTagNameMap>(
  parent: Element,
  tag: K,
  cls: string | null,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag) as SVGElementTagNameMap[K];
  if (cls) e.setAttribute('class', cls);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = visibleLines(text);
  parent.appendChild(e);
  return e;
}

function title(parent: Element, text: string): void {
  el(parent, 'title', null, {}, text);
}

/**
 * Every row is built, but only those near the viewport are in the document
 * (`rowCuller`): Chromium lays out an SVG's hidden (`display: none`) rows
 * too, so a 20,000-message ladder with all its rows attached took ~1 s to
 * lay out, again at each resize, against milliseconds for the rows in view.
 * The exports put every row back (export.ts).
 */
export function buildRows(arrows: readonly Arrow[]): { group: SVGGElement; nodes: SVGGElement[] } {
  const group = document.createElementNS(NS, 'g');
  group.setAttribute('class', 'rows');
  const nodes: SVGGElement[] = [];
  for (const a of arrows) {
    const g = el(group, 'g', `arrow ${a.cls}${a.retransmission ? ' retrans' : ''}${a.self ? ' self' : ''}`, {
      'data-message-id': a.messageId,
      transform: `translate(0,${a.y})`,
    });
    el(g, 'path', 'shaft', { d: arrowPath(a) });
    const x = a.self ? a.x1 + 34 : (a.x1 + a.x2) / 2;
    const anchor = a.self ? 'start' : 'middle';
    const label = el(
      g,
      'text',
      'label',
      { x, y: a.self ? -8 : -5, 'text-anchor': anchor },
      a.retransmission ? `↻ ${a.shortLabel}` : a.shortLabel,
    );
    // The whole text as a tooltip only where it was cut (a title per row costs as much as the row).
    if (a.shortLabel !== a.label) title(label, a.label);
    if (a.sdp !== null) {
      const max = a.self ? 40 : Math.max(10, Math.floor(Math.abs(a.x2 - a.x1) / 6));
      const sdp = el(g, 'text', 'sdp', { x, y: a.self ? 20 : 12, 'text-anchor': anchor }, cutSdp(a.sdp, max));
      if (a.sdp.length > max) title(sdp, a.sdp);
    }
    for (const m of a.markers) {
      const mk = el(g, 'g', `finding-marker sev-${m.severity}`, {
        'data-rule': m.rule,
        transform: `translate(${m.x},0)`,
      });
      el(mk, 'circle', null, { r: 5 });
      title(mk, `${m.rule}: ${m.text}`);
    }
    if (a.markerText) el(g, 'text', 'marker-text', { x: a.markerTextX, y: 4 }, a.markerText);
    nodes.push(g);
  }
  // Built inside the group (el appends), then taken out: the culler puts back those in view.
  group.textContent = '';
  return { group, nodes };
}

/**
 * Each row's time and delta, apart from its arrow: render.ts draws them in
 * the time gutter, which stays at the left edge when the ladder is panned
 * sideways. A group per message (`data-stamp`), culled as the rows are.
 */
export function buildStamps(arrows: readonly Arrow[]): { group: SVGGElement; nodes: SVGGElement[] } {
  const group = document.createElementNS(NS, 'g');
  group.setAttribute('class', 'stamps');
  const nodes: SVGGElement[] = [];
  for (const a of arrows) {
    const g = el(group, 'g', 'stamp', { 'data-stamp': a.messageId, transform: `translate(0,${a.y})` });
    el(g, 'text', 'time', { x: 12, y: -2 }, a.timeText);
    if (a.deltaText) el(g, 'text', 'delta', { x: 12, y: 11 }, a.deltaText);
    nodes.push(g);
  }
  group.textContent = '';
  return { group, nodes };
}

/** What the culler needs of the rows' group (an SVG group, or a stand-in in tests). */
export interface RowParent<N> {
  readonly firstChild: N | ChildNode | null;
  appendChild(n: N): unknown;
  insertBefore(n: N, ref: N | ChildNode | null): unknown;
  removeChild(n: N): unknown;
}

/**
 * Keeps in `parent` exactly the rows between two y coordinates (ladder
 * space), in row order, adding and removing only the rows whose state changes.
 */
export function rowCuller<N>(
  parent: RowParent<N>,
  nodes: readonly N[],
  top: number,
  rowHeight: number,
): (y0: number, y1: number) => void {
  let first = 0;
  let last = -1;
  const n = nodes.length;
  return (y0, y1) => {
    const f = Math.max(0, Math.floor((y0 - top) / rowHeight));
    const l = Math.min(n - 1, Math.ceil((y1 - top) / rowHeight));
    for (let i = first; i <= last; i++) if (i < f || i > l) parent.removeChild(nodes[i]);
    // Rows above the ones kept go in first, bottom-up; rows below are appended.
    const keptFirst = Math.max(first, f);
    const keptLast = Math.min(last, l);
    const kept = keptFirst <= keptLast;
    for (let i = kept ? keptFirst - 1 : -1; i >= f; i--) parent.insertBefore(nodes[i], parent.firstChild);
    for (let i = kept ? keptLast + 1 : f; i <= l; i++) parent.appendChild(nodes[i]);
    first = f;
    last = l;
  };
}

/** `nodes` copied into the group `selector` (`g.rows`, `g.stamps`) of an exported copy of the ladder, in place of those in view. */
export function putAll(root: Element, selector: string, nodes: readonly Element[]): void {
  const group = root.querySelector(selector);
  if (group === null) return;
  group.textContent = '';
  for (const r of nodes) group.appendChild(r.cloneNode(true));
}
