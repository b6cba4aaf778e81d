/**
 * Several calls on one ladder (sngrep's call flow of the selected dialogs),
 * in headless Chromium against the real server with the bundled
 * sipp-10-calls.pcap (ten independent calls): two calls marked with their
 * checkbox and a third with Space on the selected row, the marks kept
 * through a re-sort and a filter, "Ladder of 3 calls" opening
 * `…/calls/:first/with/:b,:c`, whose arrows are exactly the three calls'
 * messages (as the API gives them) in time order, each call a leg of its
 * own; the line naming the other calls, its links, the inspector and Esc in
 * that mode, a call the capture does not have left out with a note, a
 * damaged list ignored, and the browser's back button returning to the list
 * with the marks kept; the exports of several calls (pcap and Messages
 * with `?with=`, JSON the merged detail) holding all the calls drawn. Screenshots: test-output/screenshots/multi-call-list.png
 * (the list with marked rows) and multi-call.png (the merged ladder, the
 * README's web/screenshots/multi-call.png).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDetail, CallPage } from '../../web/src/api/types.js';
import { chromiumPresent, type Harness, onlyCaptureId, ROOT, SCREENSHOTS, startHarness } from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('several calls on one ladder', () => {
  let hx: Harness;
  let captureId: string;
  /** The capture's calls by start time, as the list shows them first. */
  let calls: CallPage['calls'];
  /** The three calls marked: list rows 1 and 4 by checkbox, row 6 by Space. */
  let picked: CallDetail[];

  beforeAll(async () => {
    hx = await startHarness({ samples: [join(ROOT, 'samples/sipp-10-calls.pcap')] });
    captureId = await onlyCaptureId(hx);
    ({ calls } = await hx.api<CallPage>(`/api/captures/${captureId}/calls?limit=100&sort=start&order=asc`));
    expect(calls.length).toBe(10);
    picked = await Promise.all(
      [1, 4, 6].map((i) => hx.api<CallDetail>(`/api/captures/${captureId}/calls/${calls[i].id}`)),
    );
    // A tall window: every row of the merged ladder is in the document (rows far from view are culled).
    await hx.page.setViewportSize({ width: 1400, height: 1600 });
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
  });

  const page = () => hx.page;
  const row = (id: number) => page().locator(`.call-row[data-call-id="${id}"]`);
  const box = (id: number) => row(id).locator('input[data-pick]');
  const markedIds = () =>
    page()
      .locator('.call-row.marked[data-call-id]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-call-id'))).sort((a, b) => a - b));
  const pickedIds = () => picked.map((d) => d.call.id).sort((a, b) => a - b);
  /** The drawn arrows' message ids, top to bottom. */
  const arrowsInOrder = () =>
    page()
      .locator('svg.ladder .arrow[data-message-id]')
      .evaluateAll((els) =>
        els
          .map((e) => ({
            id: Number(e.getAttribute('data-message-id')),
            y: Number(/translate\(0,([-\d.]+)\)/.exec(e.getAttribute('transform') ?? '')?.[1]),
          }))
          .sort((a, b) => a.y - b.y)
          .map((a) => a.id),
      );
  /** The three calls' messages, as the API gives them, in time order. */
  const union = (ds: CallDetail[]) =>
    ds
      .flatMap((d) => d.messages)
      .sort((a, b) => a.ts - b.ts || a.id - b.id)
      .map((m) => m.id);
  const main = () => [...picked].sort((a, b) => a.call.start - b.call.start || a.call.id - b.call.id)[0];
  const rest = () =>
    [...picked]
      .sort((a, b) => a.call.start - b.call.start || a.call.id - b.call.id)
      .slice(1)
      .map((d) => d.call.id);

  it(
    'marks two calls by checkbox and one by Space, keeps the marks through a sort and a filter',
    async () => {
      await page().goto(`${hx.server.url}/#/captures/${captureId}`);
      await row(calls[0].id).waitFor();
      const bar = page().locator('.marked-bar');
      expect(await bar.isHidden()).toBe(true);
      await box(picked[0].call.id).click();
      expect(await bar.isVisible()).toBe(true);
      expect(await page().locator('.marked-count').textContent()).toBe('1 marked');
      // One call is not a ladder of several.
      expect(await page().locator('[data-marked-ladder]').isDisabled()).toBe(true);
      // A click on the checkbox marks, and opens nothing.
      expect(page().url()).toMatch(new RegExp(`#/captures/${captureId}$`));
      await box(picked[1].call.id).click();
      expect(await page().locator('[data-marked-ladder]').isEnabled()).toBe(true);
      expect(await page().locator('[data-marked-ladder]').textContent()).toBe('Ladder of 2 calls');
      // Space on the selected row: ↓ to row 6 (the list starts with no row selected), then Space.
      for (let i = 0; i <= 6; i++) await page().keyboard.press('ArrowDown');
      await page().locator(`.call-row.selected[data-call-id="${picked[2].call.id}"]`).waitFor();
      await page().keyboard.press(' ');
      expect(await page().locator('.marked-count').textContent()).toBe('3 marked');
      expect(await page().locator('[data-marked-ladder]').textContent()).toBe('Ladder of 3 calls');
      expect(await markedIds()).toEqual(pickedIds());
      for (const d of picked) expect(await box(d.call.id).isChecked()).toBe(true);
      expect(await page().locator('.call-row:not(.marked) input[data-pick]:checked').count()).toBe(0);
      // Space again unmarks, and once more marks.
      await page().keyboard.press(' ');
      expect(await page().locator('.marked-count').textContent()).toBe('2 marked');
      expect(await box(picked[2].call.id).isChecked()).toBe(false);
      await page().keyboard.press(' ');
      expect(await markedIds()).toEqual(pickedIds());

      // Newest first: the rows move, the marks stay on their calls.
      await page().locator('[data-sort="start"]').click();
      await expect
        .poll(() => page().locator('.call-row[data-index="0"]').getAttribute('data-call-id'))
        .toBe(String(calls[9].id));
      expect(await markedIds()).toEqual(pickedIds());
      for (const d of picked) expect(await box(d.call.id).isChecked()).toBe(true);
      // A filter that hides the calls: none is drawn, the count still says 3; cleared, they are back marked.
      const search = page().locator('[data-search]');
      await search.fill('no-such-call-anywhere');
      await page().locator('.list-message', { hasText: 'No call matches' }).waitFor();
      expect(await page().locator('.marked-count').textContent()).toBe('3 marked');
      await search.fill('');
      await row(calls[0].id).waitFor();
      expect(await markedIds()).toEqual(pickedIds());
      await page().locator('[data-sort="start"]').click();
      await expect
        .poll(() => page().locator('.call-row[data-index="0"]').getAttribute('data-call-id'))
        .toBe(String(calls[0].id));
      await page().setViewportSize({ width: 1400, height: 860 });
      await page().screenshot({ path: join(SCREENSHOTS, 'multi-call-list.png') });
      await page().setViewportSize({ width: 1400, height: 1600 });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    "opens the marked calls' ladder: exactly their messages, in time order, a leg per call",
    async () => {
      await page().locator('[data-marked-ladder]').click();
      await page().waitForURL(
        new RegExp(`#/captures/${captureId}/calls/${main().call.id}/with/${rest().join(',')}$`),
      );
      await page().locator('svg.ladder .arrow[data-message-id]').first().waitFor();
      const expected = union(picked);
      expect(expected.length).toBe(picked.reduce((n, d) => n + d.messages.length, 0));
      expect(await page().locator('svg.ladder .arrow[data-message-id]').count()).toBe(expected.length);
      expect(await arrowsInOrder()).toEqual(expected);
      // sipp's calls follow one another (100 ms apart): three runs of rows, one per call, in start order.
      const byCall = new Map(picked.flatMap((d) => d.messages.map((m) => [m.id, d.call.id] as const)));
      expect([...new Set(expected.map((id) => byCall.get(id)))]).toEqual([main().call.id, ...rest()]);
      expect(expected.filter((id, i) => i > 0 && byCall.get(id) !== byCall.get(expected[i - 1])).length).toBe(
        2,
      );
      // A leg per call, named by the call.
      const legs = await page().locator('.legs .leg').allTextContents();
      expect(legs).toEqual(
        [main(), ...rest().map((id) => picked.find((d) => d.call.id === id) as CallDetail)].map(
          (d, i) => `leg ${i + 1}: ${d.call.callIds[0]} (call ${d.call.id})`,
        ),
      );
      // The summary stays the main call's; the line under it names the others.
      expect(await page().locator('.call-summary h1').textContent()).toContain(`Call ${main().call.id}`);
      const line = page().locator('.with-calls');
      expect(await line.getAttribute('data-with-calls')).toBe(rest().join(','));
      expect(await line.textContent()).toBe(
        `Drawn with ${rest()
          .map((id) => `call ${id}`)
          .join(', ')} (${expected.length} messages in all) · call ${main().call.id} alone`,
      );
      // Calls drawn together as marked: no related-calls switch (sipp's calls have none anyway).
      expect(await page().locator('[data-related-toggle]').count()).toBe(0);
      await page().setViewportSize({ width: 1400, height: 860 });
      await page().screenshot({ path: join(SCREENSHOTS, 'multi-call.png') });
      await page().setViewportSize({ width: 1400, height: 1600 });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'links each other call to its own ladder and back to the call alone; back returns to the list, marks kept',
    async () => {
      const withPath = `/calls/${main().call.id}/with/${rest().join(',')}`;
      const other = picked.find((d) => d.call.id === rest()[0]) as CallDetail;
      await page().locator(`.with-calls a[data-with-call="${other.call.id}"]`).click();
      await page().waitForURL(new RegExp(`#/captures/${captureId}/calls/${other.call.id}$`));
      await expect
        .poll(() => page().locator('.call-summary h1').textContent())
        .toContain(`Call ${other.call.id}`);
      await expect.poll(() => arrowsInOrder()).toEqual(union([other]));
      expect(await page().locator('.with-calls').count()).toBe(0);
      await page().goBack();
      await page().waitForURL(new RegExp(`${withPath}$`));
      await expect.poll(() => arrowsInOrder()).toEqual(union(picked));
      await page().locator('.with-calls a[data-with-alone]').click();
      await page().waitForURL(new RegExp(`#/captures/${captureId}/calls/${main().call.id}$`));
      await expect.poll(() => arrowsInOrder()).toEqual(union([main()]));
      expect(await page().locator('.with-calls').count()).toBe(0);
      await page().goBack();
      await page().waitForURL(new RegExp(`${withPath}$`));
      await page().locator('.with-calls').waitFor();
      // Back once more: the list, the three calls still marked.
      await page().goBack();
      await page().waitForURL(new RegExp(`#/captures/${captureId}$`));
      await row(calls[0].id).waitFor();
      expect(await page().locator('.marked-count').textContent()).toBe('3 marked');
      expect(await markedIds()).toEqual(pickedIds());
      for (const d of picked) expect(await box(d.call.id).isChecked()).toBe(true);
      // Enter with calls marked draws them together, as sngrep's Enter on selected dialogs.
      await page().keyboard.press('Enter');
      await page().waitForURL(new RegExp(`${withPath}$`));
      await page().goBack();
      await row(calls[0].id).waitFor();
      // Clear: nothing marked, the bar gone.
      await page().locator('[data-marked-clear]').click();
      expect(await page().locator('.marked-bar').isHidden()).toBe(true);
      expect(await markedIds()).toEqual([]);
      expect(await page().locator('.call-row input[data-pick]:checked').count()).toBe(0);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    "inspects another call's message in the merged ladder; Esc closes it and keeps the calls",
    async () => {
      const withPath = `/calls/${main().call.id}/with/${rest().join(',')}`;
      const other = picked.find((d) => d.call.id === rest()[1]) as CallDetail;
      const target = other.messages[1].id;
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}${withPath}`);
      await page().locator(`svg.ladder [data-message-id="${target}"]`).waitFor();
      await page().locator(`svg.ladder [data-message-id="${target}"] .label`).click();
      await page().waitForURL(new RegExp(`${withPath}/messages/${target}$`));
      await expect
        .poll(() => page().locator('.inspector').getAttribute('data-inspected'))
        .toBe(String(target));
      expect(await page().locator('.inspector').textContent()).toContain(other.call.callIds[0]);
      // ↓ steps to the next row of the merged ladder, whichever call it belongs to.
      const expected = union(picked);
      await page().keyboard.press('ArrowDown');
      const next = expected[expected.indexOf(target) + 1];
      await page().waitForURL(new RegExp(`${withPath}/messages/${next}$`));
      await page().keyboard.press('Escape');
      await page().waitForURL(new RegExp(`${withPath}$`));
      expect(await page().locator('svg.ladder .arrow[data-message-id]').count()).toBe(expected.length);
      // A deep link to a message of another call, in a fresh page.
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}${withPath}/messages/${target}`);
      await expect
        .poll(() => page().locator('.inspector').getAttribute('data-inspected'))
        .toBe(String(target));
      expect(await arrowsInOrder()).toEqual(expected);
      await page().keyboard.press('Escape');
      await page().waitForURL(new RegExp(`${withPath}$`));
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'leaves out a call the capture does not have, with a note, and ignores a damaged list',
    async () => {
      const [a, b] = [main(), picked.find((d) => d.call.id === rest()[0]) as CallDetail];
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${a.call.id}/with/${b.call.id},9999`);
      await page().locator('.with-calls').waitFor();
      expect(await page().locator('.with-missing').textContent()).toBe(
        ' · left out, not in this capture: call 9999',
      );
      expect(await page().locator('.with-calls a[data-with-call]').allTextContents()).toEqual([
        `call ${b.call.id}`,
      ]);
      await expect.poll(() => arrowsInOrder()).toEqual(union([a, b]));
      // Only calls the capture does not have: the call alone, and the note.
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${a.call.id}/with/9998,9999`);
      await page().locator('.with-missing').waitFor();
      expect(await page().locator('.with-calls').textContent()).toBe(
        `call ${a.call.id} alone · left out, not in this capture: call 9998, call 9999`,
      );
      await expect.poll(() => arrowsInOrder()).toEqual(union([a]));
      // Not a list of ids: the call alone, no line.
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${a.call.id}/with/${b.call.id},x`);
      await page().locator('svg.ladder .arrow[data-message-id]').first().waitFor();
      await expect.poll(() => arrowsInOrder()).toEqual(union([a]));
      expect(await page().locator('.with-calls').count()).toBe(0);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'exports all the calls drawn: pcap and Messages with `?with=`, JSON the merged detail',
    async () => {
      const withPath = `/calls/${main().call.id}/with/${rest().join(',')}`;
      const stem = `call-${main().call.id}-with-${rest().join('-')}`;
      const base = `/api/captures/${captureId}/calls/${main().call.id}`;
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}${withPath}`);
      await page().locator('svg.ladder .arrow[data-message-id]').first().waitFor();
      const pcap = page().locator('[data-export="pcap"]');
      const messages = page().locator('[data-export="messages"]');
      expect(await pcap.getAttribute('href')).toBe(`${base}/pcap?with=${rest().join(',')}`);
      expect(await pcap.getAttribute('download')).toBe(`${stem}.pcap`);
      expect(await messages.getAttribute('href')).toBe(`${base}/messages.txt?with=${rest().join(',')}`);
      expect(await messages.getAttribute('download')).toBe(`${stem}-messages.txt`);
      const save = async (what: string) => {
        const [d] = await Promise.all([
          page().waitForEvent('download'),
          page().locator(`[data-export="${what}"]`).click(),
        ]);
        return { name: d.suggestedFilename(), file: (await d.path()) as string };
      };
      const expected = union(picked);
      // The pcap: the three calls' messages, read back by the analyser.
      const p = await save('pcap');
      expect(p.name).toBe(`${stem}.pcap`);
      const again = await analyzeCapture(p.file);
      expect(again.messages.length).toBe(expected.length);
      expect(again.calls.flatMap((c) => c.callIds).sort()).toEqual(
        picked.flatMap((d) => d.call.callIds).sort(),
      );
      // The JSON: the merged detail drawn, every message of the three calls and their Call-IDs.
      const j = await save('json');
      expect(j.name).toBe(`${stem}.json`);
      const merged = JSON.parse(readFileSync(j.file, 'utf8')) as CallDetail;
      expect(merged.messages.map((m) => m.id)).toEqual([...expected].sort((a, b) => a - b));
      expect([...merged.call.callIds].sort()).toEqual(picked.flatMap((d) => d.call.callIds).sort());
      expect(merged.call.id).toBe(main().call.id);
      // The text: a head per message, in capture order.
      const t = await save('messages');
      expect(t.name).toBe(`${stem}-messages.txt`);
      const heads = readFileSync(t.file, 'utf8')
        .split('\n')
        .flatMap((l) => /^#(\d+) {2}\d{4}-/.exec(l)?.[1] ?? [])
        .map(Number);
      expect(heads).toEqual([...expected].sort((a, b) => a - b));

      // A call the capture does not have is left out of the links too (the server would refuse it).
      const b = rest()[0];
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${main().call.id}/with/${b},9999`);
      await page().locator('.with-missing').waitFor();
      expect(await pcap.getAttribute('href')).toBe(`${base}/pcap?with=${b}`);
      expect(await messages.getAttribute('href')).toBe(`${base}/messages.txt?with=${b}`);

      // One call: the exports as they were.
      await page().goto('about:blank');
      await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${main().call.id}`);
      await page().locator('svg.ladder .arrow[data-message-id]').first().waitFor();
      expect(await pcap.getAttribute('href')).toBe(`${base}/pcap`);
      expect(await pcap.getAttribute('download')).toBe(`call-${main().call.id}.pcap`);
      expect(await messages.getAttribute('href')).toBe(`${base}/messages.txt`);
      expect(await messages.getAttribute('download')).toBe('');
      const one = await save('json');
      expect(one.name).toBe(`call-${main().call.id}.json`);
      expect(JSON.parse(readFileSync(one.file, 'utf8'))).toEqual(main());
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );
});
