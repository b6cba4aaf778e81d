/**
 * Which of a call's RTP streams the call's stereo WAVE puts in which ear, as
 * the server splits them (src/media/audio-sides.ts `leftHost`, used by `callWav` too):
 * left = the streams sent from the caller's host (the source of the call's
 * first message) when a stream comes from or goes to it, else — media
 * through another address than the signalling, a relay — from the host that
 * sent the earliest stream (first packet, then id); right = the others (what
 * that host received, and any other leg). The page cannot read the WAVE's
 * `X-Audio-Left`/`X-Audio-Right` headers from an <audio> element, so the
 * legend beside the player is computed here from the call's streams. Hosts,
 * not ports: an endpoint may send from several ports. Pure: no DOM, tested
 * without a browser (against the server's split too).
 *
 * The server plays at most MAX_CALL_STREAMS streams (the first by their
 * first frame) and leaves out a stream of a codec it does not decode
 * (`X-Audio-Skipped`) before it chooses; so does this split, from the
 * streams' codecs, and the legend names what is not played. (A stream
 * whose packets are all gone from the file is the one case it cannot see.)
 */

import { leftHost as leftHostOf, MAX_CALL_STREAMS } from '../../../src/media/audio-sides.js';
import { decodable as decodesAny } from '../../../src/media/rtp-audio.js';
import type { RtpStream } from '../api/types.js';
import { hostOf } from '../ladder/aliases.js';

/** A stream without `codecs` is taken as played; without `firstFrame`, ordered by `start`. */
export type ChannelStream = Pick<RtpStream, 'id' | 'src' | 'dst' | 'start'> &
  Partial<Pick<RtpStream, 'codecs' | 'firstFrame' | 'red'>>;

export interface AudioChannels {
  /** Stream ids in the left channel, in time order. */
  left: number[];
  /** The others, in time order. */
  right: number[];
  /** The host whose streams are in the left channel; null without streams. */
  leftHost: string | null;
  /** Streams the WAVE leaves out: past MAX_CALL_STREAMS, or of codecs not decoded. */
  skipped: number[];
}

/**
 * Whether the server decodes any of these codecs (src/media/rtp-audio.ts);
 * a stream whose codecs are not known is taken as decoded.
 */
export function decodable(codecs: readonly string[] | undefined, red?: RtpStream['red']): boolean {
  // RFC 2198: a red stream plays when the codecs inside its packets do.
  return codecs === undefined || decodesAny(red === undefined ? codecs : [...codecs, ...red.codecs]);
}

const byTime = (a: ChannelStream, b: ChannelStream) => a.start - b.start || a.id - b.id;
const byFirstFrame = (a: ChannelStream, b: ChannelStream) =>
  (a.firstFrame ?? a.start) - (b.firstFrame ?? b.start) || a.id - b.id;

/** `callerHost`: the host of the call's first message (`hostOf(messages[0].src)`); null when unknown. */
export function audioChannels(
  streams: readonly ChannelStream[],
  callerHost: string | null = null,
): AudioChannels {
  const first = [...streams].sort(byFirstFrame);
  const skipped = first.slice(MAX_CALL_STREAMS);
  const played: ChannelStream[] = [];
  for (const s of first.slice(0, MAX_CALL_STREAMS)) (decodable(s.codecs, s.red) ? played : skipped).push(s);
  const skippedIds = skipped.sort(byTime).map((s) => s.id);
  const sorted = played.sort(byTime);
  if (sorted.length === 0) return { left: [], right: [], leftHost: null, skipped: skippedIds };
  const leftHost = leftHostOf(sorted, callerHost);
  return {
    left: sorted.filter((s) => hostOf(s.src) === leftHost).map((s) => s.id),
    right: sorted.filter((s) => hostOf(s.src) !== leftHost).map((s) => s.id),
    leftHost,
    skipped: skippedIds,
  };
}

/** Streams of one channel between the same two hosts: `10.0.0.1 → 10.0.0.2 (streams 1, 3)`. */
export interface ChannelPath {
  from: string;
  to: string;
  streams: number[];
}

/** The streams `ids` grouped by their two hosts, in the order of their first stream. */
export function channelPaths(streams: readonly ChannelStream[], ids: readonly number[]): ChannelPath[] {
  const byId = new Map(streams.map((s) => [s.id, s]));
  const paths = new Map<string, ChannelPath>();
  for (const id of ids) {
    const s = byId.get(id);
    if (!s) continue;
    const from = hostOf(s.src);
    const to = hostOf(s.dst);
    // A space cannot be in a host: the pair's key is unambiguous.
    const key = `${from} ${to}`;
    const p = paths.get(key) ?? { from, to, streams: [] };
    p.streams.push(id);
    paths.set(key, p);
  }
  return [...paths.values()];
}

/**
 * The legend of the stereo player: `Left: 10.0.0.1 → 10.0.0.2 (stream 1) ·
 * Right: 10.0.0.2 → 10.0.0.1 (stream 0)`, split as `audioChannels`. `name`
 * names a host (an alias, the User-Agent of the SIP endpoint there), written
 * before it; a channel with no stream is `silent`.
 */
export function channelsText(
  streams: readonly ChannelStream[],
  callerHost: string | null = null,
  name: (host: string) => string | null = () => null,
): string {
  const ch = audioChannels(streams, callerHost);
  const host = (h: string) => {
    const n = name(h);
    return n ? `${n} ${h}` : h;
  };
  const side = (ids: number[]) => {
    const paths = channelPaths(streams, ids);
    if (paths.length === 0) return 'silent';
    return paths
      .map(
        (p) =>
          `${host(p.from)} → ${host(p.to)} (stream${p.streams.length > 1 ? 's' : ''} ${p.streams.join(', ')})`,
      )
      .join(', ');
  };
  const byId = new Map(streams.map((s) => [s.id, s]));
  const notPlayed = ch.skipped.map((id) => {
    const s = byId.get(id);
    const c = s?.codecs;
    return c !== undefined && !decodable(c, s?.red)
      ? `stream ${id} (${c.join(', ') || 'no codec'})`
      : `stream ${id}`;
  });
  return `Left: ${side(ch.left)} · Right: ${side(ch.right)}${notPlayed.length > 0 ? ` · Not played: ${notPlayed.join(', ')}` : ''}`;
}
