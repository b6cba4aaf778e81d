/**
 * The call's RTP streams under its summary, as Wireshark's "RTP Streams"
 * table: direction, SSRC, codecs, packets, loss, max delta and jitter, the
 * time (relative to the ladder's gutter) and a link to the message whose SDP
 * announced the address, which selects it in the ladder. A click on a row
 * selects the stream's row in the ladder; the stream selected there (a click,
 * ↑/↓) is the table's picked row (`pickStreamRow`). A stream that lost
 * packets takes the warning colour; RTP in one direction only is said in
 * words.
 *
 * Listen, as Wireshark's RTP Player: each row's stream (mono) or the whole
 * call (stereo, the legend says which ear has which direction), decoded by
 * the server from the capture file and played by an <audio> element whose
 * `src` is the API's URL (the CSP allows no `blob:` media). The element is
 * made only when Listen is clicked (decoding reads the file) and is kept
 * across the view's redraws, playing; when it fails, the server's `{error}`
 * is fetched again and shown. Keys pressed in these controls stay there (the
 * audio element's arrows seek) instead of moving through the ladder.
 *
 * Only text nodes and attributes (dom.ts): every string is attacker text.
 */
import { api } from '../api/client.js';
import type { RtpStream } from '../api/types.js';
import { h, replace } from '../dom.js';
import { durationText, fitAddress } from '../format.js';
import { hostOf } from '../ladder/aliases.js';
import { channelsText } from '../media/audio-channels.js';
import {
  oneWayText,
  type StreamEnd,
  type StreamRow,
  type StreamRowContext,
  streamRows,
} from '../media/rtp-streams.js';
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
  ['Audio', '', 'listen to the stream (mono, decoded from the capture), or download it as a WAVE file'],
];

/** What the player plays: the call (stereo) or one stream (mono), as the player's and the buttons' `data-listen`. */
type Source = 'call' | `${number}`;

/**
 * Why the audio at `url` did not play: the server's `{error}` (415: no codec
 * it decodes, 410: no capture file…), fetched again since an <audio> element
 * does not say; the browser's own error when the server did send a WAVE.
 */
async function audioError(url: string, media: MediaError | null): Promise<string> {
  const abort = new AbortController();
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: abort.signal });
    if (res.ok) {
      // A WAVE after all: not needed again.
      abort.abort();
      return `the browser could not play it${media?.message ? ` (${media.message})` : ''}`;
    }
    let text = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body?.error === 'string' && body.error) text = body.error;
    } catch {
      // Not JSON: keep the status line.
    }
    return text;
  } catch (e) {
    return `the server did not answer (${(e as Error).message})`;
  }
}

/**
 * The call's player (empty and hidden until a Listen is clicked). The one of
 * the same call already in the page when the table is drawn again is moved
 * into the new one: a media element moved within a task keeps playing.
 */
function playerOf(capture: string, call: number): HTMLElement {
  for (const p of document.querySelectorAll<HTMLElement>('.rtp-player')) {
    if (p.dataset.capture === capture && p.dataset.call === String(call)) return p;
  }
  return h('div', { class: 'rtp-player', 'data-capture': capture, 'data-call': String(call), hidden: true });
}

/** Stops and empties the player. */
function stop(player: HTMLElement): void {
  const audio = player.querySelector('audio');
  if (audio) {
    audio.pause();
    // Lets go of the WAVE (it may be an hour long).
    audio.removeAttribute('src');
    audio.load();
  }
  replace(player);
  player.hidden = true;
  delete player.dataset.listen;
}

/** Plays `source` (from `url`) in `player`, a new <audio> element unless it is the one already there. */
function listen(player: HTMLElement, source: Source, url: string, what: string): void {
  const current = player.querySelector('audio');
  if (current && player.dataset.listen === source) {
    void current.play().catch(() => undefined);
    return;
  }
  stop(player);
  const audio = h('audio', { controls: true, preload: 'none', src: url, 'data-audio': source });
  const error = h('span', { class: 'rtp-audio-error error-text', role: 'status', 'aria-live': 'polite' });
  const close = h(
    'button',
    {
      type: 'button',
      class: 'button rtp-player-close',
      title: 'stop and close the player',
      'aria-label': 'close the player',
    },
    '✕',
  );
  audio.addEventListener('error', () => {
    const media = audio.error;
    void audioError(url, media).then((text) => {
      // Another Listen clicked meanwhile: this element is gone.
      if (player.querySelector('audio') !== audio) return;
      player.dataset.error = '';
      replace(error, `Cannot play: ${text}`);
    });
  });
  close.addEventListener('click', () => {
    const section = player.closest('.rtp-streams');
    stop(player);
    if (section) markListening(section, null);
  });
  player.dataset.listen = source;
  delete player.dataset.error;
  replace(player, h('span', { class: 'rtp-player-what' }, what), audio, close, error);
  player.hidden = false;
  // A click is the user's gesture: the browser lets it play. When it does not, the controls' ▶ is there.
  void audio.play().catch(() => undefined);
}

/** The Listen buttons of `section`: the one of what plays pressed. */
function markListening(section: Element, source: string | null): void {
  for (const b of section.querySelectorAll<HTMLElement>('button[data-listen]')) {
    b.setAttribute('aria-pressed', String(b.dataset.listen === source));
  }
}

/** A host's name in the legend: its alias or User-Agent, as the table names the ends on it. */
function hostNames(rows: readonly StreamRow[]): (host: string) => string | null {
  const names = new Map<string, string>();
  for (const r of rows) {
    for (const e of [r.src, r.dst]) {
      const host = hostOf(e.addr);
      if (e.name !== null && !names.has(host)) names.set(host, e.name);
    }
  }
  return (host) => names.get(host) ?? null;
}

/**
 * The call's Listen, its WAVE and the legend of its two ears (the caller's
 * host, `callerHost`, on the left as the server puts it), then the player.
 */
function audioBar(
  capture: string,
  call: number,
  streams: readonly RtpStream[],
  rows: readonly StreamRow[],
  callerHost: string | null,
  player: HTMLElement,
): HTMLElement {
  const url = api.callAudioUrl(capture, call);
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button',
      'data-listen': 'call',
      'aria-pressed': 'false',
      title: 'play the call’s RTP, decoded from the capture: one direction in each ear',
    },
    '▶ Listen to the call',
  );
  button.addEventListener('click', () => {
    listen(player, 'call', url, `call ${call}, stereo`);
    markListening(button.closest('.rtp-streams') ?? player, 'call');
  });
  return h(
    'div',
    { class: 'rtp-audio' },
    button,
    h(
      'a',
      {
        class: 'button',
        href: url,
        download: '',
        'data-download': 'call',
        title: 'the call’s RTP as a stereo WAVE file (16-bit PCM)',
      },
      'Download WAV',
    ),
    h(
      'span',
      { class: 'rtp-channels', 'data-channels': '' },
      channelsText(streams, callerHost, hostNames(rows)),
    ),
    player,
  );
}

/** A row's Listen and WAVE. */
function listenCell(capture: string, call: number, r: StreamRow, player: HTMLElement): HTMLElement {
  const url = api.streamAudioUrl(capture, call, r.id);
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button',
      'data-listen': String(r.id),
      'aria-pressed': 'false',
      'aria-label': `Listen to stream ${r.id}`,
      title: 'play this stream, decoded from the capture (mono)',
    },
    '▶ Listen',
  );
  button.addEventListener('click', () => {
    listen(player, `${r.id}`, url, `stream ${r.id}, mono`);
    markListening(button.closest('.rtp-streams') ?? player, String(r.id));
  });
  return h(
    'td',
    { class: 'listen' },
    button,
    h(
      'a',
      {
        class: 'button',
        href: url,
        download: '',
        'data-download': String(r.id),
        'aria-label': `Download stream ${r.id} as WAV`,
        title: 'this stream as a mono WAVE file (16-bit PCM)',
      },
      'WAV',
    ),
  );
}

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
