/**
 * One RTP stream packet by packet as the call view charts and lists it
 * (Wireshark's RTP Stream Analysis), from `GET …/streams/:streamId/packets`:
 * the delta, jitter and skew series against capture time (seconds since the
 * ladder's first message, as its gutter), thinned to what a pixel column can
 * show, the lost packets as marks, the packets with a status other than `ok`
 * as table rows with the status in words (as `sipscope analyze --stream`
 * prints it), and the stream's figures as a line. Pure: no DOM, tested
 * without a browser.
 */
import type { AnalysedPacket, StreamPacketsSummary } from '../api/types.js';
import { countText, relTime } from '../format.js';
import { msText } from './rtp-streams.js';

export type SeriesKey = 'delta' | 'jitter' | 'skew';

/** The series in the order they are drawn, with the legend's words. */
export const SERIES: ReadonlyArray<{ key: SeriesKey; label: string; title: string }> = [
  { key: 'delta', label: 'delta', title: 'arrival gap from the packet before, ms' },
  { key: 'jitter', label: 'jitter', title: 'running interarrival jitter (RFC 3550 §6.4.1), ms' },
  {
    key: 'skew',
    label: 'skew',
    title: 'arrival against where the RTP timestamp puts it, from the first packet, ms (negative: late)',
  },
];

/**
 * A stream's packets as columns: `t` seconds since `t0` of each packet (in
 * capture order), and each series' values in ms (NaN where there is none:
 * the first packet's delta); a series the server could not compute (no
 * clock rate: jitter and skew) is null.
 */
export interface ChartData {
  t: Float64Array;
  delta: Float64Array;
  jitter: Float64Array | null;
  skew: Float64Array | null;
}

export function chartData(packets: readonly AnalysedPacket[], t0: number): ChartData {
  const n = packets.length;
  const t = new Float64Array(n);
  const delta = new Float64Array(n);
  const jitter = new Float64Array(n);
  const skew = new Float64Array(n);
  let hasJitter = false;
  let hasSkew = false;
  for (let i = 0; i < n; i++) {
    const p = packets[i];
    t[i] = p.ts - t0;
    // The first packet has no gap before it (the server's 0 is none): not drawn.
    delta[i] = i > 0 && Number.isFinite(p.deltaMs) ? p.deltaMs : Number.NaN;
    const j = p.jitterMs;
    const s = p.skewMs;
    jitter[i] = typeof j === 'number' && Number.isFinite(j) ? j : Number.NaN;
    skew[i] = typeof s === 'number' && Number.isFinite(s) ? s : Number.NaN;
    if (!Number.isNaN(jitter[i])) hasJitter = true;
    if (!Number.isNaN(skew[i])) hasSkew = true;
  }
  return { t, delta, jitter: hasJitter ? jitter : null, skew: hasSkew ? skew : null };
}

/**
 * The points of one series to draw over `[x0, x1]` split into `columns`
 * pixel columns. Up to 4 points a column (its first, lowest, highest and
 * last, in their order: M4), so the line drawn is the one every point would
 * have drawn at that width, its spikes kept; all points when there are not
 * more than that. Points run in capture order; a run of points in one column
 * is a column's (so times that step back cost points, never shape). NaN
 * values are left out.
 */
export function decimate(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x0: number,
  x1: number,
  columns: number,
): Array<[number, number]> {
  const n = Math.min(xs.length, ys.length);
  const out: Array<[number, number]> = [];
  const cols = Math.max(1, Math.floor(columns));
  const all = n <= cols * 4 || !(x1 > x0);
  const span = x1 - x0;
  let col = -1;
  // The run in the current column: indexes of its first, lowest, highest and last points.
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = () => {
    if (first < 0) return;
    const picked = [first, lo, hi, last].sort((a, b) => a - b);
    let prev = -1;
    for (const i of picked) {
      if (i === prev) continue;
      out.push([xs[i], ys[i]]);
      prev = i;
    }
    first = -1;
  };
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    const x = xs[i];
    if (Number.isNaN(y) || Number.isNaN(x)) continue;
    if (all) {
      out.push([x, y]);
      continue;
    }
    const c = Math.min(cols - 1, Math.max(0, Math.floor(((x - x0) / span) * cols)));
    if (c !== col || first < 0) {
      flush();
      col = c;
      first = lo = hi = last = i;
      continue;
    }
    if (y < ys[lo]) lo = i;
    if (y > ys[hi]) hi = i;
    last = i;
  }
  flush();
  return out;
}

/** The lowest and highest value of the series `shown` (0 always in), for the y axis; [0, 1] when there is none. */
export function yExtent(d: ChartData, shown: readonly SeriesKey[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const key of shown) {
    const v = d[key];
    if (!v) continue;
    for (let i = 0; i < v.length; i++) {
      const y = v[i];
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** The first and last time of the stream, for the x axis; a second wide around a lone packet. */
export function xExtent(d: ChartData): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of d.t) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** A mark on the chart where packets were lost: before one packet, or before several in one pixel column. */
export interface LossMark {
  /** Seconds since `t0` (the first packet's of the column). */
  t: number;
  lost: number;
  frames: number[];
  /** The tooltip: `2 lost before frame 209`; `5 lost before frames 209, 212 and 230`. */
  text: string;
}

/** `209`, `209 and 506`, `209, 506 and 800`; past `max` frames, `209, 506, 800 and 4 more`. */
function framesText(frames: readonly number[], max = 3): string {
  if (frames.length === 1) return `frame ${frames[0]}`;
  if (frames.length <= max)
    return `frames ${frames.slice(0, -1).join(', ')} and ${frames[frames.length - 1]}`;
  return `frames ${frames.slice(0, max).join(', ')} and ${frames.length - max} more`;
}

/**
 * Where packets were lost (packets with `lostBefore` > 0), each a mark at
 * its time; with `columns` (and the x domain `[x0, x1]`), the packets of one
 * pixel column share a mark, their losses added up, so that a long lossy
 * stream makes at most a mark a column.
 */
export function lossMarks(
  packets: readonly AnalysedPacket[],
  t0: number,
  bins?: { x0: number; x1: number; columns: number },
): LossMark[] {
  const marks: LossMark[] = [];
  let col = Number.NaN;
  for (const p of packets) {
    if (!(p.lostBefore > 0)) continue;
    const t = p.ts - t0;
    const c =
      bins && bins.x1 > bins.x0
        ? Math.min(
            bins.columns - 1,
            Math.max(0, Math.floor(((t - bins.x0) / (bins.x1 - bins.x0)) * bins.columns)),
          )
        : Number.NaN;
    const prev = marks[marks.length - 1];
    if (prev && c === col) {
      prev.lost += p.lostBefore;
      prev.frames.push(p.frame);
    } else marks.push({ t, lost: p.lostBefore, frames: [p.frame], text: '' });
    col = c;
  }
  for (const m of marks) m.text = `${countText(m.lost)} lost before ${framesText(m.frames)}`;
  return marks;
}

/** A packet's status in words, as `sipscope analyze --stream` prints it. */
export function statusText(p: Pick<AnalysedPacket, 'status' | 'lostBefore' | 'payloadType'>): string {
  switch (p.status) {
    case 'sequence':
      return p.lostBefore > 0
        ? `wrong sequence: ${countText(p.lostBefore)} lost before it`
        : 'wrong sequence (late or duplicate)';
    case 'payload-type':
      return `payload type changed to ${p.payloadType}`;
    case 'marker':
      return 'marker (talkspurt)';
    default:
      return 'ok';
  }
}

/** A packet of the problems table, its numbers as text. */
export interface ProblemRow {
  frame: number;
  /** Seconds since `t0`, `4.060`. */
  time: string;
  sequence: number;
  delta: string;
  jitter: string;
  skew: string;
  status: string;
  /** Packets lost before it, or out of sequence: the warning colour. */
  warn: boolean;
}

/** The packets whose status is not `ok`, the first `max` of them as rows, and how many more there are. */
export function problemRows(
  packets: readonly AnalysedPacket[],
  t0: number,
  max = 200,
): { rows: ProblemRow[]; total: number; more: number } {
  const rows: ProblemRow[] = [];
  let total = 0;
  for (const p of packets) {
    if (p.status === 'ok') continue;
    total++;
    if (rows.length >= max) continue;
    rows.push({
      frame: p.frame,
      time: relTime(p.ts - t0),
      sequence: p.sequence,
      delta: msText(p.deltaMs),
      jitter: msText(p.jitterMs),
      skew: msText(p.skewMs),
      status: statusText(p),
      warn: p.status === 'sequence',
    });
  }
  return { rows, total, more: total - rows.length };
}

/** A part of the figures line; `warn` in the warning colour. */
export interface FigurePart {
  key: string;
  text: string;
  warn?: boolean;
}

/** `8 008 Hz (0.10 %)`, as Wireshark's dialog rounds them; `–` for none. */
function freqDriftText(hz: number | null | undefined, percent: number | null | undefined): string {
  if (typeof hz !== 'number' || typeof percent !== 'number') return '–';
  // + 0: no "-0.00 %" for a drift that rounds to nothing.
  return `${countText(Math.round(hz) + 0)} Hz (${(Math.round(percent * 100) / 100 + 0).toFixed(2)} %)`;
}

/**
 * The stream's figures on one line, as Wireshark's analysis sums them up:
 * `496 packets`, `499 expected`, `3 lost (0.6 %)`, `2 sequence errors`,
 * `max delta 60.000 ms`, `max jitter 3.453 ms`, `mean jitter 0.121 ms`,
 * `max skew -30.000 ms`, `clock drift -0.105 ms`, `freq drift 8 000 Hz
 * (0.00 %)` (the last three when the server gives them and the clock rate
 * is known), and the clock rate the jitter used.
 */
export function figureParts(s: StreamPacketsSummary, clockRate: number | null): FigurePart[] {
  const parts: FigurePart[] = [
    { key: 'packets', text: `${countText(s.packets)} packets` },
    { key: 'expected', text: `${countText(s.expected)} expected` },
    {
      key: 'lost',
      // The share as the table writes it (lostText): `3 lost (0.6 %)`.
      text: `${countText(s.lost)} lost${Number.isFinite(s.lostPercent) ? ` (${s.lostPercent.toFixed(1)} %)` : ''}`,
      warn: s.lost > 0,
    },
    {
      key: 'sequence errors',
      text: `${countText(s.sequenceErrors)} sequence error${s.sequenceErrors === 1 ? '' : 's'}`,
      warn: s.sequenceErrors > 0,
    },
    { key: 'max delta', text: `max delta ${msText(s.maxDeltaMs)} ms` },
    { key: 'max jitter', text: `max jitter ${msText(s.maxJitterMs)} ms` },
    { key: 'mean jitter', text: `mean jitter ${msText(s.meanJitterMs)} ms` },
  ];
  if (clockRate !== null && s.maxSkewMs !== undefined)
    parts.push(
      { key: 'max skew', text: `max skew ${msText(s.maxSkewMs)} ms` },
      { key: 'clock drift', text: `clock drift ${msText(s.clockDriftMs)} ms` },
      { key: 'freq drift', text: `freq drift ${freqDriftText(s.freqDriftHz, s.freqDriftPercent)}` },
    );
  parts.push({ key: 'clock', text: clockRate === null ? 'clock rate unknown' : `clock ${clockRate} Hz` });
  return parts;
}

/** The packet nearest to time `t` (seconds since `t0`), its index; -1 for none. */
export function nearestPacket(d: ChartData, t: number): number {
  let best = -1;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < d.t.length; i++) {
    const g = Math.abs(d.t[i] - t);
    if (g < gap) {
      gap = g;
      best = i;
    }
  }
  return best;
}

/** A packet under the pointer: `frame 605 · 8.050 s · seq 1300 · delta 50.000 ms · jitter 1.875 ms · skew -30.000 ms`. */
export function readoutText(p: AnalysedPacket, t0: number): string {
  const parts = [
    `frame ${p.frame}`,
    `${relTime(p.ts - t0)} s`,
    `seq ${p.sequence}`,
    `delta ${msText(p.deltaMs)} ms`,
    p.jitterMs === null ? null : `jitter ${msText(p.jitterMs)} ms`,
    p.skewMs === null ? null : `skew ${msText(p.skewMs)} ms`,
    p.status === 'ok' ? null : statusText(p),
  ];
  return parts.filter((x) => x !== null).join(' · ');
}
