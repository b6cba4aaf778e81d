/**
 * Exports of a ladder: a standalone SVG (the drawn SVG without zoom, its
 * stylesheet embedded), a PNG painted on a canvas from the same layout, and a
 * file download helper. Text stays text: the SVG is serialised by
 * XMLSerializer, which escapes it, and the canvas draws it with fillText.
 */
import ladderCss from '../../styles/ladder.css?raw';
import type { LadderLayout } from './layout.js';
import { paintLadder } from './paint.js';
import { putAll } from './rows.js';

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The ladder as an SVG document, whole (no zoom or pan, every one of its `rows` and `stamps`), with its CSS. */
export function ladderSvgText(
  svg: SVGSVGElement,
  layout: LadderLayout,
  rows: readonly Element[],
  stamps: readonly Element[],
): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(layout.width));
  clone.setAttribute('height', String(layout.height));
  clone.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  for (const g of clone.querySelectorAll('g.viewport, g.gutter, g.header, g.corner'))
    g.removeAttribute('transform');
  putAll(clone, 'g.rows', rows);
  putAll(clone, 'g.stamps', stamps);
  clone.classList.remove('hovering');
  for (const el of clone.querySelectorAll('.hl-tx, .hl-dialog, .selected')) {
    el.classList.remove('hl-tx', 'hl-dialog', 'selected');
  }
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = ladderCss;
  clone.insertBefore(style, clone.firstChild);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('class', 'export-bg');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  clone.insertBefore(bg, style.nextSibling);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** The ladder as a PNG, painted from the layout with the colours the page's CSS gives the live SVG. */
export function ladderPng(svg: SVGSVGElement, layout: LadderLayout): Promise<Blob> {
  const canvas = document.createElement('canvas');
  paintLadder(canvas, layout, getComputedStyle(svg));
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))),
      'image/png',
    );
  });
}
