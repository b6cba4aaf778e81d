/**
 * Paints a ladder layout on a 2D canvas (the PNG export): the same geometry
 * render.ts draws as SVG, without zoom. Colours come from the CSS custom
 * properties of the live ladder (`--c-request`, …) so both agree; the canvas
 * is scaled down when the call is too long for the browser's canvas limits.
 */
import type { ArrowClass, LadderLayout } from './layout.js';

const FALLBACK: Record<string, string> = {
  '--c-request': '#2b6cb0',
  '--c-1xx': '#718096',
  '--c-2xx': '#2f855a',
  '--c-3xx': '#b7791f',
  '--c-4xx': '#c05621',
  '--c-56xx': '#c53030',
  '--c-other': '#4a5568',
  '--c-error': '#c53030',
  '--c-warning': '#d69e2e',
  '--c-info': '#3182ce',
  '--c-text': '#1a202c',
  '--c-muted': '#718096',
  '--c-line': '#cbd5e0',
  '--c-head': '#edf2f7',
  '--c-bg': '#ffffff',
};

const VAR_OF: Record<ArrowClass, string> = {
  request: '--c-request',
  r1xx: '--c-1xx',
  r2xx: '--c-2xx',
  r3xx: '--c-3xx',
  r4xx: '--c-4xx',
  r56xx: '--c-56xx',
  other: '--c-other',
};

/** Largest side and area Chromium and Firefox accept for a canvas. */
const MAX_SIDE = 32_000;
const MAX_AREA = 200_000_000;

export function paintLadder(canvas: HTMLCanvasElement, l: LadderLayout, style: CSSStyleDeclaration): void {
  const color = (v: string) => style.getPropertyValue(v).trim() || FALLBACK[v];
  const scale = Math.min(
    2,
    MAX_SIDE / l.width,
    MAX_SIDE / l.height,
    Math.sqrt(MAX_AREA / (l.width * l.height)),
  );
  canvas.width = Math.ceil(l.width * scale);
  canvas.height = Math.ceil(l.height * scale);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2D canvas in this browser');
  g.scale(scale, scale);
  g.fillStyle = color('--c-bg');
  g.fillRect(0, 0, l.width, l.height);
  const font = (px: number, weight = '') => `${weight} ${px}px system-ui, sans-serif`.trim();

  // Headers and lifelines.
  g.fillStyle = color('--c-head');
  g.fillRect(0, 0, l.width, l.headerHeight);
  g.strokeStyle = color('--c-line');
  g.lineWidth = 1;
  for (const c of l.columns) {
    g.beginPath();
    g.moveTo(c.x, l.headerHeight);
    g.lineTo(c.x, l.height);
    g.stroke();
    g.textAlign = 'center';
    g.fillStyle = color('--c-text');
    g.font = font(13, '600');
    g.fillText(c.title, c.x, 28, 180);
    g.fillStyle = color('--c-muted');
    g.font = font(11);
    g.fillText(c.subtitle, c.x, 44, 180);
  }

  for (const a of l.arrows) {
    const col = color(VAR_OF[a.cls]);
    g.textAlign = 'left';
    g.fillStyle = color('--c-text');
    g.font = font(11);
    g.fillText(a.timeText, 12, a.y - 2);
    g.fillStyle = color('--c-muted');
    g.fillText(a.deltaText, 12, a.y + 11);
    g.strokeStyle = col;
    g.fillStyle = col;
    g.lineWidth = 1.5;
    g.setLineDash(a.retransmission ? [5, 4] : []);
    g.beginPath();
    if (a.self) {
      g.moveTo(a.x1, a.y - 6);
      g.lineTo(a.x1 + 28, a.y - 6);
      g.lineTo(a.x1 + 28, a.y + 6);
      g.lineTo(a.x1 + 8, a.y + 6);
    } else {
      const dir = a.x2 >= a.x1 ? 1 : -1;
      g.moveTo(a.x1, a.y);
      g.lineTo(a.x2 - dir * 8, a.y);
    }
    g.stroke();
    g.setLineDash([]);
    g.beginPath();
    if (a.self) {
      g.moveTo(a.x1 + 1, a.y + 6);
      g.lineTo(a.x1 + 9, a.y + 2);
      g.lineTo(a.x1 + 9, a.y + 10);
    } else {
      const dir = a.x2 >= a.x1 ? 1 : -1;
      g.moveTo(a.x2 - dir, a.y);
      g.lineTo(a.x2 - dir * 9, a.y - 4);
      g.lineTo(a.x2 - dir * 9, a.y + 4);
    }
    g.fill();
    const lx = a.self ? a.x1 + 34 : (a.x1 + a.x2) / 2;
    g.textAlign = a.self ? 'left' : 'center';
    g.font = font(12, '600');
    g.fillText(a.retransmission ? `↻ ${a.shortLabel}` : a.shortLabel, lx, a.y - (a.self ? 8 : 5));
    if (a.sdp) {
      g.fillStyle = color('--c-muted');
      g.font = font(10);
      g.fillText(a.sdp, lx, a.y + (a.self ? 20 : 12), a.self ? 240 : Math.abs(a.x2 - a.x1) - 8);
    }
    for (const m of a.markers) {
      g.fillStyle = color(`--c-${m.severity}`);
      g.beginPath();
      g.arc(m.x, m.y, 5, 0, Math.PI * 2);
      g.fill();
    }
    if (a.markerText) {
      g.textAlign = 'left';
      g.fillStyle = color('--c-muted');
      g.font = font(11);
      g.fillText(a.markerText, a.markerTextX, a.y + 4);
    }
  }
}
