/**
 * An RTP stream's row in the ladder (layout.ts places it): its place in time
 * among the messages' rows and its words, as sngrep's call flow and
 * Wireshark's VoIP flow graph label theirs (`RTP PCMA/8000 · 512 pkts`),
 * with the loss when there was some and a tooltip with the figures of the
 * call view's streams table. Pure: no DOM; every string of the stream is
 * attacker text and is only ever set as text by the drawers.
 *
 * The numbers are written as the table writes them (media/rtp-streams.ts
 * `lostText`, `msText`): that module reads layout.ts, so this one keeps its
 * own two lines rather than import it back (no import cycles).
 */
import { keysText } from '../../../src/media/dtmf-events.js';
import type { RtpStream } from '../api/types.js';
import { countText, durationText, ellipsis, relTime } from '../format.js';
import { visibleText } from '../visible.js';
import type { RowPlace } from './layout.js';

/** An RTP stream's row: a thick double line from the column of its source to that of its destination. */
/** `self`: both ends fall in one column (one host, or merged by an alias): a loop, as a message to itself. */
export interface StreamArrow extends RowPlace {
  streamId: number;
  ssrc: string;
  /** `PCMA/8000, CN/8000`, or the media when no payload type was seen. */
  codecs: string;
  /** `496 pkts`. */
  packets: string;
  /** `lost 3 (0.6 %)`, '' without loss. */
  loss: string;
  /** `RTP PCMA/8000 · 496 pkts · lost 3 (0.6 %)`. */
  label: string;
  /** The text above the line (`RTP PCMA/8000 · 496 pkts`), cut to the space between the columns. */
  shortLabel: string;
  /** The text under the line: the loss, the one-way note and the DTMF digits, cut as the label; '' for none. */
  note: string;
  /** SSRC, codecs, packets, loss, delta, jitter and time range, one per line. */
  title: string;
  lossy: boolean;
  /** No RTP went back (the stream's `reverse` is false). */
  oneWay: boolean;
  /** Capture time of the first and the last packet (epoch seconds). */
  start: number;
  end: number;
  /** Seconds since the call's first message (as the messages' `time`). */
  time: number;
  timeText: string;
  /** `to 11.980`: the last packet's time, under the first's in the gutter. */
  endText: string;
}

export interface StreamTexts {
  /** `PCMA/8000, CN/8000`; the media (`audio`) when no payload type was seen. */
  codecs: string;
  /** `496 pkts`. */
  packets: string;
  /** `lost 3 (0.6 %)`; '' when nothing was lost. */
  loss: string;
  /** `RTP PCMA/8000 · 496 pkts`: the text above the line. */
  head: string;
  /** `RTP PCMA/8000 · 496 pkts · lost 3 (0.6 %)`. */
  label: string;
  /** More packets expected than received. */
  lossy: boolean;
  /** No RTP went back between the same two hosts meanwhile (`reverse === false`). */
  oneWay: boolean;
  /** `DTMF 1 2 3 #`: the digits of its RFC 4733 events (an unended one `5?`); '' without. */
  dtmf: string;
  /** The tooltip: SSRC, codecs, packets, loss, delta and jitter, time range (one fact per line). */
  title: string;
}

/** Streams in time order: first packet, then id. */
export function byStart(a: RtpStream, b: RtpStream): number {
  return a.start - b.start || a.id - b.id;
}

/**
 * The row of each message and of each stream, both in time order: a stream
 * goes before the first message after its first packet (after a message of
 * the same time: the SDP comes before its media).
 */
export function rowsInTime(
  messages: readonly { ts: number }[],
  streams: readonly RtpStream[],
): { messageRows: number[]; streamRows: number[] } {
  const messageRows: number[] = [];
  const streamRows: number[] = [];
  let m = 0;
  let s = 0;
  while (m < messages.length || s < streams.length) {
    const row = m + s;
    if (s < streams.length && (m === messages.length || streams[s].start < messages[m].ts)) {
      streamRows.push(row);
      s++;
    } else {
      messageRows.push(row);
      m++;
    }
  }
  return { messageRows, streamRows };
}

/** The note for a one-way stream, drawn under its line. */
export const ONE_WAY_NOTE = '⚠ one-way: no RTP back';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Milliseconds to 3 decimals, as the streams table; `–` for none. */
function ms(v: number | null | undefined): string {
  const n = num(v);
  return n === null ? '–' : `${n.toFixed(3)} ms`;
}

/** `496 pkts` (`1 pkt`). */
function packetsText(n: number): string {
  const v = num(n) ?? 0;
  return `${countText(v)} pkt${v === 1 ? '' : 's'}`;
}

/**
 * The texts of stream `s`, its times relative to `t0` (epoch seconds: the
 * ladder's first message, as its time gutter).
 */
export function streamTexts(s: RtpStream, t0: number): StreamTexts {
  const codecs = visibleText(
    Array.isArray(s.codecs) && s.codecs.length ? s.codecs.join(', ') : String(s.media ?? ''),
  );
  const lost = num(s.lost) ?? 0;
  const pct = num(s.lostPercent);
  const lossy = lost > 0;
  // As the table's Lost column: expected − received (negative: duplicates), and its share.
  const lostAll =
    num(s.lost) === null
      ? 'lost –'
      : `lost ${countText(lost)}${pct === null ? '' : ` (${pct.toFixed(1)} %)`}`;
  const loss = lossy ? lostAll : '';
  const packets = packetsText(s.packets);
  const head = `RTP ${codecs} · ${packets}`;
  const label = loss ? `${head} · ${loss}` : head;
  const oneWay = s.reverse === false;
  const events = Array.isArray(s.dtmf) ? s.dtmf : [];
  const dtmf = events.length ? `DTMF ${keysText(events)}` : '';
  const start = num(s.start) ?? t0;
  const end = num(s.end) ?? start;
  const title = [
    `RTP stream ${s.id}: ${s.src} → ${s.dst}`,
    `SSRC ${s.ssrc} · ${s.media} · ${codecs}`,
    `${packets}${num(s.expected) === null ? '' : ` of ${countText(s.expected)} expected`} · ${lostAll}`,
    `max Δ ${ms(s.maxDeltaMs)} · max jitter ${ms(s.maxJitterMs)} · mean jitter ${ms(s.meanJitterMs)}`,
    `time ${relTime(start - t0)}–${relTime(end - t0)} s (${durationText(s.durationMs)})`,
    ...(oneWay ? ['one-way: no RTP seen back between these hosts'] : []),
    ...(dtmf ? [`${dtmf} (RFC 4733 telephone events)`] : []),
  ].join('\n');
  return { codecs, packets, loss, head, label, lossy, oneWay, dtmf, title };
}

/** Where layout.ts puts a stream: its columns, row and y, the time origin and the room for its texts. */
export interface StreamPlace {
  from: { index: number; x: number };
  to: { index: number; x: number };
  row: number;
  y: number;
  /** Epoch seconds the times are relative to (the ladder's first message). */
  base: number;
  /** Pixels between the columns, or beside the loop of a stream within one column. */
  span: number;
  /** Average width of one label character. */
  charWidth: number;
}

/** The row of stream `s` at `p`. */
export function streamArrow(s: RtpStream, p: StreamPlace): StreamArrow {
  const t = streamTexts(s, p.base);
  const note = [t.loss, t.oneWay ? ONE_WAY_NOTE : '', t.dtmf].filter((x) => x !== '').join(' · ');
  const end = Number.isFinite(s.end) ? s.end : s.start;
  return {
    streamId: s.id,
    ssrc: String(s.ssrc),
    row: p.row,
    y: p.y,
    from: p.from.index,
    to: p.to.index,
    x1: p.from.x,
    x2: p.to.x,
    self: p.from.index === p.to.index,
    codecs: t.codecs,
    packets: t.packets,
    loss: t.loss,
    label: t.label,
    shortLabel: ellipsis(t.head, Math.max(4, Math.floor(p.span / p.charWidth))),
    // The note is in the smaller type of the SDP line (about 6 px a character).
    note: ellipsis(note, Math.max(4, Math.floor(p.span / 6))),
    title: t.title,
    lossy: t.lossy,
    oneWay: t.oneWay,
    start: s.start,
    end,
    time: s.start - p.base,
    timeText: relTime(s.start - p.base),
    endText: `to ${relTime(end - p.base)}`,
  };
}
