/**
 * The chart of an RTP stream's packets (stream-analysis.ts's panel): d3
 * lines of each packet's delta and jitter (and, switched on, skew) against
 * capture time in seconds since the ladder's first message, thinned to the
 * pixel columns (media/stream-chart.ts), the lost packets marked in the
 * warning colour, a readout of the packet nearest the pointer. Only d3's
 * attr/text: nothing here is parsed as markup.
 */
import { axisBottom, axisLeft, line, pointer, type ScaleLinear, scaleLinear, select } from 'd3';
import type { StreamPackets } from '../api/types.js';
import { h } from '../dom.js';
import { countText } from '../format.js';
import {
  type ChartData,
  chartData,
  decimate,
  lossMarks,
  nearestPacket,
  readoutText,
  SERIES,
  type SeriesKey,
  xExtent,
  yExtent,
} from '../media/stream-chart.js';

const SVG = 'http://www.w3.org/2000/svg';
/** The chart's height and margins (its width is the panel's), in px. */
const H = 210;
const M = { top: 12, right: 14, bottom: 38, left: 52 };
/** Loss marks drawn with a dashed line down the chart at most; past that, ticks at its top only. */
const DENSE_MARKS = 40;

/** The chart of one page of packets; drawn again when the skew is switched on or off. */
function drawChart(
  svg: SVGSVGElement,
  width: number,
  d: ChartData,
  data: StreamPackets,
  t0: number,
  shown: readonly SeriesKey[],
  readout: HTMLElement,
): void {
  const root = select(svg);
  root.selectAll('*').remove();
  svg.setAttribute('viewBox', `0 0 ${width} ${H}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(H));
  const [x0, x1] = xExtent(d);
  const columns = Math.max(1, Math.round(width - M.left - M.right));
  const x: ScaleLinear<number, number> = scaleLinear()
    .domain([x0, x1])
    .range([M.left, width - M.right]);
  const y = scaleLinear()
    .domain(yExtent(d, shown))
    .nice(5)
    .range([H - M.bottom, M.top]);

  root
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(5))
    .join('line')
    .attr('x1', M.left)
    .attr('x2', width - M.right)
    .attr('y1', (v) => y(v))
    .attr('y2', (v) => y(v));
  root
    .append('g')
    .attr('class', 'axis x-axis')
    .attr('transform', `translate(0,${H - M.bottom})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor((width - M.left - M.right) / 70))));
  root
    .append('g')
    .attr('class', 'axis y-axis')
    .attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).ticks(5));
  root
    .append('text')
    .attr('class', 'axis-label')
    .attr('x', M.left + (width - M.left - M.right) / 2)
    .attr('y', H - 4)
    .attr('text-anchor', 'middle')
    .text('capture time (s since the ladder’s first message)');
  root
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(12,${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text('ms');

  // Paths of the series, each thinned to at most 4 points a pixel column.
  const path = line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  for (const { key } of SERIES) {
    const values = d[key];
    if (!values || !shown.includes(key)) continue;
    const points = decimate(d.t, values, x0, x1, columns);
    root
      .append('path')
      .attr('class', `series series-${key}`)
      .attr('data-series', key)
      .attr('data-points', points.length)
      .attr('d', path(points) ?? '');
  }

  // Where the pointer is: the nearest packet's figures under the chart.
  const guide = root
    .append('line')
    .attr('class', 'hover-guide')
    .attr('y1', M.top)
    .attr('y2', H - M.bottom)
    .attr('visibility', 'hidden');
  const idle = readout.textContent ?? '';
  const leave = () => {
    guide.attr('visibility', 'hidden');
    readout.textContent = idle;
  };
  root
    .append('rect')
    .attr('class', 'hover-zone')
    .attr('x', M.left)
    .attr('y', M.top)
    .attr('width', Math.max(0, width - M.left - M.right))
    .attr('height', H - M.top - M.bottom);
  // On the whole chart, so that a loss mark under the pointer (its tooltip) still gives the packet.
  root
    .on('mousemove', (e: MouseEvent) => {
      const [px, py] = pointer(e, svg);
      if (px < M.left || px > width - M.right || py < 0 || py > H - M.bottom) return leave();
      const i = nearestPacket(d, x.invert(px));
      if (i < 0) return;
      guide.attr('x1', x(d.t[i])).attr('x2', x(d.t[i])).attr('visibility', 'visible');
      readout.textContent = readoutText(data.packets[i], t0);
    })
    .on('mouseleave', leave);

  // The lost packets: a tick at the top and a dashed line down, over the pointer's zone so that their tooltips
  // show. Many of them, a narrow tick each, no line: a curtain of lines would hide the series.
  const losses = lossMarks(data.packets, t0, { x0, x1, columns });
  const dense = losses.length > DENSE_MARKS;
  const marks = root
    .append('g')
    .attr('class', dense ? 'loss-marks dense' : 'loss-marks')
    .selectAll('g')
    .data(losses)
    .join('g')
    .attr('class', 'loss-mark')
    .attr('data-frames', (m) => m.frames.join(','))
    .attr('data-lost', (m) => m.lost)
    .attr('transform', (m) => `translate(${x(m.t)},0)`);
  marks.append('title').text((m) => m.text);
  if (!dense)
    marks
      .append('line')
      .attr('class', 'loss-line')
      .attr('y1', M.top)
      .attr('y2', H - M.bottom);
  marks
    .append('path')
    .attr('class', 'loss-tick')
    .attr('d', dense ? `M-1,${M.top - 9}h2v9h-2Z` : `M-5,${M.top - 8}L5,${M.top - 8}L0,${M.top}Z`);
  marks
    .append('line')
    .attr('class', 'loss-hit')
    .attr('y1', M.top - 9)
    .attr('y2', dense ? M.top : H - M.bottom);
}

/** The chart, its legend (skew a switch) and the line under it that says which packet the pointer is on. */
export function chartBlock(data: StreamPackets, t0: number, width: number): HTMLElement {
  const d = chartData(data.packets, t0);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'stream-chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'delta and jitter of each packet against capture time, lost packets marked');
  const readout = h(
    'p',
    { class: 'stream-chart-readout', 'data-readout': '' },
    'Point at the chart for a packet’s figures.',
  );
  let skew = false;
  const shown = (): SeriesKey[] => (skew ? ['delta', 'jitter', 'skew'] : ['delta', 'jitter']);
  const redraw = () => drawChart(svg, width, d, data, t0, shown(), readout);

  const lost = lossMarks(data.packets, t0).reduce((n, m) => n + m.lost, 0);
  const legend = h('div', { class: 'stream-chart-legend' });
  for (const s of SERIES) {
    if (s.key === 'skew') {
      if (!d.skew) continue;
      const box = h('input', { type: 'checkbox', 'data-series-toggle': 'skew' });
      box.addEventListener('change', () => {
        skew = box.checked;
        redraw();
      });
      legend.append(
        h(
          'label',
          {
            class: 'legend-item',
            title: `${s.title}; large when the sender’s clock drifts, so off at first`,
          },
          box,
          h('span', { class: `swatch swatch-${s.key}` }),
          `${s.label} (ms)`,
        ),
      );
      continue;
    }
    legend.append(
      d[s.key]
        ? h(
            'span',
            { class: 'legend-item', title: s.title, 'data-legend': s.key },
            h('span', { class: `swatch swatch-${s.key}` }),
            `${s.label} (ms)`,
          )
        : h(
            'span',
            { class: 'legend-item muted', 'data-legend': s.key },
            `no ${s.label}: clock rate unknown`,
          ),
    );
  }
  legend.append(
    h(
      'span',
      { class: 'legend-item', title: 'sequence numbers skipped before a packet', 'data-legend': 'lost' },
      h('span', { class: 'swatch swatch-lost' }),
      lost > 0 ? `lost packets (${countText(lost)})` : 'no packet lost',
    ),
  );
  redraw();
  return h(
    'div',
    { class: 'stream-chart-block' },
    legend,
    h('div', { class: 'stream-chart-box' }, svg),
    readout,
  );
}
