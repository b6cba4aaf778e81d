/**
 * The drift of a capture host's clock against another's (capture/clock-drift.ts):
 * the offset θ(t) = θ + s·t fitted over the messages both captured, the two
 * directions sharing the slope and each keeping its one-way delay (as RFC
 * 5905 §8 separates offset from delay), Theil–Sen so that a queued copy does
 * not tilt it. The pair of captures is samples/sipp-10-calls.pcap spread to
 * a call every 10 s and its copy as a host with a drifting clock captured it
 * (test/fixtures/drifting-clocks.ts: what editcap -t cannot make).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitDrift, MIN_DRIFT_SAMPLES, MIN_DRIFT_SPAN_SECONDS } from '../../src/capture/clock-drift.js';
import { ClockOffsets, driftCanReorder } from '../../src/capture/clock-offsets.js';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { README_CLOCK, writeDriftingPair } from '../fixtures/drifting-clocks.js';
import { hasTshark } from '../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the fit must come within of the ppm applied (the pair's times are exact to the nanosecond). */
const PPM_TOLERANCE = 0.5;

/** A deterministic stream of numbers in [0, 1) (a linear congruential generator). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The least-squares slope shared by the groups (each its own intercept), in ppm: what a plain fit would say. */
function leastSquaresPpm(groups: { at: number[]; d: number[] }[]): number {
  let num = 0;
  let den = 0;
  for (const g of groups) {
    const mt = g.at.reduce((a, b) => a + b, 0) / g.at.length;
    const md = g.d.reduce((a, b) => a + b, 0) / g.d.length;
    g.at.forEach((t, k) => {
      num += (t - mt) * (g.d[k] - md);
      den += (t - mt) ** 2;
    });
  }
  return (num / den) * 1e6;
}

describe('drift fit over the messages two hosts both captured (Theil–Sen, shared slope)', () => {
  it('recovers a 50 ppm drift through 0.2 ms of jitter and half the last quarter queued 5 to 25 ms, which tilts least squares', () => {
    const c = new ClockOffsets(2);
    const rnd = lcg(7);
    const [theta, delay, s] = [1.5, 0.002, 50e-6];
    const groups = [
      { at: [] as number[], d: [] as number[] },
      { at: [] as number[], d: [] as number[] },
    ];
    for (let k = 0; k < 400; k++) {
      const t = 1000 + k * 0.9;
      const fwd = k % 2 === 0;
      // Congestion at the end: half the copies of the last 100 messages queued.
      const late = k >= 300 && rnd() < 0.5 ? 0.005 + rnd() * 0.02 : 0;
      const d = theta + s * (t - 1000) + (fwd ? delay : -delay) + (rnd() - 0.5) * 0.0002 + late;
      const [src, dst] = fwd ? ['10.0.0.1:5060', '10.0.0.2:5060'] : ['10.0.0.2:5060', '10.0.0.1:5060'];
      c.note(0, t, src, dst, `MESSAGE ${k}`);
      c.note(1, t + d, src, dst, `MESSAGE ${k}`);
      groups[k % 2].at.push(t);
      groups[k % 2].d.push(d);
    }
    expect(leastSquaresPpm(groups)).toBeGreaterThan(60);
    const p = c.pair(0, 1)!;
    expect(Math.abs(p.driftPpm! - 50)).toBeLessThan(1);
    expect(p.driftPpmError!).toBeGreaterThan(0);
    expect(p.driftPpmError!).toBeLessThan(2);
    expect(p.spanSeconds).toBeCloseTo(399 * 0.9, 6);
    // Levelled to the middle of the span: θ + s·(span / 2); the queued copies only push the delay up a little.
    expect(Math.abs(p.offsetSeconds - (theta + s * 179.55))).toBeLessThan(0.0005);
    expect(Math.abs(p.delaySeconds! - delay)).toBeLessThan(0.002);
    // The other way round: file 0's clock against file 1's loses as much.
    expect(c.pair(1, 0)!.driftPpm).toBe(-p.driftPpm!);
  });

  it('past 65,536 messages a direction, what is kept is thinned, not cut: the span, the count and the middle are of the whole', () => {
    const c = new ClockOffsets(2);
    const n = 70_000;
    for (let k = 0; k < n; k++) {
      const t = 1000 + k * 0.02;
      c.note(0, t, '10.0.0.1:5060', '10.0.0.2:5060', `NOTIFY ${k}`);
      c.note(1, t + 3 + 20e-6 * (t - 1000), '10.0.0.1:5060', '10.0.0.2:5060', `NOTIFY ${k}`);
    }
    const p = c.pair(0, 1)!;
    expect(p.samples).toBe(n);
    // Kept: every other message from the 65,537th on, so the span ends within one of the last.
    expect(p.spanSeconds).toBeGreaterThanOrEqual((n - 2) * 0.02 - 1e-6);
    expect(Math.abs(p.driftPpm! - 20)).toBeLessThan(0.1);
    // One direction: the median difference, at the middle of the whole span once levelled.
    expect(Math.abs(p.offsetSeconds - (3 + 20e-6 * (p.spanSeconds / 2)))).toBeLessThan(1e-6);
  });

  it('the two directions share the slope: a large one-way delay does not read as drift', () => {
    // Forward messages in the first half only, backward in the second: a fit that ignored the
    // direction would take the delay's 2·50 ms step for a slope.
    const groups = [
      { at: Array.from({ length: 20 }, (_, k) => k * 3), d: Array.from({ length: 20 }, () => 0.05) },
      { at: Array.from({ length: 20 }, (_, k) => 60 + k * 3), d: Array.from({ length: 20 }, () => -0.05) },
    ];
    expect(fitDrift(groups)!.slope).toBe(0);
  });

  it(`is not given under ${MIN_DRIFT_SAMPLES} messages or a span under ${MIN_DRIFT_SPAN_SECONDS} s`, () => {
    const line = (n: number, step: number) => [
      {
        at: Array.from({ length: n }, (_, k) => k * step),
        d: Array.from({ length: n }, (_, k) => k * step * 1e-5),
      },
    ];
    expect(fitDrift(line(MIN_DRIFT_SAMPLES - 1, 10))).toBeNull();
    expect(fitDrift(line(100, (MIN_DRIFT_SPAN_SECONDS - 1) / 99))).toBeNull();
    expect(
      fitDrift(line(MIN_DRIFT_SAMPLES, MIN_DRIFT_SPAN_SECONDS / (MIN_DRIFT_SAMPLES - 1)))!.slope,
    ).toBeCloseTo(1e-5, 12);
  });
});

describe('two captures of SIPp calls, one host clock 2.315 s ahead and drifting +41 ppm', () => {
  const [alice, bob] = writeDriftingPair(dir, 'drift', README_CLOCK);
  /** The offset the pair has at the middle of the 90.7 s its messages span (alice's first frame is its t0). */
  const offsetAt = (s: number) => README_CLOCK.theta + README_CLOCK.ppm * 1e-6 * s;

  it('measures the drift within 0.5 ppm, the offset at the middle of the span and the one-way delay', async () => {
    const c = (await analyzeCapture([alice, bob])).source.files![1].clock!;
    expect(c.samples).toBe(60);
    expect(Math.abs(c.driftPpm! - README_CLOCK.ppm)).toBeLessThan(PPM_TOLERANCE);
    expect(c.driftPpmError!).toBeLessThanOrEqual(PPM_TOLERANCE);
    expect(c.spanSeconds).toBeGreaterThan(90);
    expect(Math.abs(c.offsetSeconds - offsetAt(c.spanSeconds / 2))).toBeLessThan(2e-6);
    expect(Math.abs(c.delaySeconds! - README_CLOCK.delay)).toBeLessThan(2e-6);
  });

  it('warns that a constant shift leaves answers possibly before requests at the ends (1.86 ms > 0.4 ms + 1 ms)', async () => {
    const r = await analyzeCapture([alice, bob]);
    expect(r.warnings.filter((x) => x.includes('answers may still show'))).toEqual([
      `${bob}: its clock drifting +41 ppm against ${alice} moves its offset 3.72 ms over the 90.7 s its messages span: a constant shift of its times (as editcap -t: --time-shift, --align) leaves it off by up to 1.86 ms at one end or the other, more than the one-way delay 0.4 ms plus 1 ms: answers may still show before their requests there`,
    ]);
  });

  it('--time-shift stays a constant shift: the offset left is nil, the drift and its warning stay', async () => {
    const r = await analyzeCapture([alice, bob], { timeShifts: [null, parseSeconds('-2.31686')!] });
    const c = r.source.files![1].clock!;
    expect(Math.abs(c.offsetSeconds)).toBeLessThan(2e-6);
    expect(Math.abs(c.driftPpm! - README_CLOCK.ppm)).toBeLessThan(PPM_TOLERANCE);
    expect(driftCanReorder(c)).toBe(true);
    expect(r.warnings.filter((x) => x.includes('answers may show before'))).toEqual([]);
    expect(r.warnings.filter((x) => x.includes('answers may still show before'))).toHaveLength(1);
  });

  it('the same drift the other way: file 0 against the fast clock reads -41 ppm', async () => {
    const c = (await analyzeCapture([bob, alice])).source.files![1].clock!;
    expect(Math.abs(c.driftPpm! + README_CLOCK.ppm)).toBeLessThan(PPM_TOLERANCE);
  });

  it('no drift: the same pair made at 0 ppm gives a drift under the tolerance and no drift warning', async () => {
    const [a, b] = writeDriftingPair(dir, 'level', { ...README_CLOCK, ppm: 0 });
    const r = await analyzeCapture([a, b]);
    const c = r.source.files![1].clock!;
    expect(Math.abs(c.driftPpm!)).toBeLessThan(PPM_TOLERANCE);
    expect(Math.abs(c.offsetSeconds - README_CLOCK.theta)).toBeLessThan(2e-6);
    expect(r.warnings.filter((x) => x.includes('answers may still show'))).toEqual([]);
  });

  it('the calls as captured (0.9 s, not spread): too short to tell a drift, null', async () => {
    const [a, b] = writeDriftingPair(dir, 'short', README_CLOCK, undefined, 1);
    const c = (await analyzeCapture([a, b])).source.files![1].clock!;
    expect(c.driftPpm).toBeNull();
    expect(c.driftPpmError).toBeNull();
    expect(c.spanSeconds).toBeLessThan(1);
    expect(Math.abs(c.offsetSeconds - README_CLOCK.theta)).toBeLessThan(1e-4);
  });
});

describe.skipIf(!hasTshark)(
  'with a drift, --time-shift is still editcap -t then mergecap (Wireshark 4)',
  () => {
    it('the same messages, frames, times and calls as sipscope on mergecap of the editcap-shifted copy', async () => {
      const [a, b] = writeDriftingPair(dir, 'editcap', README_CLOCK);
      const shifted = join(dir, 'editcap-bob-shifted.pcap');
      const merged = join(dir, 'editcap-merged.pcapng');
      execFileSync('editcap', ['-t', '-2.31686', b, shifted]);
      execFileSync('mergecap', ['-w', merged, a, shifted]);
      const ours = await analyzeCapture([a, b], { timeShifts: [null, parseSeconds('-2.31686')!] });
      const theirs = await analyzeCapture(merged);
      const ladder = (r: AnalysisResult) =>
        Array.from({ length: r.messages.length }, (_, i) => {
          const m = r.messages.get(i);
          return [m.frame, m.ts, m.src, m.dst, m.method ?? m.status, m.retransmission];
        });
      expect(ladder(ours)).toEqual(ladder(theirs));
      expect(ours.stats).toEqual(theirs.stats);
      expect(ours.calls).toEqual(theirs.calls);
    });
  },
);
