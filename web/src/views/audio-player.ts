/**
 * Listen, as Wireshark's RTP Player, in the call's RTP streams table
 * (call-streams.ts): each row's stream (mono) or the whole call (stereo, the
 * legend says which ear has which direction), decoded by the server from the
 * capture file and played by an <audio> element whose `src` is the API's URL
 * (the CSP allows no `blob:` media). The element is made only when Listen is
 * clicked (decoding reads the file) and is kept across the view's redraws,
 * playing; when it fails, the server's `{error}` is fetched again and shown.
 * Keys pressed in these controls stay there (the audio element's arrows seek)
 * instead of moving through the ladder (call-streams.ts stops them).
 *
 * Only text nodes and attributes (dom.ts): every string is attacker text.
 */
import { api } from '../api/client.js';
import type { RtpStream } from '../api/types.js';
import { h, replace } from '../dom.js';
import { hostOf } from '../ladder/aliases.js';
import { channelsText } from '../media/audio-channels.js';
import type { StreamRow } from '../media/rtp-streams.js';

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
export function playerOf(capture: string, call: number): HTMLElement {
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
    // Lets go of the WAVE (it may be half an hour long).
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
export function markListening(section: Element, source: string | null): void {
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
export function audioBar(
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
export function listenCell(capture: string, call: number, r: StreamRow, player: HTMLElement): HTMLElement {
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
