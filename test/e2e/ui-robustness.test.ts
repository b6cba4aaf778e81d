/**
 * What a reviewer found driving the UI with hostile and awkward input, end
 * to end in headless Chromium against the real server:
 *
 * - wire text and capture names show control characters as `\xNN` and bidi
 *   controls (UAX #9) as `\u202e`, never acting (an RLO turned `evil` into
 *   `live` and listed `\u202egpj.pcap` as `pacp.jpg`);
 * - a 20 kB header is folded in the inspector's Raw and Headers;
 * - a long capture name is cut with an ellipsis, the row's buttons on one line;
 * - an address naming a message of another call opens that call's ladder;
 * - a view of a capture deleted meanwhile says so and offers the way back;
 * - at 420 px the breadcrumb and the call state stay, the inspector does not
 *   cover the ladder.
 *
 * Screenshots go to test-output/screenshots/robust-*.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CallPage } from '../../web/src/api/types.js';
import { visibleText } from '../../web/src/visible.js';
import { CONTROLS_UA, LONG_SUBJECT, type TestCaptures, writeTestCaptures } from './captures.js';
import { chromiumPresent, type Harness, SCREENSHOTS, startHarness } from './harness.js';

const T = 60_000;
const RLO_NAME = '\u202egpj.pcap';
const LONG_NAME = `${'long-capture-name-'.repeat(10)}end.pcap`;

describe.skipIf(!chromiumPresent)('UI with hostile and awkward input', () => {
  let hx: Harness;
  let files: TestCaptures;
  let dir: string;
  const ids: Record<string, string> = {};

  /** Uploads `file` as `name` through the API (as another client would) and waits for its analysis. */
  async function upload(file: string, name: string): Promise<string> {
    const res = await fetch(`${hx.server.url}/api/captures`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-filename': encodeURIComponent(name) },
      body: readFileSync(file),
    });
    const { id } = (await res.json()) as { id: string };
    for (;;) {
      const c = await hx.api<{ status: string }>(`/api/captures/${id}`);
      if (c.status !== 'analyzing') return id;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-robust-'));
    files = writeTestCaptures(dir);
    hx = await startHarness();
    ids.rlo = await upload(files.controls, RLO_NAME);
    ids.long = await upload(files.controls, LONG_NAME);
    ids.mixed = await upload(files.mixed, 'mixed.pcap');
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;
  const shot = (name: string) => page().screenshot({ path: join(SCREENSHOTS, `robust-${name}.png`) });
  /** Whether the page's main text holds a control or bidi character (one that would act). */
  const actingText = async () =>
    page().evaluate(() =>
      [
        ...(document.body.textContent ?? '').matchAll(
          /.{0,20}[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069].{0,20}/g,
        ),
      ].map((m) => m[0]),
    );
  const actingChars = async () =>
    page().evaluate(() =>
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(
        document.body.textContent ?? '',
      ),
    );

  it(
    'lists a capture named with an RLO as sent, and cuts a long name without wrapping its row',
    async () => {
      await page().goto(`${hx.server.url}/`);
      const row = (id: string) => page().locator(`tr.capture-row[data-capture-id="${id}"]`);
      await row(ids.long).waitFor();
      await shot('captures');
      expect(await row(ids.rlo).locator('.capture-name').textContent()).toBe('\\u202egpj.pcap');
      expect(await actingChars()).toBe(false);
      // The long name: cut (its box narrower than its text), whole in its tooltip, the row as high as a short one's.
      const name = row(ids.long).locator('.capture-name');
      expect(await name.getAttribute('title')).toBe(LONG_NAME);
      expect(await name.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
      const height = async (id: string) => (await row(id).boundingBox())?.height ?? 0;
      expect(await height(ids.long)).toBe(await height(ids.mixed));
      // The Delete button on the same line as Calls.
      const top = async (sel: string) => (await row(ids.long).locator(sel).boundingBox())?.y;
      expect(await top('[data-action="delete"]')).toBe(await top('a.button >> nth=0'));
    },
    T,
  );

  it(
    'shows the controls and the RLO of a User-Agent visibly in every view, and folds a 20 kB Subject',
    async () => {
      const call = (await hx.api<CallPage>(`/api/captures/${ids.rlo}/calls`)).calls[0];
      const invite = call.messages[0];
      await page().goto(`${hx.server.url}/#/captures/${ids.rlo}/calls/${call.id}/messages/${invite}`);
      const headers = page().locator('.inspector table.headers');
      await headers.waitFor();
      const shown = visibleText(CONTROLS_UA);
      expect(shown).toBe('UA\\x1b[31mRED\\x07\\x08\\x00\\u202eevil\\u202c');
      expect(await headers.locator('tr', { hasText: 'User-Agent' }).locator('td').textContent()).toBe(shown);
      expect(await page().locator('.inspector [data-raw]').textContent()).toContain(
        `User-Agent: ${shown}\r\n`,
      );
      expect(await page().locator('.call-story').textContent()).toContain(shown);
      expect(await page().locator('svg.ladder .column-head').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('UA\\x1b[31mRED')]),
      );
      expect(await actingText()).toEqual([]);
      await shot('controls-inspector');

      // The Subject: folded in both Raw and Headers, its size said, all of it a click away.
      const subject = headers.locator('tr', { hasText: 'Subject' }).locator('td');
      expect((await subject.textContent())?.length).toBeLessThan(400);
      expect(await subject.textContent()).toMatch(/show all 20.000 bytes/);
      const rawSubject = page().locator('.inspector [data-raw] .seg-header', { hasText: 'Subject:' });
      expect((await rawSubject.textContent())?.length).toBeLessThan(400);
      expect(await rawSubject.textContent()).toMatch(/show all 20.009 bytes/);
      await subject.locator('[data-unfold]').click();
      expect(await subject.textContent()).toBe('S'.repeat(LONG_SUBJECT));
    },
    T,
  );

  it(
    'opens the ladder of its own call for a message of another call named in the address',
    async () => {
      const { calls } = await hx.api<CallPage>(`/api/captures/${ids.mixed}/calls?limit=100`);
      const [a, b] = calls;
      const other = b.messages[1];
      await page().goto(`${hx.server.url}/#/captures/${ids.mixed}/calls/${a.id}/messages/${other}`);
      await page().locator(`.inspector[data-inspected="${other}"]`).waitFor();
      expect(page().url()).toContain(`/calls/${b.id}/messages/${other}`);
      await page().locator(`svg.ladder [data-message-id="${other}"].selected`).waitFor();
      const time = await page().locator('.inspector dd').first().textContent();
      expect(time).not.toContain('+-');
      expect(time).toMatch(/\(\+\d+\.\d{3} s\)$/);
    },
    T,
  );

  it(
    'says a capture was deleted while its ladder was open, with the way back and no control left on it',
    async () => {
      const detail = await hx.api<CallDetail>(`/api/captures/${ids.long}/calls/0`);
      await page().goto(`${hx.server.url}/#/captures/${ids.long}/calls/0/messages/${detail.messages[0].id}`);
      await page().locator('.inspector table.headers').waitFor();
      await fetch(`${hx.server.url}/api/captures/${ids.long}`, { method: 'DELETE' });
      const gone = page().locator(`[data-capture-gone="${ids.long}"]`);
      await gone.waitFor();
      expect(await gone.locator('h2').textContent()).toContain('was deleted');
      await shot('deleted');
      for (const stale of ['svg.ladder', '.inspector', '.tabs a', '[data-search]', '[data-export]'])
        expect(await page().locator(stale).count(), stale).toBe(0);
      // Esc and a reload of a deleted capture's address lead to the same page, not to an empty view.
      await page().goto(`${hx.server.url}/#/captures/${ids.long}`);
      await page().reload();
      await page().locator(`[data-capture-gone="${ids.long}"]`).waitFor();
      expect(await page().locator('[data-search], [data-export]').count()).toBe(0);
      await page().locator('[data-back-to-captures]').click();
      await page().locator(`tr.capture-row[data-capture-id="${ids.mixed}"]`).waitFor();
    },
    T,
  );

  it(
    'keeps the breadcrumb, the call state and the ladder usable in a 420 px window',
    async () => {
      await page().setViewportSize({ width: 420, height: 800 });
      try {
        await page().goto(`${hx.server.url}/#/captures/${ids.mixed}`);
        await page().locator('.call-row[data-call-id]').first().waitFor();
        await shot('narrow-list');
        const crumb = await page().locator('.crumbs a', { hasText: 'mixed.pcap' }).boundingBox();
        expect(crumb?.width).toBeGreaterThan(20);
        for (const col of ['State', 'Duration', 'Findings']) {
          const box = await page().locator('.call-head .head-cell', { hasText: col }).boundingBox();
          expect(box, col).not.toBeNull();
          expect((box?.x ?? 0) + (box?.width ?? 0), col).toBeLessThanOrEqual(420);
        }
        const call = (await hx.api<CallPage>(`/api/captures/${ids.mixed}/calls`)).calls[0];
        await page().goto(
          `${hx.server.url}/#/captures/${ids.mixed}/calls/${call.id}/messages/${call.messages[0]}`,
        );
        await page().locator('.inspector table.headers').waitFor();
        await shot('narrow-inspector');
        const ladder = await page().locator('.ladder-pane').boundingBox();
        const pane = await page().locator('.inspector-pane').boundingBox();
        expect(ladder?.height).toBeGreaterThan(150);
        // The inspector under the ladder, not over it, and its close button in the window.
        expect(pane?.y).toBeGreaterThanOrEqual((ladder?.y ?? 0) + (ladder?.height ?? 0));
        const close = page().locator('.inspector-pane [aria-label="close inspector"]');
        const box = await close.boundingBox();
        expect((box?.y ?? 9999) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
        await close.click();
        await expect.poll(() => page().locator('.inspector-pane .inspector').count()).toBe(0);
      } finally {
        await page().setViewportSize({ width: 1400, height: 860 });
      }
    },
    T,
  );
});
