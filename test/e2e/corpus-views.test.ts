/**
 * Optional suite: every capture of ../shared/corpus shown in Chromium. Real
 * captures hold what our fixtures do not (IPv6 columns, 70 dialogs on one TCP
 * connection, WebSocket and SCTP, fuzzed and malformed messages, a file that
 * is not a capture), and each view must cope: the call list, the findings, the
 * statistics, and the ladder of the first call with its last message in the
 * inspector render with no page error, no console error and no failed
 * request. The corrupt capture is listed as failed, with the byte offset.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';
import { chromiumPresent, type Harness, startHarness } from './harness.js';

interface Capture {
  id: string;
  name: string;
  status: string;
  error?: string;
}

describe.skipIf(!chromiumPresent || !corpusPresent)('corpus captures in the web UI', () => {
  let hx: Harness;
  let captures: Capture[];
  const failed: string[] = [];

  beforeAll(async () => {
    const dir = join(CORPUS_DIR, 'pcap');
    const files = readdirSync(dir).map((f) => join(dir, f));
    hx = await startHarness({ samples: files });
    for (;;) {
      captures = await hx.api<Capture[]>('/api/captures');
      if (
        captures.length === files.length &&
        captures.every((c) => c.status === 'ready' || c.status === 'failed')
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const page = hx.page;
    page.on('console', (m) => {
      if (m.type() === 'error') failed.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await hx?.close();
  });

  /** Opens `hash` and waits for every selector; returns what went wrong on the way. */
  async function visit(hash: string, ...selectors: string[]): Promise<string[]> {
    failed.length = 0;
    const errors = hx.events.errors.length;
    await hx.page.goto(`${hx.server.url}/#${hash}`);
    for (const s of selectors) await hx.page.locator(s).first().waitFor({ timeout: 10_000 });
    return [...failed, ...hx.events.errors.slice(errors).map((e) => `page error: ${e}`)];
  }

  it('lists the corrupt capture as failed, naming the byte offset, and every other one as ready', () => {
    const notReady = captures.filter((c) => c.status !== 'ready');
    expect(notReady.map((c) => c.name)).toEqual(['pkts_corrupt-mixed-endian-header.pcap']);
    expect(notReady[0].error).toMatch(/at byte offset \d+/);
  });

  it('shows the call list, findings, statistics and a ladder with its inspector of each capture', async () => {
    const problems: string[] = [];
    let ladders = 0;
    for (const c of captures) {
      if (c.status !== 'ready') continue;
      const base = `/captures/${c.id}`;
      const seen = [
        ...(await visit(base, '.calls-view')),
        ...(await visit(`${base}/findings`, '.findings-view .summary, .findings-view .empty')),
        ...(await visit(`${base}/stats`, '.stats-view .card')),
      ];
      const { calls } = await hx.api<{ calls: Array<{ id: number; messages: number[] }> }>(
        `/api/captures/${c.id}/calls?limit=1`,
      );
      if (calls.length > 0) {
        const call = calls[0];
        const last = call.messages[call.messages.length - 1];
        seen.push(
          ...(await visit(
            `${base}/calls/${call.id}/messages/${last}`,
            '.ladder-view svg',
            '.inspector:not(.loading)',
          )),
        );
        expect(await hx.page.locator('.inspector.error-text').count()).toBe(0);
        ladders++;
      }
      for (const p of seen) problems.push(`${c.name}: ${p}`);
    }
    expect(problems).toEqual([]);
    // Every ready capture has calls but the two negative ones: HTTP on the SIP port, and TLS without keys.
    expect(ladders).toBe(captures.filter((c) => c.status === 'ready').length - 2);
  }, 300_000);
});
