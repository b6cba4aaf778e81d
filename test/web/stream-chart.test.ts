/**
 * An RTP stream packet by packet as the inspector charts and lists it
 * (web/src/media/stream-chart.ts), fed with what the API serves: the bundled
 * sample call-with-rtp.pcap's stream analysed by the server's own code
 * (src/media/stream-analysis.ts, through JSON), and streams made up here for
 * what the sample lacks (a payload type change, a marker, a late packet, no
 * clock rate, 100,000 packets). The thinning by pixel column keeps every
 * column's lowest and highest point, so a spike among 100,000 stays drawn.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyseRecordedStream, analyseStream } from '../../src/media/stream-analysis.js';
import type { RecordedStream } from '../../src/media/stream-packets.js';
import type { AnalysedPacket, RtpStream, StreamPackets } from '../../web/src/api/types.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import {
  chartData,
  decimate,
  figureParts,
  lossMarks,
  nearestPacket,
  problemRows,
  readoutText,
  statusText,
  xExtent,
  yExtent,
} from '../../web/src/media/stream-chart.js';
import { streamPacket } from '../fixtures/rtp-frames.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';

const SAMPLE = fileURLToPath(new URL('../../samples/call-with-rtp.pcap', import.meta.url));

/** The sample's call 0 stream 1 as `GET …/streams/1/packets` answers, and the ladder's first message time. */
async function sampleStream(): Promise<{ data: StreamPackets; t0: number }> {
  const doc = (await contractOfFile(SAMPLE)) as ContractDoc & { streams: RtpStream[] };
  const call = doc.calls[0];
  const t0 = layoutLadder(call, messagesOfCall(doc, call.id), []).start as number;
  const stream = doc.streams.find((s) => s.id === 1) as RtpStream;
  const a = await analyseRecordedStream(SAMPLE, stream as unknown as RecordedStream);
  const data = JSON.parse(
    JSON.stringify({
      stream: 1,
      clockRate: a.clockRate,
      summary: a.summary,
      total: a.packets.length,
      offset: 0,
      packets: a.packets,
    }),
  ) as StreamPackets;
  return { data, t0 };
}

const CODECS = new Map([
  [0, 'PCMU/8000'],
  [101, 'telephone-event/8000'],
]);

/** Packet `i` of a 20 ms stream (streamPacket). */
const pkt = streamPacket;

/** `n` packets of a made-up page: every field set, times 20 ms apart from `ts0`. */
function made(n: number, f: (i: number) => Partial<AnalysedPacket> = () => ({})): AnalysedPacket[] {
  return Array.from({ length: n }, (_, i) => ({
    frame: i + 1,
    ts: 100 + i * 0.02,
    sequence: i,
    timestamp: i * 160,
    payloadType: 0,
    marker: false,
    deltaMs: i === 0 ? 0 : 20,
    jitterMs: 0,
    skewMs: 0,
    lostBefore: 0,
    status: 'ok' as const,
    ...f(i),
  }));
}

describe('the packet analysis of the sample’s lossy stream', () => {
  it('lists the two gaps with what was lost before them, in the gutter’s time', async () => {
    const { data, t0 } = await sampleStream();
    expect([data.packets.length, data.clockRate]).toEqual([496, 8000]);
    const { rows, total, more } = problemRows(data.packets, t0);
    expect([total, more]).toEqual([2, 0]);
    expect(rows).toEqual([
      {
        frame: 209,
        time: '4.060',
        sequence: 1102,
        delta: '60.000',
        jitter: '0.000',
        skew: '0.000',
        status: 'wrong sequence: 2 lost before it',
        warn: true,
      },
      {
        frame: 506,
        time: '7.040',
        sequence: 1251,
        delta: '40.000',
        jitter: '0.000',
        skew: '0.000',
        status: 'wrong sequence: 1 lost before it',
        warn: true,
      },
    ]);
  });

  it('marks the losses where they happened, and gives the figures line from the summary', async () => {
    const { data, t0 } = await sampleStream();
    const marks = lossMarks(data.packets, t0);
    expect(marks.map((m) => [m.t.toFixed(3), m.lost, m.frames, m.text])).toEqual([
      ['4.060', 2, [209], '2 lost before frame 209'],
      ['7.040', 1, [506], '1 lost before frame 506'],
    ]);
    // Two marks still at a chart's width: they are 3 s apart.
    const [x0, x1] = xExtent(chartData(data.packets, t0));
    expect([x0.toFixed(3), x1.toFixed(3)]).toEqual(['2.020', '11.980']);
    expect(lossMarks(data.packets, t0, { x0, x1, columns: 500 })).toHaveLength(2);
    expect(figureParts(data.summary, data.clockRate).map((f) => [f.text, f.warn ?? false])).toEqual([
      ['496 packets', false],
      ['499 expected', false],
      ['3 lost (0.6 %)', true],
      ['2 sequence errors', true],
      ['max delta 60.000 ms', false],
      ['max jitter 3.453 ms', false],
      ['mean jitter 0.121 ms', false],
      // Wireshark's dialog header: the packet 30 ms late, a sender clock at 8000 Hz (1 ppm off from the late packets).
      ['max skew -30.000 ms', false],
      ['clock drift -0.105 ms', false],
      ['freq drift 8\u202f000 Hz (0.00 %)', false],
      ['clock 8000 Hz', false],
    ]);
  });

  it('charts delta, jitter and skew of every packet; the late packets are in the jitter and the skew', async () => {
    const { data, t0 } = await sampleStream();
    const d = chartData(data.packets, t0);
    expect([d.t.length, d.delta.length, d.jitter?.length, d.skew?.length]).toEqual([496, 496, 496, 496]);
    expect(Math.max(...(d.jitter as Float64Array))).toBe(3.453);
    expect(Math.min(...(d.skew as Float64Array))).toBe(-30);
    // Few packets for a 500 px chart: every one drawn, but the first's delta (no packet before it).
    expect(Number.isNaN(d.delta[0])).toBe(true);
    expect(decimate(d.t, d.delta, d.t[0], d.t[495], 500)).toHaveLength(495);
    expect(decimate(d.t, d.jitter as Float64Array, d.t[0], d.t[495], 500)).toHaveLength(496);
    // The y axis: 0 to the largest delta; with the skew, down to its −30 ms.
    expect(yExtent(d, ['delta', 'jitter'])).toEqual([0, 60]);
    expect(yExtent(d, ['delta', 'jitter', 'skew'])).toEqual([-30, 60]);
    // The pointer at 8.051 s: the packet that came 12 ms late.
    const i = nearestPacket(d, 8.051);
    expect(readoutText(data.packets[i], t0)).toBe(
      'frame 607 · 8.052 s · seq 1301 · delta 2.000 ms · jitter 2.883 ms · skew -12.000 ms',
    );
  });
});

describe('status in words', () => {
  it('says what is wrong with a packet as sipscope analyze --stream does', () => {
    const a = analyseStream(
      [
        pkt(0, { marker: true }),
        pkt(1),
        pkt(3),
        pkt(2, { ts: 5.065 }),
        pkt(4, { payloadType: 101 }),
        pkt(5, { payloadType: 101 }),
      ],
      CODECS,
    );
    expect(a.packets.map((p) => statusText(p))).toEqual([
      'marker (talkspurt)',
      'ok',
      'wrong sequence: 1 lost before it',
      'wrong sequence (late or duplicate)',
      'payload type changed to 101',
      'ok',
    ]);
    // Only a gap is in the warning colour; a marker or a payload type change is not a fault.
    const rows = problemRows(a.packets, 5).rows;
    expect(rows.map((r) => [r.frame, r.warn])).toEqual([
      [10, false],
      [13, true],
      [12, true],
      [14, false],
    ]);
    expect(lossMarks(a.packets, 5).map((m) => m.text)).toEqual(['1 lost before frame 13']);
  });

  it('caps the table and says how many more there are', () => {
    const packets = made(1000, (i) => (i % 4 === 1 ? { status: 'marker', marker: true } : {}));
    const { rows, total, more } = problemRows(packets, 100, 200);
    expect([rows.length, total, more]).toEqual([200, 250, 50]);
    expect(rows[0]).toMatchObject({ frame: 2, time: '0.020', status: 'marker (talkspurt)' });
  });

  it('has no jitter or skew series without a clock rate, and says so in the figures', () => {
    const packets = made(5, () => ({ jitterMs: null, skewMs: null }));
    const d = chartData(packets, 100);
    expect([d.jitter, d.skew]).toEqual([null, null]);
    expect(yExtent(d, ['delta', 'jitter', 'skew'])).toEqual([0, 20]);
    expect(
      problemRows(
        made(2, () => ({ status: 'marker', jitterMs: null, skewMs: null })),
        100,
      ).rows[0],
    ).toMatchObject({ jitter: '–', skew: '–' });
    const summary = {
      ssrc: '0x00000001',
      packets: 1,
      bytes: 160,
      expected: 1,
      lost: 0,
      lostPercent: 0,
      sequenceErrors: 1,
      start: 100,
      end: 100,
      durationMs: 0,
      minDeltaMs: null,
      meanDeltaMs: null,
      maxDeltaMs: null,
      meanJitterMs: null,
      maxJitterMs: null,
      meanNetworkJitterMs: null,
      maxNetworkJitterMs: null,
      payloadTypes: [96],
      payloadTypePackets: [1],
      payloadTypeStart: [100],
      payloadTypeEnd: [100],
      payloadTypeSpans: [[[100, 100]] as Array<[number, number]>],
      markers: 0,
    };
    expect(figureParts(summary, null).map((f) => f.text)).toEqual([
      '1 packets',
      '1 expected',
      '0 lost (0.0 %)',
      '1 sequence error',
      'max delta – ms',
      'max jitter – ms',
      'mean jitter – ms',
      'clock rate unknown',
    ]);
  });

  it('gives Wireshark max skew, clock drift and freq drift when the server sends them, none from an older server', async () => {
    // A sender clock 0.1 % fast, and a stream of one packet (no line for a drift).
    const fast = { maxSkewMs: 49.99, clockDriftMs: 49.99, freqDriftHz: 8008, freqDriftPercent: 0.1 };
    const one = { maxSkewMs: 0, clockDriftMs: null, freqDriftHz: null, freqDriftPercent: null };
    const { data } = await sampleStream();
    const drift = (s: object) =>
      figureParts({ ...data.summary, ...s }, 8000)
        .filter((f) => /skew|drift/.test(f.key))
        .map((f) => f.text);
    expect(drift(fast)).toEqual([
      'max skew 49.990 ms',
      'clock drift 49.990 ms',
      'freq drift 8\u202f008 Hz (0.10 %)',
    ]);
    expect(drift(one)).toEqual(['max skew 0.000 ms', 'clock drift – ms', 'freq drift –']);
    // The server's own, on the sample's lossy stream.
    expect(drift({})).toEqual([
      'max skew -30.000 ms',
      'clock drift -0.105 ms',
      'freq drift 8\u202f000 Hz (0.00 %)',
    ]);
    // An older server: no drift figure in its summary.
    const { maxSkewMs, clockDriftMs, freqDriftHz, freqDriftPercent, ...older } = data.summary;
    expect(figureParts(older, 8000).filter((f) => /skew|drift/.test(f.key))).toEqual([]);
  });
});

describe('thinning by pixel column', () => {
  /** 100,000 packets of 20 ms with small noise, one 400 ms gap at packet 54,321 and a dip at 77,777. */
  const N = 100_000;
  const xs = Float64Array.from({ length: N }, (_, i) => i * 0.02);
  const ys = Float64Array.from({ length: N }, (_, i) =>
    i === 54_321 ? 400 : i === 77_777 ? 0.5 : 20 + Math.sin(i * 1.3) * 0.8,
  );

  it('draws at most 4 points a column, the spike and the dip among them, in time order', () => {
    const cols = 560;
    const points = decimate(xs, ys, xs[0], xs[N - 1], cols);
    expect(points.length).toBeLessThanOrEqual(cols * 4);
    expect(points.length).toBeGreaterThan(cols * 2);
    expect(points.some(([x, y]) => y === 400 && x === xs[54_321])).toBe(true);
    expect(points.some(([x, y]) => y === 0.5 && x === xs[77_777])).toBe(true);
    for (let i = 1; i < points.length; i++) expect(points[i][0]).toBeGreaterThanOrEqual(points[i - 1][0]);
    // Every column's range is the range of its points.
    const width = (xs[N - 1] - xs[0]) / cols;
    const col = (x: number) => Math.min(cols - 1, Math.floor((x - xs[0]) / width));
    const range = new Map<number, [number, number]>();
    for (let i = 0; i < N; i++) {
      const c = col(xs[i]);
      const r = range.get(c) ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      range.set(c, [Math.min(r[0], ys[i]), Math.max(r[1], ys[i])]);
    }
    const drawn = new Map<number, [number, number]>();
    for (const [x, y] of points) {
      const r = drawn.get(col(x)) ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      drawn.set(col(x), [Math.min(r[0], y), Math.max(r[1], y)]);
    }
    expect(drawn).toEqual(range);
    // The first and the last packet: the line spans the whole stream.
    expect(points[0]).toEqual([0, ys[0]]);
    expect(points[points.length - 1]).toEqual([xs[N - 1], ys[N - 1]]);
  });

  it('leaves out values that are not numbers, and keeps a column of one point as one point', () => {
    const few = decimate([0, 1, 2, 3], [1, Number.NaN, 3, 4], 0, 3, 100);
    expect(few).toEqual([
      [0, 1],
      [2, 3],
      [3, 4],
    ]);
    const ones = decimate(xs.subarray(0, 40), ys.subarray(0, 40), 0, xs[39], 2);
    expect(ones.length).toBeLessThanOrEqual(8);
    expect(decimate([], [], 0, 1, 10)).toEqual([]);
  });

  it('gives a lossy stream at most a loss mark a column, the losses of a column added up', () => {
    // A packet lost before every 10th: 10,000 gaps.
    const packets = made(N, (i) => (i > 0 && i % 10 === 0 ? { lostBefore: 1, status: 'sequence' } : {}));
    const all = lossMarks(packets, 100);
    expect(all).toHaveLength(9_999);
    const d = chartData(packets, 100);
    const [x0, x1] = xExtent(d);
    const marks = lossMarks(packets, 100, { x0, x1, columns: 500 });
    expect(marks.length).toBeLessThanOrEqual(500);
    expect(marks.reduce((n, m) => n + m.lost, 0)).toBe(9_999);
    // The first column is 4 s wide: packets 0–199, a loss before each 10th from the 10th.
    expect(marks[0].text).toBe('19 lost before frames 11, 21, 31 and 16 more');
  });
});
