/**
 * A call's RTP streams as the call view's table shows them (Wireshark's
 * "RTP Streams", sngrep's RTP columns): each stream's two ends named as the
 * ladder names its columns (the alias, else the User-Agent/Server of the
 * SIP endpoint on the same host), its numbers as text, its time relative to
 * the ladder's time gutter (the first message drawn), and whether the call
 * had RTP in one direction only. Pure: no DOM, tested without a browser.
 */

import { jittery } from '../../../src/media/jitter-limits.js';
import { lostPastCapture } from '../../../src/media/rtcp-limits.js';
import type { CallEndpoint, MessageRow, RtpStream } from '../api/types.js';
import { countText, durationText, relTime } from '../format.js';
import { type Aliases, aliasOf, hostOf } from '../ladder/aliases.js';
import { messageLabel } from '../ladder/layout.js';
import { qualityFacts } from './stream-quality-text.js';

export interface StreamEnd {
  /** `ip:port` as the server gave it. */
  addr: string;
  /** The alias of the address or its host, else the label of the call's SIP endpoint on that host; null when none. */
  name: string | null;
}

export interface StreamRow {
  id: number;
  ssrc: string;
  src: StreamEnd;
  dst: StreamEnd;
  media: string;
  /** `PCMA/8000, CN/8000`; the media (`audio`) when no payload type was seen. */
  codecs: string;
  packets: string;
  /** `3 (0.6 %)`. */
  lost: string;
  /** More packets expected than received: drawn with the warning colour. */
  lossy: boolean;
  maxDelta: string;
  maxJitter: string;
  meanJitter: string;
  /** `0.4 / 15.3` (mean / max, ms) of the network's jitter; null when the server did not give it. */
  networkJitter: string | null;
  /** Network jitter as media.jitter reports it (src/media/jitter-limits.ts): drawn with the warning colour. */
  jittery: boolean;
  /** Packets its receiver reported lost (RTCP) past those the capture saw, as media.rtcp-loss reports them; 0 none. */
  lostPastCapture: number;
  /** `2.020–11.980`: seconds since `t0`, as the ladder's gutter. */
  time: string;
  /** The stream's length, `9.96 s`. */
  duration: number;
  /** The message whose SDP announced the address, its label (`200 OK`), its call. */
  setup: number;
  setupLabel: string;
  setupCall: number | null;
}

export interface StreamRowContext {
  /** Epoch seconds the times are relative to (the ladder's first message). */
  t0: number;
  aliases?: Aliases;
  /** The call's SIP endpoints, whose labels name the media ends on the same host. */
  endpoints?: readonly CallEndpoint[];
  /** The call's messages, to name the setup message. */
  messages?: readonly MessageRow[];
}

/** Milliseconds to 3 decimals (as Wireshark's RTP Streams); `–` for none. */
export function msText(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–';
}

/** `3 (0.6 %)`; a negative count is duplicates (expected − received, as Wireshark). */
export function lostText(lost: number, percent: number): string {
  if (!Number.isFinite(lost)) return '–';
  const p = Number.isFinite(percent) ? ` (${percent.toFixed(1)} %)` : '';
  return `${countText(lost)}${p}`;
}

/** User-Agent/Server labels of the SIP endpoints by host, distinct, joined. */
function labelsByHost(endpoints: readonly CallEndpoint[]): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const e of endpoints) {
    if (!e.label) continue;
    const host = hostOf(e.addr);
    const l = lists.get(host) ?? [];
    if (!l.includes(e.label)) l.push(e.label);
    lists.set(host, l);
  }
  return new Map([...lists].map(([k, v]) => [k, v.join(', ')]));
}

export function streamRows(streams: readonly RtpStream[], ctx: StreamRowContext): StreamRow[] {
  const aliases = ctx.aliases ?? {};
  const labels = labelsByHost(ctx.endpoints ?? []);
  const byId = new Map((ctx.messages ?? []).map((m) => [m.id, m]));
  const end = (addr: string): StreamEnd => ({
    addr,
    name: aliasOf(addr, aliases) ?? labels.get(hostOf(addr)) ?? null,
  });
  return streams.map((s) => {
    const setupMsg = byId.get(s.setup);
    const lost = Number.isFinite(s.lost) ? s.lost : 0;
    return {
      id: s.id,
      ssrc: s.ssrc,
      src: end(s.src),
      dst: end(s.dst),
      media: s.media,
      codecs: s.codecs.length ? s.codecs.join(', ') : s.media,
      packets: countText(s.packets),
      lost: lostText(s.lost, s.lostPercent),
      lossy: lost > 0,
      maxDelta: msText(s.maxDeltaMs),
      maxJitter: msText(s.maxJitterMs),
      meanJitter: msText(s.meanJitterMs),
      networkJitter:
        s.maxNetworkJitterMs === undefined
          ? null
          : `${msText(s.meanNetworkJitterMs ?? null)} / ${msText(s.maxNetworkJitterMs)}`,
      jittery: jittery(s),
      lostPastCapture: lostPastCapture(s),
      time: `${relTime(s.start - ctx.t0)}–${relTime(s.end - ctx.t0)}`,
      duration: s.durationMs,
      setup: s.setup,
      setupLabel: setupMsg ? messageLabel(setupMsg) : `message ${s.setup}`,
      setupCall: s.call,
    };
  });
}

/**
 * Whether every stream goes one way: no stream has one coming back (from
 * the host it goes to, to the host it comes from). Hosts, not ports: an
 * endpoint may send from another port than the one it receives on.
 */
export function oneWay(streams: readonly Pick<RtpStream, 'src' | 'dst'>[]): boolean {
  if (streams.length === 0) return false;
  const hosts = streams.map((s) => ({ src: hostOf(s.src), dst: hostOf(s.dst) }));
  return !hosts.some((s, i) => hosts.some((t, j) => j !== i && t.src === s.dst && t.dst === s.src));
}

/** The sentence to show when the call's RTP went one way only; null otherwise. */
export function oneWayText(streams: readonly Pick<RtpStream, 'src' | 'dst' | 'media'>[]): string | null {
  if (!oneWay(streams)) return null;
  const media = new Set(streams.map((s) => s.media));
  const what = media.size === 1 && media.has('audio') ? 'audio' : media.size === 1 ? [...media][0] : 'media';
  return `RTP seen in one direction only: one-way ${what}?`;
}

/** One line of a stream's details: what, and its value as text. */
export interface StreamFact {
  /** `lost`, `SSRC`…: the term shown, also the row's `data-fact`. */
  key: string;
  value: string;
  /** Drawn with the warning colour: packets lost, RTP one way. */
  warn?: boolean;
  /** The setup row: the message it names (its label is `value`) and that message's call. */
  setup?: { message: number; call: number | null };
}

/** A stream as the inspector shows it (sngrep's RTP stream details): a title and its facts in order. */
export interface StreamFacts {
  id: number;
  /** `RTP stream 0x5E6F7081`. */
  title: string;
  facts: StreamFact[];
}

/** `AliceUA/1.0 10.0.0.1:49170`, as the table's Direction cell reads, the address whole. */
function endText(e: StreamEnd): string {
  return e.name === null ? e.addr : `${e.name} ${e.addr}`;
}

/**
 * Every figure of stream `s` with the table's formatting (`streamRows`):
 * direction with the ends named as the ladder's columns, media, codecs,
 * SSRC, packets, expected, lost, sequence errors, frames, time (relative to
 * `ctx.t0`, as the gutter) and duration, deltas, jitter, the setup message,
 * the SDP direction and whether RTP came back. Facts the server did not give
 * (older servers: the SDP direction, the reverse) are left out.
 */
export function streamFacts(s: RtpStream, ctx: StreamRowContext): StreamFacts {
  const r = streamRows([s], ctx)[0];
  const facts: Array<StreamFact | null> = [
    { key: 'direction', value: `${endText(r.src)} → ${endText(r.dst)}` },
    { key: 'media', value: s.media },
    { key: 'codecs', value: r.codecs },
    s.payloadTypes?.length ? { key: 'payload types', value: s.payloadTypes.join(', ') } : null,
    { key: 'SSRC', value: s.ssrc },
    { key: 'packets', value: r.packets },
    { key: 'expected', value: Number.isFinite(s.expected) ? countText(s.expected) : '–' },
    { key: 'lost', value: r.lost, warn: r.lossy },
    {
      key: 'sequence errors',
      value: Number.isFinite(s.sequenceErrors) ? countText(s.sequenceErrors) : '–',
      warn: s.sequenceErrors > 0,
    },
    { key: 'first frame', value: String(s.firstFrame) },
    { key: 'last frame', value: String(s.lastFrame) },
    { key: 'time', value: `${r.time} s` },
    { key: 'duration', value: durationText(s.durationMs) },
    {
      key: 'delta min / mean / max',
      value: `${msText(s.minDeltaMs)} / ${msText(s.meanDeltaMs)} / ${r.maxDelta} ms`,
    },
    { key: 'jitter mean / max', value: `${r.meanJitter} / ${r.maxJitter} ms` },
    r.networkJitter === null
      ? null
      : { key: 'network jitter mean / max', value: `${r.networkJitter} ms`, warn: r.jittery },
    {
      key: 'setup',
      value: `${r.setupLabel} (#${r.setup})`,
      setup: { message: r.setup, call: r.setupCall },
    },
    ...rtcpFacts(s, r.lostPastCapture),
    ...qualityFacts(s),
    s.setupDirection ? { key: 'SDP direction', value: s.setupDirection } : null,
    s.reverse === undefined
      ? null
      : s.reverse
        ? { key: 'RTP back', value: 'yes' }
        : { key: 'RTP back', value: '⚠ no: one-way media, no RTP seen back between these hosts', warn: true },
  ];
  return {
    id: s.id,
    title: `RTP stream ${s.ssrc}`,
    facts: facts.filter((f): f is StreamFact => f !== null),
  };
}

/** What the stream's RTCP said (RFC 3550 §6.4.1): what its receiver reported, the round trip, its sender's count. */
function rtcpFacts(s: RtpStream, pastCapture: number): StreamFact[] {
  const r = s.rtcp;
  if (r === undefined) return [];
  const out: StreamFact[] = [];
  if (r.cumulativeLost !== null)
    out.push(
      {
        key: 'RTCP: receiver reported lost',
        value:
          `${countText(r.cumulativeLost)} since it began receiving, ${countText(r.lostBetweenReports ?? 0)} while captured (at most ${r.maxFractionLostPercent}% in one interval; ${countText(r.reports)} reports)` +
          (pastCapture > 0
            ? ` — ⚠ ${countText(pastCapture)} more than the capture saw: lost after the capture point`
            : ''),
        warn: pastCapture > 0,
      },
      { key: 'RTCP: receiver reported jitter max', value: `${msText(r.maxJitterMs)} ms` },
    );
  if (r.maxRoundTripMs !== null)
    out.push({
      key: 'RTCP: round trip mean / max',
      value: `${msText(r.meanRoundTripMs)} / ${msText(r.maxRoundTripMs)} ms (from the capture point, ${countText(r.roundTrips)} reports)`,
    });
  if (r.senderPackets !== null)
    out.push({
      key: 'RTCP: sender reported sent',
      value: `${countText(r.senderPackets)} packets (its last SR)`,
    });
  return out;
}
