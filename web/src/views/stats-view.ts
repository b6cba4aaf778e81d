/**
 * The statistics of a capture as d3 plots, from `GET /api/captures/:id/stats`:
 * requests by method, responses by code, calls by state and kind, ASR, and
 * the PDD, setup-time and duration distributions.
 */
import { axisBottom, axisLeft, format, max, scaleBand, scaleLinear, select } from 'd3';
import { api } from '../api/client.js';
import type { Distribution } from '../api/types.js';
import { captureTitle } from '../capture-files.js';
import { h, replace } from '../dom.js';
import { countText, durationScaleText, durationText, percentText, SEVERITY_ORDER } from '../format.js';
import { type Bar, bars } from '../stats/bars.js';
import { visibleText } from '../visible.js';
import type { View, ViewContext } from './view.js';

const W = 420;
const H = 220;
const M = { top: 12, right: 12, bottom: 52, left: 48 };

function svgIn(card: HTMLElement): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'plot');
  card.appendChild(svg);
  return svg;
}

function card(title: string, note?: string): HTMLElement {
  return h(
    'figure',
    { class: 'card' },
    h('figcaption', null, title, note ? h('span', { class: 'note' }, note) : null),
  );
}

function barChart(title: string, data: Bar[], cls: string): HTMLElement {
  const c = card(title);
  c.dataset.plot = cls;
  if (!data.length) {
    c.appendChild(h('p', { class: 'empty' }, 'none'));
    return c;
  }
  const shown = data.slice(0, 24);
  const svg = select(svgIn(c));
  const x = scaleBand()
    .domain(shown.map((d) => d.key))
    .range([M.left, W - M.right])
    .padding(0.2);
  const y = scaleLinear()
    .domain([0, max(shown, (d) => d.value) ?? 1])
    .nice()
    .range([H - M.bottom, M.top]);
  svg
    .append('g')
    .attr('class', `bars ${cls}`)
    .selectAll('rect')
    .data(shown)
    .join('rect')
    .attr('class', (d) => `bar k-${String(d.key).replace(/[^a-zA-Z0-9-]/g, '_')}`)
    .attr('x', (d) => x(d.key) ?? 0)
    .attr('width', x.bandwidth())
    .attr('y', (d) => y(d.value))
    .attr('height', (d) => y(0) - y(d.value))
    .append('title')
    .text((d) => visibleText(`${d.key}: ${d.value}`));
  svg
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${H - M.bottom})`)
    .call(axisBottom(x).tickFormat((k) => visibleText(String(k))))
    .selectAll('text')
    .attr('transform', 'rotate(-35)')
    .attr('text-anchor', 'end');
  svg
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).ticks(Math.min(5, y.domain()[1])).tickFormat(format('d')));
  if (data.length > shown.length)
    c.appendChild(h('p', { class: 'note' }, `${data.length - shown.length} more not shown`));
  return c;
}

function histogram(title: string, d: Distribution): HTMLElement {
  const note = d.n
    ? `n=${countText(d.n)} · median ${durationText(d.median)} · p95 ${durationText(d.p95)}`
    : undefined;
  const c = card(title, note);
  if (!d.bins.length) {
    c.appendChild(h('p', { class: 'empty' }, 'no call has it'));
    return c;
  }
  const svg = select(svgIn(c));
  const top = d.bins[d.bins.length - 1].x1;
  const edge = durationScaleText(d.bins[0].x1 - d.bins[0].x0, top);
  const x = scaleLinear()
    .domain([d.bins[0].x0, top])
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain([0, max(d.bins, (b) => b.count) ?? 1])
    .nice()
    .range([H - M.bottom, M.top]);
  svg
    .append('g')
    .attr('class', 'bars hist')
    .selectAll('rect')
    .data(d.bins)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (b) => x(b.x0) + 1)
    .attr('width', (b) => Math.max(1, x(b.x1) - x(b.x0) - 1))
    .attr('y', (b) => y(b.count))
    .attr('height', (b) => y(0) - y(b.count))
    .append('title')
    .text((b) => `${edge(b.x0)} – ${edge(b.x1)}: ${b.count}`);
  const ticks = x.ticks(6);
  const tick = durationScaleText(ticks.length > 1 ? ticks[1] - ticks[0] : Number.NaN, top);
  svg
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${H - M.bottom})`)
    .call(
      axisBottom(x)
        .tickValues(ticks)
        .tickFormat((v) => tick(Number(v))),
    );
  svg
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).ticks(Math.min(5, y.domain()[1])).tickFormat(format('d')));
  return c;
}

export function statsView(ctx: ViewContext, captureId: string): View {
  const abort = new AbortController();
  const grid = h('div', { class: 'stats-grid' }, h('p', { class: 'loading' }, 'Loading statistics…'));
  replace(ctx.root, h('section', { class: 'stats-view' }, h('h1', null, 'Statistics'), grid));
  Promise.all([api.stats(captureId, abort.signal), api.capture(captureId, abort.signal)]).then(
    ([s, cap]) => {
      ctx.setTitle({ ...captureTitle(cap), call: null });
      const st = cap.stats;
      const asr = card('ASR', 'answered INVITE calls / INVITE calls');
      asr.classList.add('figure-card');
      asr.appendChild(h('p', { class: 'big-number', 'data-asr': '' }, percentText(s.asr)));
      const totals = card('Totals');
      totals.classList.add('figure-card');
      if (st) {
        totals.appendChild(
          h(
            'dl',
            { class: 'kv' },
            ...(
              [
                ['frames', st.frames],
                ['SIP messages', st.sipMessages],
                ['retransmissions', st.retransmissions],
                ['transactions', st.transactions],
                ['dialogs', st.dialogs],
                ['calls', st.calls],
                ['findings', st.findings],
                ...(st.findingsBySeverity && st.findings > 0
                  ? SEVERITY_ORDER.filter((k) => st.findingsBySeverity![k] > 0).map((k) => [
                      k,
                      st.findingsBySeverity![k],
                      `sev-${k}`,
                    ])
                  : []),
                ['decode errors', st.decodeErrors],
              ] as Array<[string, number, string?]>
            ).flatMap(([k, v, cls]) => [
              h('dt', cls ? { class: `sub ${cls}` } : null, k),
              h('dd', cls ? { class: cls } : null, countText(v)),
            ]),
          ),
        );
      }
      replace(
        grid,
        asr,
        totals,
        barChart('Requests by method', bars(s.requests), 'requests'),
        barChart('Responses by code', bars(s.responses, true), 'responses'),
        barChart('Calls by state', bars(s.callsByState), 'states'),
        barChart('Calls by kind', bars(s.callsByKind), 'kinds'),
        histogram('Post-dial delay (INVITE → first 18x)', s.pddMs),
        histogram('Setup time (INVITE → 2xx)', s.setupMs),
        histogram('Call duration', s.durationMs),
      );
    },
    (e: Error) => {
      if (!abort.signal.aborted) replace(grid, h('p', { class: 'error-text' }, e.message));
    },
  );
  return {
    destroy() {
      abort.abort();
    },
  };
}
