/**
 * An RTP stream packet by packet in the inspector, under its figures, as
 * Wireshark's RTP Stream Analysis (Telephony › RTP › Stream Analysis): made
 * only when "Analyse packets" is clicked, since the server reads the stream's
 * packets again from the capture file (`GET …/streams/:streamId/packets`).
 * Then a d3 chart of each packet's delta and jitter (and, switched on, skew)
 * against capture time in seconds since the ladder's first message (as its
 * gutter), the lost packets marked in the warning colour, the stream's
 * figures on a line and the packets whose status is not `ok` in a table.
 * The pure part (thinning by pixel column, the marks, the words) is
 * media/stream-chart.ts, the chart stream-chart-view.ts.
 *
 * Keys pressed in the panel stay there (as in the Listen controls,
 * call-streams.ts), but Esc, which leaves the stream as from the page. Only
 * text nodes and attributes (dom.ts, d3's attr/text): the server's error is
 * attacker-influenced text.
 */
import { ApiError, api } from '../api/client.js';
import type { StreamPackets } from '../api/types.js';
import { h, replace } from '../dom.js';
import { countOf, countText } from '../format.js';
import { figureParts, problemRows } from '../media/stream-chart.js';
import { chartBlock } from './stream-chart-view.js';

/** Rows of the problems table shown at most. */
const MAX_ROWS = 200;

export interface StreamAnalysisOptions {
  capture: string;
  /** The call the API finds the stream under (the stream's own). */
  call: number;
  stream: number;
  /** Epoch seconds the times count from: the ladder's first message. */
  t0: number;
  /** Aborted when the inspector shows something else: the fetch is not wanted any more. */
  signal: AbortSignal;
}

/** The figures line, the problems table (the first MAX_ROWS) and a note when the server gave one page of several. */
function resultBlock(data: StreamPackets, t0: number, width: number): HTMLElement[] {
  const figures = h('p', { class: 'stream-figures', 'data-figures': '' });
  figureParts(data.summary, data.clockRate).forEach((f, i) => {
    if (i > 0) figures.append(' · ');
    figures.append(h('span', { class: f.warn ? 'sev-warning' : null, 'data-figure': f.key }, f.text));
  });
  const out: HTMLElement[] = [];
  if (data.packets.length === 0) {
    out.push(h('p', { class: 'empty' }, 'No packet of the stream could be read back from the capture file.'));
    out.push(figures);
    return out;
  }
  out.push(chartBlock(data, t0, width), figures);
  if (data.total > data.offset + data.packets.length || data.offset > 0)
    out.push(
      h(
        'p',
        { class: 'compare-hint', 'data-paged': '' },
        `Charted and listed: packets ${countText(data.offset + 1)}–${countText(data.offset + data.packets.length)} of ${countText(data.total)}; the figures are the whole stream’s.`,
      ),
    );
  if (data.truncated)
    out.push(
      h(
        'p',
        { class: 'compare-hint', 'data-truncated': '' },
        `The stream has more packets than the ${countText(data.total)} analysed (the server’s limit): the figures are theirs.`,
      ),
    );

  const { rows, total, more } = problemRows(data.packets, t0, MAX_ROWS);
  out.push(h('h4', null, `Packets not ok (${countText(total)})`));
  if (total === 0) {
    out.push(h('p', { class: 'empty' }, 'Every packet in sequence, with no payload type change or marker.'));
    return out;
  }
  const heads: Array<[string, string, string]> = [
    ['Frame', 'num', 'frame number in the capture'],
    ['Time s', 'num', 'seconds since the ladder’s first message'],
    ['Seq', 'num', 'RTP sequence number'],
    ['Δ ms', 'num', 'arrival gap from the packet before, ms'],
    ['Jitter ms', 'num', 'running interarrival jitter after it, ms'],
    ['Skew ms', 'num', 'arrival against its RTP timestamp, ms (negative: late)'],
    ['Status', '', 'what is wrong with it'],
  ];
  out.push(
    h(
      'div',
      { class: 'stream-problems-scroll' },
      h(
        'table',
        { class: 'stream-problems', 'data-problems': String(total) },
        h('thead', null, h('tr', null, ...heads.map(([t, cls, title]) => h('th', { class: cls, title }, t)))),
        h(
          'tbody',
          null,
          ...rows.map((r) =>
            h(
              'tr',
              { 'data-frame': String(r.frame), class: r.warn ? 'warn' : null },
              h('td', { class: 'num' }, String(r.frame)),
              h('td', { class: 'num' }, r.time),
              h('td', { class: 'num' }, String(r.sequence)),
              h('td', { class: 'num' }, r.delta),
              h('td', { class: 'num' }, r.jitter),
              h('td', { class: 'num' }, r.skew),
              h('td', { class: r.warn ? 'status sev-warning' : 'status', 'data-status': '' }, r.status),
            ),
          ),
        ),
      ),
    ),
  );
  if (more > 0)
    out.push(h('p', { class: 'more', 'data-more': String(more) }, `and ${countOf(more, 'more packet')}`));
  return out;
}

/** The panel: its button, then the analysis once fetched, or the server's reason as text. */
export function streamAnalysis(o: StreamAnalysisOptions): HTMLElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button',
      'data-analyse': String(o.stream),
      title: 'read this stream’s packets from the capture file: delta, jitter and skew of each',
    },
    'Analyse packets',
  );
  // What is going on (reading, or why it failed), announced; the chart and the table are not.
  const note = h('p', { class: 'stream-analysis-note', role: 'status', 'aria-live': 'polite' });
  const say = (text: string, cls: 'loading' | 'error-text' | null) => {
    note.className = cls ? `stream-analysis-note ${cls}` : 'stream-analysis-note';
    note.toggleAttribute('data-error', cls === 'error-text');
    replace(note, text);
  };
  const body = h('div', { class: 'stream-analysis-body' });
  const panel = h(
    'section',
    { class: 'stream-analysis', 'data-analysis-stream': String(o.stream), tabindex: '-1' },
    h('div', { class: 'stream-analysis-head' }, h('h3', null, 'Packet analysis'), button),
    note,
    body,
  );
  let busy = false;
  button.addEventListener('click', () => {
    if (busy) return;
    busy = true;
    // Not `disabled`: a disabled button loses the focus, and the keys would go to the ladder.
    button.setAttribute('aria-disabled', 'true');
    panel.setAttribute('aria-busy', 'true');
    panel.dataset.state = 'loading';
    say(`Reading stream ${o.stream}’s packets from the capture file…`, 'loading');
    api.streamPackets(o.capture, o.call, o.stream, o.signal).then(
      (data) => {
        if (o.signal.aborted) return;
        const hadFocus = document.activeElement === button;
        // The chart fills the panel's width as it is now (the inspector's pane), at least 320 px.
        const width = Math.max(320, Math.floor(body.clientWidth || 560));
        say('', null);
        replace(body, ...resultBlock(data, o.t0, width));
        button.remove();
        panel.dataset.state = 'done';
        panel.removeAttribute('aria-busy');
        // The button gone, keys stay in the panel rather than reaching the ladder.
        if (hadFocus) panel.focus({ preventScroll: true });
        // The inspector's pane scrolls: the chart, below the figures, brought into it.
        panel.scrollIntoView({ block: 'nearest' });
      },
      (e: Error) => {
        if (o.signal.aborted || e.name === 'AbortError') return;
        busy = false;
        button.removeAttribute('aria-disabled');
        panel.removeAttribute('aria-busy');
        panel.dataset.state = 'error';
        const status = e instanceof ApiError && e.status > 0 ? ` (${e.status})` : '';
        say(`Cannot analyse the packets${status}: ${e.message}`, 'error-text');
      },
    );
  });
  // Keys pressed here are the panel's (Space and Enter on its button, the skew switch), not the ladder's;
  // Esc leaves the stream as from the page.
  panel.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') e.stopPropagation();
  });
  return panel;
}
