/**
 * Clock drift measured on real captures from the shared corpus (skipped when
 * it is absent): each capture merged with its copy as a second capture
 * point beside it would have written it with a clock 0.5 s ahead and
 * drifting (test/fixtures/drifting-clocks.ts, no delay between the two
 * points). A message retransmitted in a capture is in it twice and never
 * matched, so the fit reads the messages each file has once: the drift
 * must be the one applied and the offset the one at the middle of their span.
 */
import '../helpers/corpus.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { tsSeconds } from '../../src/capture/frame.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { writeDriftingPair } from '../fixtures/drifting-clocks.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

/** Captures of a minute or more with SIP both ways, and the drift given their copy. */
const CASES: Array<[string, number]> = [
  // 81 SIP messages over 26 minutes, UDP, retransmissions and heavy non-SIP noise.
  ['sngrep_aaa-wireshark-sample-auth-cancel.pcap', -23],
  // 92 SIP messages over 109 s: a call with a T.38 re-INVITE.
  ['heplify_fax-t38-reinvite-megaco.pcap', 57],
];
const THETA = 0.5;
const PPM_TOLERANCE = 0.5;

const dir = corpusPresent ? mkdtempSync(join(tmpdir(), 'sipscope-corpus-drift-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!corpusPresent)('clock drift of a corpus capture and its drifting copy', () => {
  for (const [file, ppm] of CASES) {
    it(`${file} and its copy at ${ppm} ppm: the drift within ${PPM_TOLERANCE} ppm, the offset at the middle of the span`, async () => {
      const [a, b] = writeDriftingPair(
        dir,
        file,
        { theta: THETA, ppm, delay: 0, fromAlice: () => true },
        join(CORPUS_DIR, 'pcap', file),
        1,
      );
      const r = await analyzeCapture([a, b]);
      const c = r.source.files![1].clock!;
      expect(c.samples).toBeGreaterThanOrEqual(20);
      expect(c.spanSeconds).toBeGreaterThan(60);
      expect(Math.abs(c.driftPpm! - ppm)).toBeLessThan(PPM_TOLERANCE);
      // The copy's clock is THETA ahead at file 0's first frame; the span starts at the first message
      // matched, taken here as file 0's first that is no retransmission (within a few seconds of it).
      const t0 = tsSeconds(parseCaptureBytes(readFileSync(a), a).frames[0]);
      const messages = Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i));
      const first = messages.find((m) => m.file === 0 && !m.retransmission)!.ts;
      const mid = first - t0 + c.spanSeconds / 2;
      expect(Math.abs(c.offsetSeconds - (THETA + ppm * 1e-6 * mid))).toBeLessThan(1e-4);
    });
  }

  it('isa_register-retrans-unanswered-invites.pcap: 63 requests over 615 s, nearly all retransmissions (never matched): too few to tell a drift, the offset given', async () => {
    const file = 'isa_register-retrans-unanswered-invites.pcap';
    const [a, b] = writeDriftingPair(
      dir,
      file,
      { theta: THETA, ppm: 40, delay: 0, fromAlice: () => true },
      join(CORPUS_DIR, 'pcap', file),
      1,
    );
    const c = (await analyzeCapture([a, b])).source.files![1].clock!;
    // A copy matches only if it comes before its file's retransmission of it: 4 to 7 here, by the clocks.
    expect(c.samples).toBeLessThan(20);
    expect(c.directions).toBe(1);
    expect(c.driftPpm).toBeNull();
    // 40 ppm over the 615 s moves it 25 ms: the median of the few is within that of THETA.
    expect(Math.abs(c.offsetSeconds - THETA)).toBeLessThan(0.025);
  });
});
