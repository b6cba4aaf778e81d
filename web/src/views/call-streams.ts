/**
 * The call's RTP streams under its summary, as Wireshark's "RTP Streams"
 * table: direction, SSRC, codecs, packets, loss, max delta and jitter, the
 * time (relative to the ladder's gutter) and a link to the message whose SDP
 * announced the address, which selects it in the ladder. A stream that lost
 * packets takes the warning colour; RTP in one direction only is said in
 * words. Only text nodes and attributes (dom.ts): every string is attacker text.
 */
import type { RtpStream } from '../api/types.js';
import { h } from '../dom.js';
import { durationText, fitAddress } from '../format.js';
import { oneWayText, type StreamEnd, type StreamRowContext, streamRows } from '../media/rtp-streams.js';
import { formatRoute } from '../router.js';

/** Whether the table is unfolded, kept across redraws and calls. */
let open = true;

function endCell(e: StreamEnd) {
  const addr = h('span', { class: 'ep-addr', title: e.addr }, fitAddress(e.addr, 30));
  return e.name === null
    ? addr
    : h('span', { class: 'ep' }, h('span', { class: 'ep-name' }, e.name), ' ', addr);
}

const HEADS: Array<[string, string, string]> = [
  ['Direction', '', 'source → destination (column names as in the ladder)'],
  ['SSRC', '', 'synchronization source (RFC 3550 §3)'],
  ['Codecs', '', 'payload types seen, named by the SDP'],
  ['Packets', 'num', 'RTP packets received'],
  ['Lost', 'num', 'expected − received (negative: duplicates), and its share of those expected'],
  ['Max Δ (ms)', 'num', 'largest gap between two packets'],
  ['Max jitter (ms)', 'num', 'largest interarrival jitter (RFC 3550 §6.4.1)'],
  ['Mean jitter (ms)', 'num', 'mean interarrival jitter'],
  ['Time (s)', 'num', 'first–last packet, seconds since the ladder’s first message (as its time gutter)'],
  ['Setup', '', 'the message whose SDP announced the address'],
];

export function streamsSection(
  capture: string,
  call: number,
  streams: readonly RtpStream[] | undefined,
  ctx: StreamRowContext,
): HTMLElement | null {
  if (!streams || streams.length === 0) return null;
  const rows = streamRows(streams, ctx);
  const warning = oneWayText(streams);
  const details = h(
    'details',
    { class: 'rtp-streams', 'data-streams': String(rows.length), open },
    h(
      'summary',
      null,
      h('span', { class: 'rtp-title' }, `RTP streams (${rows.length})`),
      warning ? h('span', { class: 'one-way sev-warning', 'data-one-way': '' }, `⚠ ${warning}`) : null,
    ),
    h(
      'div',
      { class: 'rtp-scroll' },
      h(
        'table',
        { class: 'rtp-table' },
        h('thead', null, h('tr', null, ...HEADS.map(([t, cls, title]) => h('th', { class: cls, title }, t)))),
        h(
          'tbody',
          null,
          ...rows.map((r) =>
            h(
              'tr',
              { class: r.lossy ? 'rtp-row lossy' : 'rtp-row', 'data-stream-id': String(r.id) },
              h('td', { class: 'dir' }, endCell(r.src), h('span', { class: 'arrow' }, ' → '), endCell(r.dst)),
              h('td', null, h('code', null, r.ssrc)),
              h('td', { class: 'codecs' }, r.codecs),
              h('td', { class: 'num', 'data-col': 'packets' }, r.packets),
              h('td', { class: r.lossy ? 'num sev-warning' : 'num', 'data-col': 'lost' }, r.lost),
              h('td', { class: 'num' }, r.maxDelta),
              h('td', { class: 'num' }, r.maxJitter),
              h('td', { class: 'num' }, r.meanJitter),
              h('td', { class: 'num', title: durationText(r.duration) }, r.time),
              h(
                'td',
                null,
                h(
                  'a',
                  {
                    href: formatRoute({
                      view: 'ladder',
                      capture,
                      call: r.setupCall ?? call,
                      message: r.setup,
                    }),
                    title: 'show the message whose SDP announced the address of this stream',
                    'data-setup': String(r.setup),
                  },
                  r.setupLabel,
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  details.addEventListener('toggle', () => {
    open = details.open;
  });
  return details;
}
