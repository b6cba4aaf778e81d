/**
 * `--time-shift` on real captures from the shared corpus (skipped when the
 * corpus or tshark — editcap and mergecap come with it — is absent):
 * sipscope on `A B` with file 1 shifted equals sipscope on what `mergecap`
 * makes of A and `editcap -t` of B, frame numbers and times included, and
 * the clock offset measured between a capture and its shifted copy is the
 * shift (every message is in both files, so both directions give it).
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

/** Two captures and the shift of the second, which puts their frames among each other (the goffinet pair was captured 11 days apart). */
const CASES: Array<[string, string, string]> = [
  ['pkts_sipp-5calls-sll.pcap', 'pkts_sipp-5calls-sll.pcap', '-0.0137'],
  ['goffinet_call-via-proxy.pcap', 'goffinet_prack-call-rtp.pcap', '942545.5'],
];

const dir = corpusPresent ? mkdtempSync(join(tmpdir(), 'sipscope-time-shift-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const messagesOf = (r: AnalysisResult) =>
  Array.from({ length: r.messages.length }, (_, i) => {
    const m = r.messages.get(i);
    return [m.frame, m.ts, m.src, m.dst, m.method ?? m.status, m.callId, m.call];
  });

describe.skipIf(!corpusPresent || !hasTshark)(
  '--time-shift on corpus captures equals editcap -t then mergecap',
  () => {
    for (const [a, b, shift] of CASES) {
      it(`${a} + ${b} shifted by ${shift} s`, async () => {
        const files = [join(CORPUS_DIR, 'pcap', a), join(CORPUS_DIR, 'pcap', b)];
        const shifted = join(dir, `${b}.shifted.pcapng`);
        const out = join(dir, `${a}+${b}.pcapng`);
        execFileSync('editcap', ['-t', shift, files[1], shifted]);
        execFileSync('mergecap', ['-w', out, files[0], shifted]);
        const ours = await analyzeCapture(files, { timeShifts: [null, parseSeconds(shift)!] });
        const theirs = await analyzeCapture(out);
        expect(ours.stats.sipMessages).toBeGreaterThan(0);
        expect(ours.stats).toEqual(theirs.stats);
        expect(messagesOf(ours)).toEqual(messagesOf(theirs));
        expect(ours.calls).toEqual(theirs.calls);
      });
    }

    it('a capture and its copy shifted by 0.0137 s: the offset measured is 0.0137 s, the delay 0, both ways', async () => {
      const file = join(CORPUS_DIR, 'pcap', 'pkts_sipp-5calls-sll.pcap');
      const r = await analyzeCapture([file, file], { timeShifts: [null, parseSeconds('0.0137')!] });
      const c = r.source.files![1].clock!;
      expect(c.offsetSeconds).toBe(0.0137);
      expect(c.delaySeconds).toBe(0);
      expect(c.directions).toBe(2);
      expect(c.samples).toBe(r.stats.sipMessages / 2);
    });
  },
);
