/**
 * The call's RTP streams under its summary, as Wireshark's "RTP Streams"
 * table: direction, SSRC, codecs, packets, loss, max delta and jitter, the
 * time (relative to the ladder's gutter) and a link to the message whose SDP
 * announced the address, which selects it in the ladder. A click on a row
 * selects the stream's row in the ladder; the stream selected there (a click,
 * ↑/↓) is the table's picked row (`pickStreamRow`). A stream that lost
 * packets takes the warning colour; RTP in one direction only is said in
 * words. Its Listen controls (audio-player.ts) play the streams.
 *
 * Only text nodes and attributes (dom.ts): every string is attacker text.
 */
import type { RtpStream } from '../api/types.js';
import { h } from '../dom.js';
import { durationText, fitAddress } from '../format.js';
import { hostOf } from '../ladder/aliases.js';
import { oneWayText, type StreamEnd, type StreamRowContext, streamRows } from '../media/rtp-streams.js';
import { certificateMismatch, srtpTitle } from '../media/srtp-title.js';
import { qualityCell } from '../media/stream-quality-text.js';
import { formatRoute } from '../router.js';
import { audioBar, listenCell, markListening, playerOf } from './audio-player.js';

/** Whether the table is unfolded, kept across redraws and calls. */
let open = true;

/** The stream's estimated MOS, its tooltip saying what it is made of (or why there is none). */
function mosCell(s: RtpStream | undefined) {
  const c = s === undefined ? { mos: '–', poor: false, title: null } : qualityCell(s);
  return h('td', { class: c.poor ? 'num sev-warning' : 'num', 'data-col': 'mos', title: c.title }, c.mos);
}

function endCell(e: StreamEnd) {
  const addr = h('span', { class: 'ep-addr', title: e.addr }, fitAddress(e.addr, 30));
  return e.name === null
    ? addr
    : h('span', { class: 'ep' }, h('span', { class: 'ep-name', title: e.name }, e.name), ' ', addr);
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
  [
    'MOS',
    'num',
    'estimated: E-model (ITU-T G.107; G.107.1 for wideband AMR-WB, on the same MOS scale) from the codec, loss, late packets and delay; hover for how',
  ],
  ['Time (s)', 'num', 'first–last packet, seconds since the ladder’s first message (as its time gutter)'],
  ['Setup', '', 'the message whose SDP announced the address'],
  ['Audio', '', 'listen to the stream (mono, decoded from the capture), or download it as a WAVE file'],
];

/**
 * Marks the row of stream `id` in the streams table under `root` as the
 * picked one (null: none), scrolled into view in the table when it is
 * unfolded; `unfold` unfolds a folded table first. False when the table has
 * no such row (a related call's stream, or no table).
 */
export function pickStreamRow(root: ParentNode, id: number | null, o: { unfold?: boolean } = {}): boolean {
  const table = root.querySelector<HTMLDetailsElement>('details.rtp-streams');
  for (const r of table?.querySelectorAll('tr.picked') ?? []) r.classList.remove('picked');
  if (!table || id === null) return false;
  const row = table.querySelector<HTMLElement>(`tr.rtp-row[data-stream-id="${CSS.escape(String(id))}"]`);
  if (!row) return false;
  if (o.unfold) table.open = true;
  row.classList.add('picked');
  if (table.open) row.scrollIntoView({ block: 'nearest' });
  return true;
}

export function streamsSection(
  capture: string,
  call: number,
  streams: readonly RtpStream[] | undefined,
  ctx: StreamRowContext,
  on: {
    /** A row clicked (not its Setup link): the stream's id. */
    pick?(streamId: number): void;
    /** A Setup link clicked (it goes on to its address): the message and its call. */
    setup?(messageId: number, call: number): void;
  } = {},
): HTMLElement | null {
  if (!streams || streams.length === 0) return null;
  const rows = streamRows(streams, ctx);
  const warning = oneWayText(streams);
  const player = playerOf(capture, call);
  const details = h(
    'details',
    { class: 'rtp-streams', 'data-streams': String(rows.length), open },
    h(
      'summary',
      null,
      h('span', { class: 'rtp-title' }, `RTP streams (${rows.length})`),
      warning ? h('span', { class: 'one-way sev-warning', 'data-one-way': '' }, `⚠ ${warning}`) : null,
    ),
    // The server's caller: the source of the call's first message.
    audioBar(capture, call, streams, rows, ctx.messages?.[0] ? hostOf(ctx.messages[0].src) : null, player),
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
              {
                class: r.lossy ? 'rtp-row lossy' : 'rtp-row',
                'data-stream-id': String(r.id),
                title: 'click: this stream’s row in the ladder',
              },
              h(
                'td',
                { class: 'dir' },
                endCell(r.src),
                ' ',
                h('span', { class: 'to' }, h('span', { class: 'arrow' }, '→ '), endCell(r.dst)),
              ),
              h('td', null, h('code', null, r.ssrc)),
              h(
                'td',
                { class: 'codecs', title: r.codecs },
                // Before the codecs, which the cell may cut short with an ellipsis.
                srtpBadge(streams.find((s) => s.id === r.id)),
                r.codecs,
              ),
              h('td', { class: 'num', 'data-col': 'packets' }, r.packets),
              h(
                'td',
                {
                  class: r.lossy || r.lostPastCapture > 0 ? 'num sev-warning' : 'num',
                  'data-col': 'lost',
                  // RTCP (RFC 3550 §6.4.1): the receiver counted losses the capture point could not see.
                  title:
                    r.lostPastCapture > 0
                      ? `its receiver reported ${r.lostPastCapture} more lost in RTCP: lost after the capture point`
                      : null,
                },
                r.lost,
                r.lostPastCapture > 0 ? ` +${r.lostPastCapture} RTCP` : null,
              ),
              h('td', { class: 'num' }, r.maxDelta),
              h(
                'td',
                {
                  class: r.jittery ? 'num sev-warning' : 'num',
                  'data-col': 'max-jitter',
                  title:
                    r.networkJitter === null
                      ? null
                      : `network jitter (voice packets only) mean / max: ${r.networkJitter} ms`,
                },
                r.maxJitter,
              ),
              h('td', { class: 'num' }, r.meanJitter),
              mosCell(streams.find((s) => s.id === r.id)),
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
                    'data-setup-call': String(r.setupCall ?? call),
                  },
                  r.setupLabel,
                ),
              ),
              listenCell(capture, call, r, player),
            ),
          ),
        ),
      ),
    ),
  );
  details.querySelector('tbody')?.addEventListener('click', (e) => {
    const target = e.target as Element;
    // Listen and WAV are not a click on the row.
    if (target.closest('td.listen')) return;
    // The Setup link selects its message instead (by its address).
    const link = target.closest('a[data-setup]');
    if (link) {
      on.setup?.(Number(link.getAttribute('data-setup')), Number(link.getAttribute('data-setup-call')));
      return;
    }
    const id = target.closest('tr.rtp-row')?.getAttribute('data-stream-id');
    if (id != null) on.pick?.(Number(id));
  });
  details.addEventListener('toggle', () => {
    open = details.open;
  });
  // Keys pressed in the audio controls are theirs (the player's arrows seek, Enter activates a button even
  // with a ladder row under the cursor), not the ladder's; Esc works from a button as from the page, and
  // leaves the player as it leaves a text field.
  details.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (!target.closest('.rtp-audio, td.listen')) return;
    if (e.key === 'Escape') {
      if (target.tagName !== 'AUDIO') return;
      target.blur();
      e.preventDefault();
    }
    e.stopPropagation();
  });
  // Drawn again while something plays: its button stays pressed.
  markListening(details, player.dataset.listen ?? null);
  return details;
}

/**
 * `SRTP` beside the codecs of an encrypted stream (RFC 3711), its title
 * saying where its key came from (SDES or DTLS-SRTP) or why it was not
 * decrypted (`SRTP ✗`, srtp-title.ts); h() sets the title as text.
 */
function srtpBadge(s: RtpStream | undefined): HTMLElement | null {
  const x = s?.srtp;
  if (x === undefined) return null;
  const title = srtpTitle(x);
  return h(
    'span',
    {
      class: certificateMismatch(x) ? 'srtp sev-error' : x.decrypted ? 'srtp' : 'srtp sev-warning',
      'data-srtp': x.decrypted ? 'decrypted' : 'encrypted',
      title,
    },
    x.decrypted ? 'SRTP ' : 'SRTP ✗ ',
  );
}
