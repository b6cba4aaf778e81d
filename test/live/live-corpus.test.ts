import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

const dir = join(CORPUS_DIR, 'pcap');
const files = corpusPresent ? readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f)) : [];
// Unreadable on purpose: analyze rejects it; nothing to compare.
const unreadable = new Set(['pkts_corrupt-mixed-endian-header.pcap']);

describe.skipIf(!corpusPresent)('live pipeline on the corpus: what analyze finds, with bounded state', () => {
  it.each(files.filter((f) => !unreadable.has(f)))(
    '%s: the same messages, calls (Call-IDs, state, messages) and findings',
    async (name) => {
      const file = join(dir, name);
      const want = await analyzeCapture(file);
      // Every call parked as soon as capture time moves past its last message: the same answers.
      const live = createLivePipeline({ parkAfter: 0 });
      let messages = 0;
      const calls: string[] = [];
      const findings: string[] = [];
      live.on('message', () => messages++);
      live.on('call', (c) => calls.push(`${c.callIds.join('|')} ${c.state} ${c.messages.join(',')}`));
      live.on('finding', (f) => findings.push(`${f.rule} ${f.messages.join(',')}`));
      for await (const f of openCapture(file)) live.pushFrame(f);
      live.end();
      expect(messages).toBe(want.stats.sipMessages);
      expect(calls.sort()).toEqual(
        want.calls.map((c) => `${c.callIds.join('|')} ${c.state} ${c.messages.join(',')}`).sort(),
      );
      expect(findings.sort()).toEqual(want.findings.map((f) => `${f.rule} ${f.messages.join(',')}`).sort());
    },
    60_000,
  );
});
