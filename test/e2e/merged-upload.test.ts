/**
 * Several files chosen at once in the web UI, in headless Chromium against
 * the real server: by default one capture merged by time (as Wireshark
 * merges the files dropped on it), listed with the files it was merged from;
 * the breadcrumb says so; the inspector tells a message's file and its frame
 * number there, a file name with markup shown as text. "separate captures"
 * makes a capture of each file. Screenshots: test-output/screenshots/merged-*.png.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CaptureInfo } from '../../web/src/api/types.js';
import { writeTwoHosts } from '../capture/two-hosts.js';
import { basicCall } from '../fixtures/flows/index.js';
import { interleaved } from '../helpers/split-capture.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { chromiumPresent, type Harness, SCREENSHOTS, startOnCaptures } from './harness.js';

const T = 120_000;
/** The second file's name: markup, which must stay text. */
const HOSTILE = '<img src=x onerror=alert(1)>leg-b.pcap';

describe.skipIf(!chromiumPresent)('several files uploaded at once in the web UI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-merged-'));
  /** Two hosts' captures of the same calls: the sample's frames alternating between them. */
  const files = [join(dir, 'leg-a.pcap'), join(dir, HOSTILE)];
  let hx: Harness;

  beforeAll(async () => {
    const legs = interleaved(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
    for (const [k, leg] of legs.entries()) copyFileSync(leg, files[k]);
    hx = await startOnCaptures();
  }, 180_000);
  afterAll(async () => {
    await hx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;

  it(
    'are one capture merged by time by default, listed with its files; the inspector names a message file and frame there',
    async () => {
      expect(await page().locator('[data-merge-mode="merged"]').isChecked()).toBe(true);
      await page().locator('[data-upload]').setInputFiles(files);
      const row = page().locator('tr.capture-row[data-status="ready"]', {
        hasText: 'leg-a.pcap + 1 more file',
      });
      await row.waitFor({ timeout: 60_000 });
      const id = (await row.getAttribute('data-capture-id')) as string;
      const info = await hx.api<CaptureInfo>(`/api/captures/${id}`);
      expect(info.source?.files?.map((f) => f.file)).toEqual(['leg-a.pcap', HOSTILE]);
      expect(info.stats).toMatchObject({ sipMessages: 60, calls: 10 });
      const lines = row.locator('.capture-files > div');
      expect(await lines.allTextContents()).toEqual([
        `file 0: leg-a.pcap: pcap, 30 frames, ${await sizeText(0)}`,
        `file 1: ${HOSTILE}: pcap, 30 frames, ${await sizeText(1)}`,
      ]);
      expect(await page().locator('.capture-files img').count()).toBe(0);
      await page().screenshot({ path: join(SCREENSHOTS, 'merged-list.png') });

      // A call's ladder; a message of the second file in the inspector.
      const detail = await hx.api<CallDetail>(`/api/captures/${id}/calls/0`);
      const m = detail.messages.find((x) => x.file === 1)!;
      await page().goto(`${hx.server.url}/#/captures/${id}/calls/0/messages/${m.id}`);
      const note = page().locator('[data-capture-merged]');
      await note.waitFor();
      expect(await note.textContent()).toBe(`merged by time from 2 files: leg-a.pcap, ${HOSTILE}`);
      const frame = page()
        .locator('.inspector dt', { hasText: /^frame$/ })
        .locator('xpath=following-sibling::dd[1]');
      await frame.waitFor();
      expect(await frame.textContent()).toBe(`${m.frame} (file 1 frame ${m.fileFrame}: ${HOSTILE})`);
      expect(await page().locator('.inspector img, .crumbs img').count()).toBe(0);
      await page().screenshot({ path: join(SCREENSHOTS, 'merged-inspector.png') });
      expect([hx.events.errors, hx.events.dialogs]).toEqual([[], []]);
    },
    T,
  );

  it(
    'are a capture each with separate captures chosen',
    async () => {
      await page().goto(`${hx.server.url}/`);
      await page().locator('[data-merge-mode="separate"]').check();
      const before = (await hx.api<CaptureInfo[]>('/api/captures')).length;
      await page().locator('[data-upload]').setInputFiles(files);
      for (const name of ['leg-a.pcap', HOSTILE])
        await page()
          .locator('tr.capture-row[data-status="ready"] .capture-name', {
            hasText: new RegExp(`^${literal(name)}$`),
          })
          .waitFor({ timeout: 60_000 });
      const list = await hx.api<CaptureInfo[]>('/api/captures');
      expect(list.length).toBe(before + 2);
      expect(list.slice(0, 2).map((c) => [c.stats?.sipMessages, c.source?.files])).toEqual([
        [30, undefined],
        [30, undefined],
      ]);
      await page().screenshot({ path: join(SCREENSHOTS, 'merged-separate.png') });
    },
    T,
  );

  it(
    'two hosts with clocks 2.315 s apart: the warning offers to align the clocks; aligned, the warning goes and the file says its shift',
    async () => {
      const [alice, bob] = writeTwoHosts(dir, 'e2e', basicCall(), { theta: 2.315, delay: 0.0004 });
      await page().goto(`${hx.server.url}/`);
      await page().locator('[data-merge-mode="merged"]').check();
      await page().locator('[data-upload]').setInputFiles([alice, bob]);
      const row = page().locator('tr.capture-row[data-status="ready"]', {
        hasText: 'e2e-alice.pcap + 1 more file',
      });
      await row.waitFor({ timeout: 60_000 });
      const id = (await row.getAttribute('data-capture-id')) as string;
      const warning = page().locator(`[data-warnings-for="${id}"]`);
      await warning.waitFor();
      expect(await warning.textContent()).toContain(
        'clock 2.315 s ahead of e2e-alice.pcap (7 messages seen in both, one-way delay 0.4 ms): answers may show before their requests',
      );
      // The file's own line says its clock as analyze does.
      expect(
        await page()
          .locator(`tr.capture-row[data-capture-id="${id}"] .capture-files > div`)
          .nth(1)
          .textContent(),
      ).toMatch(
        /, \d+(\.\d)? kB; clock 2\.315 s ahead of file 0 \(7 messages seen in both, one-way delay 0\.4 ms\)$/,
      );
      await page().screenshot({ path: join(SCREENSHOTS, 'merged-clock-warning.png') });
      await warning.locator('[data-action="align-clocks"]').click();
      // Analysed again with file 1 moved back: ready, no warning, the shift and the level clock told on its line.
      await page()
        .locator(`tr.capture-row[data-capture-id="${id}"] .capture-files > div`, {
          hasText:
            /^file 1: e2e-bob\.pcap: pcap, 7 frames, .*, times moved by -2\.315 s; clock level with file 0 \(7 messages seen in both, one-way delay 0\.4 ms\)$/,
        })
        .waitFor({ timeout: 60_000 });
      await page().locator(`tr.capture-row[data-capture-id="${id}"][data-status="ready"]`).waitFor();
      expect(await page().locator(`[data-warnings-for="${id}"]`).count()).toBe(0);
      const info = await hx.api<CaptureInfo>(`/api/captures/${id}`);
      expect(info.warnings).toEqual([]);
      await page().screenshot({ path: join(SCREENSHOTS, 'merged-clock-aligned.png') });
      expect([hx.events.errors, hx.events.dialogs]).toEqual([[], []]);
    },
    T,
  );

  /** The size the list shows of file `k` (format.ts bytesText, as the page computes it). */
  async function sizeText(k: number): Promise<string> {
    const info = (await hx.api<CaptureInfo[]>('/api/captures'))[0];
    const bytes = info.source!.files![k].bytes;
    const { bytesText } = await import('../../web/src/format.js');
    return bytesText(bytes);
  }
});

const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
