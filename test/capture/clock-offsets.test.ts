/**
 * The clock offset between two capture points, measured from the SIP
 * messages both captured (capture/clock-offsets.ts), as NTP measures a
 * peer's offset (RFC 5905 §8): θ = the mean of the two directions' delays
 * as read on the two clocks, the one-way delay their half-difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClockOffsets } from '../../src/capture/clock-offsets.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { ALICE, basicCall } from '../fixtures/flows/index.js';
import { hasTshark } from '../helpers/corpus.js';
import { writeTwoHosts } from './two-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THETA = 2.315;
const DELAY = 0.0004;
const call = () => basicCall();

/** Each message: its file, and its method or status. */
const ladder = (r: AnalysisResult) =>
  Array.from({ length: r.messages.length }, (_, i) => {
    const m = r.messages.get(i);
    return { file: m.file, what: String(m.method ?? m.status), frame: m.frame, ts: m.ts };
  });

/** Whether every copy of the INVITE comes before every copy of its 100 Trying (RFC 3261 §17.2.1: the 100 answers it). */
function inviteBefore100(r: AnalysisResult): boolean {
  const l = ladder(r).map((m) => m.what);
  return l.lastIndexOf('INVITE') < l.indexOf('100');
}

describe('clock offset of two capture points, as NTP computes a peer offset (RFC 5905 §8)', () => {
  const [a, b] = writeTwoHosts(dir, 'skewed', call(), { theta: THETA, delay: DELAY });

  it('recovers the offset and the one-way delay to the microsecond from messages both ways', async () => {
    const r = await analyzeCapture([a, b]);
    const files = r.source.files!;
    expect(files[0].clock).toBeNull();
    const c = files[1].clock!;
    expect(c.directions).toBe(2);
    expect(c.samples).toBe(call().length);
    expect(Math.abs(c.offsetSeconds - THETA)).toBeLessThan(1e-6);
    expect(Math.abs(c.delaySeconds! - DELAY)).toBeLessThan(1e-6);
  });

  it('warns that answers may show before their requests, with the shift that undoes it', async () => {
    const r = await analyzeCapture([a, b]);
    expect(inviteBefore100(r)).toBe(false);
    const w = r.warnings.filter((x) => x.includes('clock'));
    expect(w).toEqual([
      `${b}: clock 2.315 s ahead of ${a} (${call().length} messages seen in both, one-way delay 0.4 ms): answers may show before their requests; shift it back with --time-shift 1=-2.315 or analyze --align`,
    ]);
  });

  it('with --time-shift 1=-2.315 the merged ladder is back in order and the offset left is nil', async () => {
    const r = await analyzeCapture([a, b], { timeShifts: [null, parseSeconds('-2.315')!] });
    expect(inviteBefore100(r)).toBe(true);
    expect(r.source.files![1].timeShiftSeconds).toBe(-2.315);
    const c = r.source.files![1].clock!;
    expect(Math.abs(c.offsetSeconds)).toBeLessThan(1e-6);
    expect(Math.abs(c.delaySeconds! - DELAY)).toBeLessThan(1e-6);
    expect(r.warnings).toEqual([]);
    // The messages are file 1's shifted back: ALICE's INVITE reaches BOB's file DELAY after ALICE's.
    const invites = ladder(r).filter((m) => m.what === 'INVITE');
    expect(invites.map((m) => m.file)).toEqual([0, 1]);
    expect(Math.abs(invites[1].ts - invites[0].ts - DELAY)).toBeLessThan(1e-6);
  });

  it('shifting file 0 instead measures the same offset less the shift (the offset is file k against file 0)', async () => {
    const r = await analyzeCapture([a, b], { timeShifts: [parseSeconds('1.5')!, null] });
    expect(Math.abs(r.source.files![1].clock!.offsetSeconds - (THETA - 1.5))).toBeLessThan(1e-6);
  });

  it('with one direction only, gives the median difference (offset plus the delay) and no delay', async () => {
    const [x, y] = writeTwoHosts(dir, 'one-way', call(), {
      theta: THETA,
      delay: DELAY,
      keep: (m) => m.source?.src.ip === ALICE.ip,
    });
    const c = (await analyzeCapture([x, y])).source.files![1].clock!;
    expect(c.directions).toBe(1);
    expect(c.delaySeconds).toBeNull();
    expect(c.samples).toBe(call().filter((m) => m.source?.src.ip === ALICE.ip).length);
    expect(Math.abs(c.offsetSeconds - (THETA + DELAY))).toBeLessThan(1e-6);
  });

  it('files rotated one after the other have no message in common: clock null, no warning', async () => {
    const frames = flowToFrames(call());
    const half = frames.length >> 1;
    const p0 = join(dir, 'rot-0.pcap');
    const p1 = join(dir, 'rot-1.pcap');
    writeFileSync(p0, writePcap(frames.slice(0, half), { linkType: 1 }));
    writeFileSync(p1, writePcap(frames.slice(half), { linkType: 1 }));
    const r = await analyzeCapture([p0, p1]);
    expect(r.source.files!.map((f) => f.clock)).toEqual([null, null]);
    expect(r.warnings).toEqual([]);
  });

  it('a single file has no clock and no files: read as before', async () => {
    const r = await analyzeCapture(a);
    expect(r.source.files).toBeUndefined();
    expect('clock' in r.source).toBe(false);
    expect('timeShiftSeconds' in r.source).toBe(false);
  });

  it('a single file is shifted too with --time-shift 0=SECONDS', async () => {
    const plain = await analyzeCapture(a);
    const r = await analyzeCapture(a, { timeShifts: [parseSeconds('-10.000001')!] });
    expect(r.source.timeShiftSeconds).toBe(-10.000001);
    expect(Math.abs(r.messages.get(0).ts - (plain.messages.get(0).ts - 10.000001))).toBeLessThan(1e-6);
  });
});

describe('the bounded matcher (ClockOffsets)', () => {
  it('never matches a message its own file saw twice (a retransmission: which copy is which is unknown)', () => {
    const c = new ClockOffsets(2);
    c.note(0, 100, '10.0.0.1:5060', '10.0.0.2:5060', 'INVITE x');
    c.note(0, 100.5, '10.0.0.1:5060', '10.0.0.2:5060', 'INVITE x');
    c.note(1, 101, '10.0.0.1:5060', '10.0.0.2:5060', 'INVITE x');
    expect(c.pair(0, 1)).toBeNull();
  });

  it('needs the same src and dst, not only the same bytes (no NAT between the capture points)', () => {
    const c = new ClockOffsets(2);
    c.note(0, 100, '10.0.0.1:5060', '10.0.0.2:5060', 'OPTIONS y');
    c.note(1, 101, '192.0.2.1:5060', '10.0.0.2:5060', 'OPTIONS y');
    expect(c.pair(0, 1)).toBeNull();
  });

  it('gives the pair either way round with the sign of the one asked', () => {
    const c = new ClockOffsets(3);
    c.note(1, 100, '10.0.0.1:5060', '10.0.0.2:5060', 'A');
    c.note(2, 103, '10.0.0.1:5060', '10.0.0.2:5060', 'A');
    c.note(2, 104, '10.0.0.2:5060', '10.0.0.1:5060', 'B');
    c.note(1, 103, '10.0.0.2:5060', '10.0.0.1:5060', 'B');
    expect(c.pair(1, 2)).toEqual({
      offsetSeconds: 2,
      delaySeconds: 1,
      samples: 2,
      directions: 2,
      // Two messages 3 s apart: too few to tell a drift.
      driftPpm: null,
      driftPpmError: null,
      spanSeconds: 3,
    });
    expect(c.pair(2, 1)?.offsetSeconds).toBe(-2);
    expect(c.againstFirst()).toEqual([null, null, null]);
  });
});

describe.skipIf(!hasTshark)('--time-shift equals editcap -t then mergecap (Wireshark 4)', () => {
  it('the same messages, frames and times as sipscope on mergecap of the editcap-shifted files', async () => {
    const [a, b] = writeTwoHosts(dir, 'editcap', call(), { theta: THETA, delay: DELAY });
    const shifted = join(dir, 'editcap-bob-shifted.pcap');
    const merged = join(dir, 'editcap-merged.pcap');
    execFileSync('editcap', ['-t', '-2.315', b, shifted]);
    execFileSync('mergecap', ['-F', 'pcap', '-w', merged, a, shifted]);
    const ours = await analyzeCapture([a, b], { timeShifts: [null, parseSeconds('-2.315')!] });
    const theirs = await analyzeCapture(merged);
    const strip = (r: AnalysisResult) => ladder(r).map(({ what, frame, ts }) => ({ what, frame, ts }));
    expect(strip(ours)).toEqual(strip(theirs));
    expect(ours.stats).toEqual(theirs.stats);
    expect(ours.calls).toEqual(theirs.calls);
  });
});
