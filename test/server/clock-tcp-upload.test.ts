/**
 * A merged upload of two hosts' captures of one SIP-over-TCP call whose
 * clocks are 2.315 s apart: the server measures the offset from the TCP
 * segments both captured (capture/clock-segments.ts), as `analyze A B
 * --json` does (the SQLite store by analyze-to-store.ts, the memory one by
 * analyze-capture.ts), warns of it, and aligning levels the clocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { writeTwoHosts } from '../capture/two-hosts.js';
import { basicCall } from '../fixtures/flows/index.js';
import { spyOutput } from '../helpers/spy-output.js';
import { alignSettled, sqliteTestServer, testServer, uploadMergedSettled } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-tcp-clock-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [alice, bob] = writeTwoHosts(dir, 'serve-tcp', basicCall({ transport: 'tcp' }), {
  theta: 2.315,
  delay: 0.0004,
});
spyOutput(() => undefined);

describe('a merged upload of SIP over TCP from two hosts', { timeout: 60_000 }, () => {
  for (const kind of ['SQLite', 'memory'] as const)
    it(`${kind}: gives the clock the CLI gives from the TCP segments, warns of it, and align levels it`, async () => {
      const s = kind === 'SQLite' ? await sqliteTestServer() : await testServer();
      try {
        const first = await uploadMergedSettled(s, [alice, bob]);
        expect(first.status).toBe('ready');
        const cli = (await analyzeCapture([alice, bob])).source.files![1].clock;
        expect(first.source!.files![1].clock).toEqual(cli);
        expect(first.source!.files![1].clock!.offsetSeconds).toBe(2.315);
        expect(first.warnings!.filter((w) => w.includes('answers may show before'))).toHaveLength(1);

        const after = await alignSettled(s, first.id);
        expect(after.source!.files![1].timeShiftSeconds).toBe(-2.315);
        expect(after.source!.files![1].clock!.offsetSeconds).toBe(0);
        expect(after.warnings).toEqual([]);
      } finally {
        await s.dispose();
      }
    });
});
