/**
 * Paints a ladder layout on a 2D canvas (the PNG export): the same geometry
 * render.ts draws as SVG (message and RTP stream rows), without zoom. Colours come from the CSS custom
 * properties of the live ladder (`--c-request`, …) so both agree; the canvas
 * is scaled down when the call is too long for the browser's canvas limits.
 */
import type { ArrowClass, LadderLayout, StreamArrow } from './layout.js';
import { RTP_HEAD, RTP_HEAD_HALF, streamTextX } from './stream-rows.js';

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
  '--c-rtp': '#2c7a7b',
  '--c-rtp-lossy': '#b7791f',
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
  for (const s of l.streams) paintStream(g, s, color, font);
}

/** An RTP stream's row as stream-rows.ts draws it: gutter times, a thick double line, its head and texts. */
function paintStream(
  g: CanvasRenderingContext2D,
  s: StreamArrow,
  color: (v: string) => string,
  font: (px: number, weight?: string) => string,
): void {
  g.textAlign = 'left';
  g.font = font(11);
  g.fillStyle = color('--c-rtp');
  g.fillText(s.timeText, 12, s.y - 2);
  g.fillStyle = color('--c-muted');
  g.fillText(s.endText, 12, s.y + 11);
  const line = s.lossy ? color('--c-warning') : color('--c-rtp');
  const dir = s.x2 >= s.x1 ? 1 : -1;
  const trace = () => {
    g.beginPath();
    if (s.self) {
      g.moveTo(s.x1, s.y - 7);
      g.lineTo(s.x1 + 30, s.y - 7);
      g.lineTo(s.x1 + 30, s.y + 7);
      g.lineTo(s.x1 + RTP_HEAD, s.y + 7);
    } else {
      g.moveTo(s.x1, s.y);
      g.lineTo(s.x2 - dir - dir * RTP_HEAD, s.y);
    }
  };
  g.setLineDash(s.oneWay ? [10, 4] : []);
  g.strokeStyle = line;
  g.lineWidth = 5;
  trace();
  g.stroke();
  g.strokeStyle = color('--c-bg');
  g.lineWidth = 1.6;
  trace();
  g.stroke();
  g.setLineDash([]);
  g.fillStyle = line;
  g.beginPath();
  if (s.self) {
    g.moveTo(s.x1 + 1, s.y + 7);
    g.lineTo(s.x1 + 1 + RTP_HEAD, s.y + 7 - RTP_HEAD_HALF);
    g.lineTo(s.x1 + 1 + RTP_HEAD, s.y + 7 + RTP_HEAD_HALF);
  } else {
    const tip = s.x2 - dir;
    g.moveTo(tip, s.y);
    g.lineTo(tip - dir * RTP_HEAD, s.y - RTP_HEAD_HALF);
    g.lineTo(tip - dir * RTP_HEAD, s.y + RTP_HEAD_HALF);
  }
  g.fill();
  const { x, anchor } = streamTextX(s);
  g.textAlign = anchor === 'start' ? 'left' : 'center';
  g.font = font(12, '600');
  g.fillStyle = s.lossy ? color('--c-rtp-lossy') : color('--c-rtp');
  g.fillText(s.shortLabel, x, s.y + (s.self ? -11 : -8));
  if (s.note) {
    g.font = font(10, '600');
    g.fillStyle = color('--c-rtp-lossy');
    g.fillText(s.note, x, s.y + (s.self ? 22 : 16));
  }
}
