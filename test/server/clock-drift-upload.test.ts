/**
 * A merged upload of two hosts' captures whose clocks drift apart (the pair
 * of test/fixtures/drifting-clocks.ts: 2.315 s, +41 ppm, 0.4 ms): the API's
 * `source.files[1].clock` gives the drift as `analyze A B --json` does, the
 * row's warnings say it, and aligning (a constant shift, as editcap -t)
 * takes the offset's warning away but not the drift's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { README_CLOCK, writeDriftingPair } from '../fixtures/drifting-clocks.js';
import { spyOutput } from '../helpers/spy-output.js';
import { alignSettled, testServer, uploadMergedSettled } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-drift-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [alice, bob] = writeDriftingPair(dir, 'serve', README_CLOCK);
spyOutput(() => undefined);

describe('a merged upload whose clocks drift', { timeout: 60_000 }, () => {
  it('gives the drift the CLI gives, warns of it, and keeps that warning once aligned', async () => {
    const s = await testServer();
    try {
      const first = await uploadMergedSettled(s, [alice, bob]);
      expect(first.status).toBe('ready');
      const cli = (await analyzeCapture([alice, bob])).source.files![1].clock;
      expect(first.source!.files![1].clock).toEqual(cli);
      expect(first.source!.files![1].clock!.driftPpm).toBe(41);
      const offsetWarning = first.warnings!.find((w) => w.includes('answers may show before'))!;
      expect(offsetWarning).toContain(
        'drifting +41 ppm (± 0.1 ppm at 95 %, 3.72 ms over the 90.7 s its messages span)',
      );
      expect(offsetWarning).toContain('align clocks on its row in the web UI');
      const drift = first.warnings!.filter((w) => w.includes('answers may still show'));
      expect(drift).toHaveLength(1);

      const after = await alignSettled(s, first.id);
      expect(after.source!.files![1].timeShiftSeconds).toBe(-2.31686);
      expect(after.source!.files![1].clock!.driftPpm).toBe(41);
      expect(after.warnings).toEqual(drift);
    } finally {
      await s.dispose();
    }
  });
});
