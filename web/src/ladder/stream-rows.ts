/**
 * The ladder's RTP stream rows as SVG, drawn with d3 into a detached group
 * as rows.ts builds the message rows: one group per stream
 * (`g.ladder-rtp[data-stream-id]`) with a thick double line from its
 * source's column to its destination's, its head, the codec and packet
 * count above, the loss and the one-way note under it, and a `<title>` with
 * its figures; and the stream's first and last packet times for the gutter
 * (`buildStreamStamps`). render.ts puts them among the message rows by their
 * `row`. Every string goes through d3's `.text()` or `.attr()`: the codecs,
 * SSRC and addresses come from the capture and are attacker text.
 */
import { select } from 'd3';
import type { StreamArrow } from './stream-arrows.js';

const NS = 'http://www.w3.org/2000/svg';
/** Length and half-width of a stream's arrow head (larger than a message's: the line is thicker). */
export const RTP_HEAD = 11;
export const RTP_HEAD_HALF = 6;

/** The line of a stream: from its source to the base of its head, or a loop to the right within one column. */
export function streamLinePath(s: Pick<StreamArrow, 'x1' | 'x2' | 'self'>): string {
  if (s.self) return `M${s.x1},-7h30v14h-${30 - RTP_HEAD}`;
  const dir = s.x2 >= s.x1 ? 1 : -1;
  return `M${s.x1},0H${s.x2 - dir - dir * RTP_HEAD}`;
}

/** The head of a stream's arrow, at its destination. */
export function streamHeadPath(s: Pick<StreamArrow, 'x1' | 'x2' | 'self'>): string {
  if (s.self) {
    const x = s.x1 + 1;
    return `M${x},7L${x + RTP_HEAD},${7 - RTP_HEAD_HALF}L${x + RTP_HEAD},${7 + RTP_HEAD_HALF}Z`;
  }
  const dir = s.x2 >= s.x1 ? 1 : -1;
  const tip = s.x2 - dir;
  const base = tip - dir * RTP_HEAD;
  return `M${tip},0L${base},-${RTP_HEAD_HALF}L${base},${RTP_HEAD_HALF}Z`;
}

/** x of a stream's texts and their anchor: centred between the columns, or right of the loop. */
export function streamTextX(s: Pick<StreamArrow, 'x1' | 'x2' | 'self'>): {
  x: number;
  anchor: 'start' | 'middle';
} {
  return s.self ? { x: s.x1 + 36, anchor: 'start' } : { x: (s.x1 + s.x2) / 2, anchor: 'middle' };
}

/** One group per stream, in the order of `streams`, built detached (render.ts attaches those in view). */
export function buildStreamRows(streams: readonly StreamArrow[]): SVGGElement[] {
  const group = document.createElementNS(NS, 'g');
  const rows = select(group)
    .selectAll<SVGGElement, StreamArrow>('g')
    .data(streams)
    .join('g')
    .attr(
      'class',
      (s) => `ladder-rtp${s.lossy ? ' lossy' : ''}${s.oneWay ? ' one-way' : ''}${s.self ? ' self' : ''}`,
    )
    .attr('data-stream-id', (s) => s.streamId)
    .attr('data-label', (s) => s.label)
    .attr('transform', (s) => `translate(0,${s.y})`);
  rows.append('title').text((s) => s.title);
  // A wide stroke with a thin one of the background's colour down its middle: a double line, as sngrep's `══`.
  rows.append('path').attr('class', 'rtp-line').attr('d', streamLinePath);
  rows.append('path').attr('class', 'rtp-core').attr('d', streamLinePath);
  rows.append('path').attr('class', 'rtp-head').attr('d', streamHeadPath);
  rows
    .append('text')
    .attr('class', 'rtp-label')
    .attr('x', (s) => streamTextX(s).x)
    .attr('y', (s) => (s.self ? -11 : -8))
    .attr('text-anchor', (s) => streamTextX(s).anchor)
    .text((s) => s.shortLabel);
  rows
    .filter((s) => s.note !== '')
    .append('text')
    // A note of DTMF digits alone is no warning: it keeps the stream's colour.
    .attr('class', (s) => (s.loss === '' && !s.oneWay ? 'rtp-note rtp-note-dtmf' : 'rtp-note'))
    .attr('x', (s) => streamTextX(s).x)
    .attr('y', (s) => (s.self ? 22 : 16))
    .attr('text-anchor', (s) => streamTextX(s).anchor)
    .text((s) => s.note);
  const nodes = rows.nodes();
  group.textContent = '';
  return nodes;
}

/** Each stream's first packet time and `to` its last, for the time gutter (`data-stream-stamp`). */
export function buildStreamStamps(streams: readonly StreamArrow[]): SVGGElement[] {
  const group = document.createElementNS(NS, 'g');
  const stamps = select(group)
    .selectAll<SVGGElement, StreamArrow>('g')
    .data(streams)
    .join('g')
    .attr('class', 'stamp rtp-stamp')
    .attr('data-stream-stamp', (s) => s.streamId)
    .attr('transform', (s) => `translate(0,${s.y})`);
  stamps
    .append('text')
    .attr('class', 'time')
    .attr('x', 12)
    .attr('y', -2)
    .text((s) => s.timeText);
  stamps
    .append('text')
    .attr('class', 'delta')
    .attr('x', 12)
    .attr('y', 11)
    .text((s) => s.endText);
  const nodes = stamps.nodes();
  group.textContent = '';
  return nodes;
}

/** The message rows and the stream rows together, in row order (`rowCount` of them). */
export function inRowOrder<N>(
  rowCount: number,
  arrows: readonly { row: number }[],
  arrowNodes: readonly N[],
  streams: readonly { row: number }[],
  streamNodes: readonly N[],
): N[] {
  const out = new Array<N>(rowCount);
  arrows.forEach((a, i) => {
    out[a.row] = arrowNodes[i];
  });
  streams.forEach((s, i) => {
    out[s.row] = streamNodes[i];
  });
  return out;
}
