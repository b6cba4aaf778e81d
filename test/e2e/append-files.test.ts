/**
 * Files added to a capture already uploaded, in the web UI (headless
 * Chromium against the real server; server/API.md `POST …/files`): the
 * capture row's "add files…" sends them, the capture keeps its id and is
 * analysed again merged with them, its new calls listed; a file that is not a
 * capture is refused with the server's sentence on the upload row, a file
 * name with markup shown as text. Screenshots:
 * test-output/screenshots/append-*.png.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../web/src/api/types.js';
import { rotated } from '../helpers/split-capture.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import {
  chromiumPresent,
  type Harness,
  SCREENSHOTS,
  startOnCaptures,
  uploadThroughPicker,
} from './harness.js';

const T = 120_000;
/** The last file added: a name with markup, which must stay text. */
const HOSTILE = '<img src=x onerror=alert(1)>trace_2.pcap';

describe.skipIf(!chromiumPresent)('files added to a capture in the web UI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-append-'));
  /** A tcpdump capture rotated in three: its calls spread over the three files, in order. */
  const files = [join(dir, 'trace_0.pcap'), join(dir, 'trace_1.pcap'), join(dir, HOSTILE)];
  const notes = join(dir, '<i>notes.txt');
  for (const [k, piece] of rotated(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 3).entries())
    renameSync(piece, files[k]);
  writeFileSync(notes, 'INVITE sip:bob@example.com SIP/2.0\r\n');
  let hx: Harness;
  beforeAll(async () => {
    hx = await startOnCaptures();
  }, 180_000);
  afterAll(() => hx?.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const page = () => hx.page;

  /** Chooses `chosen` through the row's "add files…" button, as a user picks them in the file dialog. */
  async function addThroughButton(id: string, chosen: string[]): Promise<void> {
    const chooser = page().waitForEvent('filechooser');
    await page().locator(`tr.capture-row[data-capture-id="${id}"] [data-action="add-files"]`).click();
    await (await chooser).setFiles(chosen);
  }

  it(
    'adds the next rotated files to the capture: the same id, analysed again, its calls listed',
    async () => {
      const id = await uploadThroughPicker(page(), files[0], 'trace_0.pcap');
      const first = await hx.api<CaptureInfo>(`/api/captures/${id}`);
      expect(first.stats?.calls).toBeLessThan(10);
      await page().screenshot({ path: join(SCREENSHOTS, 'append-before.png') });

      await addThroughButton(id, [files[1]]);
      const added = (more: string) =>
        page().locator(`tr.capture-row[data-capture-id="${id}"][data-status="ready"]`, {
          hasText: `trace_0.pcap + ${more}`,
        });
      await added('1 more file').waitFor({ timeout: 60_000 });
      const second = await hx.api<CaptureInfo>(`/api/captures/${id}`);
      expect(second.stats?.calls).toBeGreaterThan(first.stats?.calls ?? 0);
      expect(second.source?.files?.map((f) => f.file)).toEqual(['trace_0.pcap', 'trace_1.pcap']);
      // The README's web/screenshots/append-files.png.
      await page().screenshot({ path: join(SCREENSHOTS, 'append-added.png') });

      await addThroughButton(id, [files[2]]);
      const row = added('2 more files');
      await row.waitFor({ timeout: 60_000 });
      const info = await hx.api<CaptureInfo>(`/api/captures/${id}`);
      expect(info.stats).toMatchObject({ sipMessages: 60, calls: 10 });
      expect(info.source?.files?.map((f) => f.file)).toEqual(['trace_0.pcap', 'trace_1.pcap', HOSTILE]);
      const lines = await row.locator('.capture-files > div').allTextContents();
      expect(lines[2].startsWith(`file 2: ${HOSTILE}: pcap, `)).toBe(true);
      expect(await page().locator('.capture-list img').count()).toBe(0);
      expect((await hx.api<CaptureInfo[]>('/api/captures')).map((c) => c.id)).toEqual([id]);
      await page().screenshot({ path: join(SCREENSHOTS, 'append-hostile-name.png') });

      // Its calls: all ten now, on the calls page of the same capture.
      await row.locator('a.capture-name').click();
      await page().locator('[data-call-id]').nth(9).waitFor({ timeout: 30_000 });
      expect(await page().locator('[data-call-id]').count()).toBe(10);
      expect([hx.events.errors, hx.events.dialogs]).toEqual([[], []]);
    },
    T,
  );

  it(
    'shows the refusal of a file that is not a capture on its upload row, as text, the capture unchanged',
    async () => {
      await page().goto(`${hx.server.url}/`);
      const [before] = await hx.api<CaptureInfo[]>('/api/captures');
      await page().locator(`tr.capture-row[data-capture-id="${before.id}"]`).waitFor();
      await addThroughButton(before.id, [notes]);
      const upload = page().locator('li.upload.failed');
      await upload.waitFor({ timeout: 30_000 });
      expect(await upload.locator('.upload-name').textContent()).toBe(
        '<i>notes.txt → trace_0.pcap + 2 more files',
      );
      expect(await upload.locator('.error-text').textContent()).toMatch(
        /^<i>notes\.txt: not a pcap or pcapng capture \(magic 0x[0-9a-f]+\) at byte offset 0$/,
      );
      expect(await page().locator('.uploads i').count()).toBe(0);
      expect(await hx.api<CaptureInfo>(`/api/captures/${before.id}`)).toEqual(before);
      await page().screenshot({ path: join(SCREENSHOTS, 'append-refused.png') });
      expect([hx.events.errors, hx.events.dialogs]).toEqual([[], []]);
    },
    T,
  );

  it(
    'offers no add files on a bundled sample, which the server reads in place (it would answer 409)',
    async () => {
      const hs = await startOnCaptures({ samples: [join(SAMPLES_DIR, 'basic-call.pcap')] });
      try {
        const row = hs.page.locator('tr.capture-row[data-status="ready"]');
        await row.waitFor({ timeout: 60_000 });
        const [sample] = await hs.api<CaptureInfo[]>('/api/captures');
        expect(sample.readInPlace).toBe(true);
        expect(await row.locator('[data-action="add-files"]').count()).toBe(0);
        expect([hs.events.errors, hs.events.dialogs]).toEqual([[], []]);
      } finally {
        await hs.close();
      }
    },
    T,
  );
});
