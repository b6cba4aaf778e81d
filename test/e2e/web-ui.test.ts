/**
 * The web UI end to end in headless Chromium against the real server:
 * upload through the page (file picker and drop), wait for the analysis,
 * browse and filter the calls, open a ladder and its inspector, follow deep
 * links, use the keyboard, download the call's pcap and decode it again,
 * export SVG/PNG/JSON, see a failed upload's error and a cut-short one's
 * warning, and show a hostile
 * capture's markup as text without running any of it. Screenshots of the
 * call list and a ladder go to test-output/screenshots/.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDetail, CallPage, CallRow, MessageDetail } from '../../web/src/api/types.js';
import {
  IMG_PAYLOAD,
  SCRIPT_PAYLOAD,
  SVG_PAYLOAD,
  type TestCaptures,
  writeTestCaptures,
} from './captures.js';
import {
  chromiumPresent,
  type Harness,
  ROOT,
  SCREENSHOTS,
  startHarness,
  uploadThroughDrop,
  uploadThroughPicker,
} from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('web UI in Chromium', () => {
  let hx: Harness;
  let files: TestCaptures;
  let dir: string;
  let mixedId: string;
  let calls: CallRow[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-e2e-files-'));
    files = writeTestCaptures(dir);
    hx = await startHarness();
    await hx.page.goto(`${hx.server.url}/`);
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;
  const arrows = () => page().locator('svg.ladder [data-message-id]');
  const rows = () => page().locator('.call-row[data-call-id]');

  it(
    'uploads a capture through the file picker and lists it ready with its stats',
    async () => {
      mixedId = await uploadThroughPicker(page(), files.mixed, 'mixed.pcap');
      const info = await hx.api<{
        stats: { calls: number; findings: number; findingsBySeverity: Record<string, number> };
      }>(`/api/captures/${mixedId}`);
      const row = page().locator(`tr[data-capture-id="${mixedId}"]`);
      expect(await row.locator('td').nth(5).textContent()).toBe(String(info.stats.calls));
      // The findings count takes the colour of the worst severity among them (warnings only here).
      const by = info.stats.findingsBySeverity;
      expect([by.error, by.warning > 0, by.error + by.warning + by.info]).toEqual([
        0,
        true,
        info.stats.findings,
      ]);
      expect(await row.locator('td').nth(6).getAttribute('class')).toBe('num sev-warning');
      // The list fits a 1,000-pixel-wide window: long names wrap, the buttons stay in the page.
      const narrow = await hx.context.newPage();
      await narrow.setViewportSize({ width: 1000, height: 600 });
      await narrow.goto(`${hx.server.url}/#/`);
      const list = narrow.locator('table.capture-list');
      await list.locator(`tr[data-capture-id="${mixedId}"]`).waitFor();
      const fits = await list.evaluate(
        (t) => t.getBoundingClientRect().right <= document.documentElement.clientWidth,
      );
      expect(fits).toBe(true);
      await narrow.close();
      calls = (await hx.api<CallPage>(`/api/captures/${mixedId}/calls?limit=1000`)).calls;
      expect(calls.length).toBe(info.stats.calls);
    },
    T,
  );

  it(
    'takes a gzip-compressed capture through the picker (the picker offers .gz) and lists it as the plain one',
    async () => {
      expect(await page().locator('[data-upload]').getAttribute('accept')).toMatch(/(^|,)\.gz(,|$)/);
      const gz = join(dir, 'mixed.pcap.gz');
      writeFileSync(gz, gzipSync(readFileSync(files.mixed)));
      const id = await uploadThroughPicker(page(), gz, 'mixed.pcap.gz');
      const got = await hx.api<{ stats: object }>(`/api/captures/${id}`);
      const want = await hx.api<{ stats: object }>(`/api/captures/${mixedId}`);
      expect(got.stats).toEqual(want.stats);
    },
    T,
  );

  it(
    'shows the error of a file that is not a capture, and deletes it',
    async () => {
      const id = await uploadThroughPicker(page(), files.notCapture, 'notes.txt', 'failed');
      const info = await hx.api<{ error: string }>(`/api/captures/${id}`);
      const error = page().locator(`[data-error-for="${id}"]`);
      await error.waitFor();
      expect(await error.textContent()).toBe(info.error);
      expect(info.error).toMatch(/not a pcap or pcapng/);
      // Delete asks once more, then the capture is gone from the page and the API.
      const del = page().locator(`tr[data-capture-id="${id}"] [data-action="delete"]`);
      await del.click();
      await expect.poll(() => del.textContent()).toBe('Really delete?');
      await del.click();
      await page().locator(`tr[data-capture-id="${id}"]`).waitFor({ state: 'detached' });
      expect((await fetch(`${hx.server.url}/api/captures/${id}`)).status).toBe(404);
    },
    T,
  );

  it(
    'analyses a failed capture again from its row (Analyse again): same id, the error row gone, ready',
    async () => {
      const retry = join(dir, 'retry.pcap');
      copyFileSync(files.notCapture, retry);
      const id = await uploadThroughPicker(page(), retry, 'retry.pcap', 'failed');
      await page().locator(`[data-error-for="${id}"]`).waitFor();
      // The file in the data directory is made readable, as if the analysis had failed for a bug since fixed.
      const rec = await hx.server.server.service.store.getCapture(id);
      copyFileSync(join(ROOT, 'samples/basic-call.pcap'), rec!.path);
      await page().locator(`tr[data-capture-id="${id}"] [data-action="reanalyze"]`).click();
      await page().locator(`tr[data-capture-id="${id}"][data-status="ready"]`).waitFor();
      expect(await page().locator(`[data-error-for="${id}"]`).count()).toBe(0);
      const info = await hx.api<{ status: string; stats: { calls: number } }>(`/api/captures/${id}`);
      expect([info.status, info.stats.calls]).toEqual(['ready', 1]);
      expect((await fetch(`${hx.server.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
    },
    T,
  );

  it(
    'says which captures an older sipscope analysed, and ↻ brings them up to date',
    async () => {
      const old = join(dir, 'old.pcap');
      copyFileSync(join(ROOT, 'samples/basic-call.pcap'), old);
      const id = await uploadThroughPicker(page(), old, 'old.pcap');
      const row = page().locator(`tr[data-capture-id="${id}"]`);
      expect(await row.locator('[data-stale]').count()).toBe(0);
      // What an upgrade looks like to the server: its code newer than the analysis.
      const service = hx.server.server.service;
      const code = service.codeTime;
      service.codeTime = Date.now() + 1;
      try {
        await new Promise((r) => setTimeout(r, 5));
        await page().reload();
        const note = row.locator('[data-stale]');
        await note.waitFor();
        expect(await note.textContent()).toBe('older analysis');
        const again = row.locator('[data-action="reanalyze"]');
        expect(await again.getAttribute('class')).toContain('suggested');
        await again.click();
        await page().locator(`tr[data-capture-id="${id}"][data-status="ready"]`).waitFor();
        await expect.poll(() => row.locator('[data-stale]').count()).toBe(0);
      } finally {
        service.codeTime = code;
      }
      expect((await fetch(`${hx.server.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
    },
    T,
  );

  it(
    'shows the warning of a capture whose last record is cut short under its row, as text',
    async () => {
      const whole = readFileSync(join(ROOT, 'samples/basic-call.pcap'));
      const cut = join(dir, 'cut-short.pcap');
      writeFileSync(cut, whole.subarray(0, whole.length - 10));
      const id = await uploadThroughPicker(page(), cut, 'cut-short.pcap');
      const info = await hx.api<{ warnings: string[] }>(`/api/captures/${id}`);
      expect(info.warnings).toHaveLength(1);
      expect(info.warnings[0]).toMatch(/cut-short\.pcap: .* at byte offset \d+/);
      const warning = page().locator(`[data-warnings-for="${id}"] .warning-text`);
      await warning.waitFor();
      expect(await warning.allTextContents()).toEqual(info.warnings);
      expect((await fetch(`${hx.server.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
    },
    T,
  );

  it(
    'lists every call of the capture, one row each with data-call-id',
    async () => {
      await page().locator(`tr[data-capture-id="${mixedId}"] a.capture-name`).click();
      await rows().first().waitFor();
      await expect.poll(() => rows().count()).toBe(calls.length);
      const ids = await rows().evaluateAll((els) =>
        els.map((e) => Number((e as HTMLElement).dataset.callId)),
      );
      expect(ids.sort((a, b) => a - b)).toEqual(calls.map((c) => c.id).sort((a, b) => a - b));
      // A failed attempt shows the code that ended it; an answered call only its state.
      const cancelled = calls.find((c) => c.state === 'cancelled')!;
      const answered = calls.find((c) => c.state === 'completed' && !c.related?.length)!;
      const stateOf = (id: number) =>
        page().locator(`.call-row[data-call-id="${id}"] .c-state`).textContent();
      expect(await stateOf(cancelled.id)).toBe(`cancelled ${cancelled.finalStatus}`);
      expect(cancelled.finalStatus).toBe(487);
      expect(await stateOf(answered.id)).toBe('completed');
      await page().screenshot({ path: join(SCREENSHOTS, 'calls.png') });
    },
    T,
  );

  it(
    'filters the call list through the API: text, hide OPTIONS/REGISTER, has findings, sort',
    async () => {
      const total = async (q: string) =>
        (await hx.api<CallPage>(`/api/captures/${mixedId}/calls?${q}`)).total;
      const count = () => page().locator('.count').getAttribute('data-total');

      await page().locator('[data-search]').fill('lostack');
      await expect.poll(count).toBe(String(await total('q=lostack')));
      await expect.poll(() => rows().count()).toBe(1);
      await page().locator('[data-search]').fill('');
      await expect.poll(() => rows().count()).toBe(calls.length);

      await page().locator('[data-filter="hide-options-register"]').click();
      const visible = await total('kind=!options,!registration');
      expect(visible).toBeLessThan(calls.length);
      await expect.poll(() => rows().count()).toBe(visible);
      const kinds = await rows().evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
      expect(kinds).not.toContain('options');
      expect(kinds).not.toContain('registration');
      await page().locator('[data-filter="hide-options-register"]').click();

      await page().locator('select[data-filter="hasFindings"]').selectOption('yes');
      const flagged = await total('hasFindings=true');
      await expect.poll(() => rows().count()).toBe(flagged);
      // Save pcap: the frames of just the calls listed (sngrep's save of the filtered dialogs).
      const save = page().locator('[data-export="calls-pcap"]');
      expect(await save.getAttribute('href')).toContain('hasFindings=true');
      const [download] = await Promise.all([page().waitForEvent('download'), save.click()]);
      const saved = join(dir, 'flagged-calls.pcapng');
      await download.saveAs(saved);
      const again = await analyzeCapture(saved);
      expect(again.calls.length).toBe(flagged);
      expect(again.messages.length).toBe(
        calls.filter((c) => (c.findingCount ?? 0) > 0).reduce((n, c) => n + c.messages.length, 0),
      );
      await page().locator('select[data-filter="hasFindings"]').selectOption('any');

      await page().locator('[data-sort="messages"]').click();
      await page().locator('[data-sort="messages"]').click();
      await expect
        .poll(() => page().locator('[data-sort="messages"]').getAttribute('aria-sort'))
        .toBe('descending');
      const biggest = [...calls].sort((a, b) => b.messages.length - a.messages.length)[0];
      await expect
        .poll(() => rows().first().locator('.cell').nth(7).textContent())
        .toBe(String(biggest.messages.length));
      // Save CSV: every listed call in the list's order (here the most messages first), one line each.
      const csv = page().locator('[data-export="calls-csv"]');
      expect(await csv.getAttribute('href')).toContain('sort=messages');
      const [got] = await Promise.all([page().waitForEvent('download'), csv.click()]);
      expect(got.suggestedFilename()).toBe(`${mixedId}-calls.csv`);
      const lines = readFileSync((await got.path())!, 'utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      expect(lines[0].split(',').slice(0, 3)).toEqual(['id', 'start', 'end']);
      const csvIds = lines.slice(1, -1).map((l) => Number(l.split(',')[0]));
      expect(csvIds).toHaveLength(calls.length);
      const shown = await rows().evaluateAll((els) =>
        els.map((e) => Number((e as HTMLElement).dataset.callId)),
      );
      expect(csvIds.slice(0, shown.length)).toEqual(shown);
    },
    T,
  );

  it(
    'opens a call: one arrow per message, one marker per finding on its messages',
    async () => {
      // The RFC 2543 call: a retransmitted INVITE, and a warning on each request (no branch).
      const call = calls.find((c) => c.callIds.some((id) => id.startsWith('old-')))!;
      await page().locator(`.call-row[data-call-id="${call.id}"]`).click();
      await arrows().first().waitFor();
      const detail = await hx.api<CallDetail>(`/api/captures/${mixedId}/calls/${call.id}`);
      expect(await arrows().count()).toBe(call.messages.length);
      expect(await arrows().count()).toBe(detail.messages.length);
      const drawn = await arrows().evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute('data-message-id'))),
      );
      expect(drawn.sort((a, b) => a - b)).toEqual([...call.messages].sort((a, b) => a - b));
      expect(await page().locator('svg.ladder .arrow.retrans').count()).toBe(
        detail.messages.filter((m) => m.retransmission).length,
      );
      const markers = detail.findings.reduce((n, f) => n + f.messages.length, 0);
      expect(await page().locator('svg.ladder [data-rule]').count()).toBe(markers);
      expect(markers).toBeGreaterThan(0);
      // The findings count takes the colour of the call's worst finding, as in the call list
      // (it was the warning colour for any finding, errors included).
      expect(call.worstSeverity).toBe('warning');
      const chip = page()
        .locator('.call-summary .fact')
        .filter({ hasText: /^findings / });
      expect(await chip.getAttribute('class')).toBe(`fact sev-${call.worstSeverity}`);
      // What happened: folded to how the call ended, the whole story once opened.
      const story = page().locator('.call-story');
      expect(await story.getAttribute('open')).toBeNull();
      expect(await story.locator('.story-preview').textContent()).toMatch(
        /^It was answered after 2\.00 s \(200 OK from 10\.0\.0\.2:5060\) and confirmed by ACK; the caller hung up after 4\.99 s/,
      );
      await story.locator('summary').click();
      expect(await story.locator('p').textContent()).toContain(
        'sipscope found 4 findings (4 warnings): via.branch-no-cookie.',
      );
      // The SDP offer and answer, read from the rows' SDP (RFC 3264 §6), as the CLI tells them.
      expect(await story.locator('p').textContent()).toContain(
        '(BYE). The caller offered audio PCMU/8000, PCMA/8000 at 10.0.0.1:49170; the callee answered PCMU/8000, PCMA/8000 at 10.0.0.2:3456 (RFC 3264 §6).',
      );
      await story.locator('summary').click();
      expect(await story.getAttribute('open')).toBeNull();
      // Hovering the INVITE lights its transaction (bold) and its dialog.
      const invite = detail.messages.find((m) => m.method === 'INVITE')!;
      await page().locator(`svg.ladder [data-message-id="${invite.id}"] .label`).hover();
      const lit = (cls: string) =>
        page()
          .locator(`svg.ladder .arrow.${cls}`)
          .evaluateAll((els) =>
            els.map((e) => Number(e.getAttribute('data-message-id'))).sort((a, b) => a - b),
          );
      const tx = detail.transactions.find((t) => t.id === invite.transaction)!;
      await expect.poll(() => lit('hl-tx')).toEqual([...tx.messages].sort((a, b) => a - b));
      const dialog = detail.dialogs.find((d) => d.id === invite.dialog)!;
      expect(await lit('hl-dialog')).toEqual([...dialog.messages].sort((a, b) => a - b));
      await page().mouse.move(5, 5);
      await expect.poll(() => lit('hl-tx')).toEqual([]);
      await page().screenshot({ path: join(SCREENSHOTS, 'ladder.png') });
    },
    T,
  );

  it(
    'opens the inspector on a click: the raw message, its headers and the findings with the RFC sentence',
    async () => {
      const url = page().url();
      const callId = Number(/calls\/(\d+)/.exec(url)![1]);
      const detail = await hx.api<CallDetail>(`/api/captures/${mixedId}/calls/${callId}`);
      const flagged = detail.findings[0].messages[0];
      await page().locator(`svg.ladder [data-message-id="${flagged}"] .label`).click();
      const raw = page().locator('.inspector [data-raw]');
      await raw.waitFor();
      const msg = await hx.api<MessageDetail>(`/api/captures/${mixedId}/messages/${flagged}`);
      expect(await raw.textContent()).toBe(msg.raw);
      expect(page().url()).toContain(`/calls/${callId}/messages/${flagged}`);
      // What the message is, with the RFC section that defines it (for the INVITE: RFC 3261 §13).
      const guide = page().locator('.inspector .message-guide');
      expect(await guide.getAttribute('data-guide')).toMatch(
        msg.method === 'INVITE' ? /^RFC 3261 §13$/ : /^RFC \d+/,
      );
      expect(await page().locator('.inspector table.headers tr').count()).toBe(msg.headers.length);
      const rules = await hx.api<Array<{ id: string; rfc: { text: string } }>>('/api/rules');
      const rule = rules.find((r) => r.id === msg.findings[0].rule)!;
      const shown = page().locator(`.inspector [data-finding-rule="${rule.id}"] .rfc-text`).first();
      expect(await shown.textContent()).toBe(rule.rfc.text);
      // Hovering a header in the raw text lights the same header in the parsed table.
      await page().locator('.inspector .raw [data-header="0"]').hover();
      await expect
        .poll(() => page().locator('.inspector table.headers tr.lit').getAttribute('data-header'))
        .toBe('0');
      await page().screenshot({ path: join(SCREENSHOTS, 'inspector.png') });
    },
    T,
  );

  it(
    'follows a deep link straight to a message of a call',
    async () => {
      const call = calls.find((c) => c.links.length > 0)!;
      const target = call.messages[call.messages.length - 1];
      const fresh = await hx.context.newPage();
      // Short enough that the last row starts below the ladder pane's fold.
      await fresh.setViewportSize({ width: 1280, height: 600 });
      await fresh.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}/messages/${target}`);
      await fresh.locator(`.inspector[data-inspected="${target}"] [data-raw]`).waitFor();
      expect(await fresh.locator('svg.ladder [data-message-id]').count()).toBe(call.messages.length);
      expect(await fresh.locator(`svg.ladder [data-message-id="${target}"]`).getAttribute('class')).toContain(
        'selected',
      );
      // Scrolled into view: the last row is below the fold of a ladder pane this size.
      const inView = async () => {
        const box = (await fresh.locator('svg.ladder').boundingBox())!;
        const row = (await fresh.locator(`svg.ladder [data-message-id="${target}"] .label`).boundingBox())!;
        return row.y >= box.y && row.y + row.height <= box.y + box.height;
      };
      await expect.poll(inView).toBe(true);
      // The linked legs are named with the evidence that linked them.
      expect(await fresh.locator('.legend .legs').textContent()).toContain(
        `linked by ${call.links[0].evidence}`,
      );
      // Both legs, the INVITE in the inspector: the README's ladder picture.
      await fresh.setViewportSize({ width: 1680, height: 940 });
      const first = call.messages[0];
      await fresh.locator(`svg.ladder [data-message-id="${first}"] .label`).click();
      await fresh.locator(`.inspector[data-inspected="${first}"] [data-raw]`).waitFor();
      await fresh.screenshot({ path: join(SCREENSHOTS, 'multi-leg.png') });
      await fresh.close();
    },
    T,
  );

  it(
    'shows a transfer in the call list and links the related calls both ways (RFC 3515, RFC 3891)',
    async () => {
      const from = calls.find((c) => c.related?.some((r) => r.relation === 'transferred-to'))!;
      const rel = from.related![0];
      const fresh = await hx.context.newPage();
      await fresh.goto(`${hx.server.url}/#/captures/${mixedId}`);
      const state = fresh.locator(`.call-row[data-call-id="${from.id}"] .c-state`);
      await state.waitFor();
      expect(await state.textContent()).toBe(`${from.state} · transferred`);
      expect(await state.getAttribute('title')).toContain(`transferred to call ${rel.call}`);
      await fresh.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${from.id}`);
      const line = fresh.locator('.call-summary .related');
      await line.waitFor();
      expect(await line.textContent()).toBe(`Transferred to call ${rel.call} (REFER, matched by Replaces)`);
      // To the new call: it names the first call and the consultation call it replaced.
      await line.getByRole('link', { name: `call ${rel.call}` }).click();
      await fresh.locator(`.call-summary h1:has-text("Call ${rel.call} ")`).waitFor();
      const back = fresh.locator('.call-summary .related .relation');
      expect(await back.allTextContents()).toEqual([
        expect.stringMatching(/^Replaces call \d+ \(INVITE, matched by Replaces\)$/),
        `Transferred from call ${from.id} (REFER, matched by Replaces)`,
      ]);
      await fresh.locator('.call-summary').screenshot({ path: join(SCREENSHOTS, 'transfer-summary.png') });
      // With its related calls: the whole transfer on one ladder, a leg per call; and back.
      const newCall = calls.find((c) => c.id === rel.call)!;
      const all = [newCall, ...newCall.related!.map((r) => calls.find((c) => c.id === r.call)!)];
      const arrowsNow = () => fresh.locator('svg.ladder [data-message-id]').count();
      expect(await arrowsNow()).toBe(newCall.messages.length);
      await fresh.locator('[data-related-toggle]').click();
      await expect.poll(arrowsNow).toBe(all.reduce((n, c) => n + c.messages.length, 0));
      expect(await fresh.locator('.legend .legs .leg').count()).toBe(3);
      await fresh.screenshot({ path: join(SCREENSHOTS, 'transfer-ladder.png') });
      await fresh.locator('[data-related-toggle]').click();
      await expect.poll(arrowsNow).toBe(newCall.messages.length);
      // The REFER link opens the first call with the REFER in the inspector.
      await back.nth(1).getByRole('link', { name: 'REFER' }).click();
      await fresh.locator(`.inspector[data-inspected="${rel.message}"] [data-raw]`).waitFor();
      expect(await fresh.locator('.inspector [data-raw]').textContent()).toMatch(/^REFER /);
      // The message guide says what it did: the call it started.
      expect(await fresh.locator('.inspector .message-guide .here').textContent()).toContain(
        `started call ${rel.call} (matched by Replaces)`,
      );
      await fresh.close();
    },
    T,
  );

  it(
    'compares two messages side by side (shift+click), as sngrep does: what the B2BUA changed between its legs',
    async () => {
      const call = calls.find((c) => c.links.length > 0)!;
      const detail = await hx.api<CallDetail>(`/api/captures/${mixedId}/calls/${call.id}`);
      const [a, b] = detail.messages.filter((m) => m.method === 'INVITE');
      const p = await hx.context.newPage();
      await p.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}/messages/${a.id}`);
      await p.locator(`.inspector[data-inspected="${a.id}"] .compare-hint`).waitFor();
      await p.locator(`svg.ladder [data-message-id="${b.id}"] .label`).click({ modifiers: ['Shift'] });
      await p.locator(`.inspector.compare[data-compared="${a.id},${b.id}"]`).waitFor();
      expect(p.url()).toContain(`/messages/${a.id}/compare/${b.id}`);
      expect(await p.locator(`svg.ladder [data-message-id="${b.id}"]`).getAttribute('class')).toContain(
        'compared',
      );
      const rowOf = (name: string) =>
        p.locator('.message-diff tbody tr', { has: p.locator(`th:text-is("${name}")`) });
      // The B2BUA gave the second leg its own Call-ID and named the first in X-CID.
      expect(await rowOf('Call-ID').getAttribute('data-diff')).toBe('changed');
      expect(await rowOf('Call-ID').locator('td').allTextContents()).toEqual([a.callId, b.callId]);
      expect(await rowOf('X-CID').getAttribute('data-diff')).toBe('added');
      expect(await rowOf('Content-Type').getAttribute('data-diff')).toBe('same');
      // Only the differences: identical rows hidden.
      await p.locator('[data-only-differences]').check();
      expect(await rowOf('Content-Type').isVisible()).toBe(false);
      expect(await rowOf('X-CID').isVisible()).toBe(true);
      await p.locator('.inspector.compare').screenshot({ path: join(SCREENSHOTS, 'compare.png') });
      // Esc closes the compare back to the first message.
      await p.keyboard.press('Escape');
      await p.locator(`.inspector[data-inspected="${a.id}"] [data-raw]`).waitFor();
      expect(p.url()).not.toContain('/compare/');
      await p.close();
    },
    T,
  );

  it(
    'renames a column and merges two columns that get the same name (sngrep aliases)',
    async () => {
      const call = calls.find((c) => c.links.length > 0)!;
      const ctx = await hx.browser.newContext({ viewport: { width: 1400, height: 860 } });
      const p = await ctx.newPage();
      await p.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}`);
      const heads = p.locator('svg.ladder g.column-head');
      await heads.first().waitFor();
      const keys = () => heads.evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
      const before = await keys();
      expect(before).toHaveLength(3);
      const rename = async (i: number, name: string) => {
        await heads.nth(i).click();
        await p.locator('.rename-input').fill(name);
        await p.locator('.rename-form button[type="submit"]').click();
      };
      await rename(1, 'b2bua');
      await expect.poll(keys).toEqual([before[0], 'alias:b2bua', before[2]]);
      expect(await heads.nth(1).locator('.column-subtitle').textContent()).toBe(
        before[1]?.replace('addr:', ''),
      );
      await rename(2, 'b2bua');
      await expect.poll(() => heads.count()).toBe(2);
      // Every message still has its arrow; those between the merged ends loop on one column.
      expect(await p.locator('svg.ladder [data-message-id]').count()).toBe(call.messages.length);
      expect(await p.locator('svg.ladder .arrow.self').count()).toBeGreaterThan(0);
      // The names stay for the next call opened in this browser.
      await p.reload();
      await heads.first().waitFor();
      expect(await heads.count()).toBe(2);
      await ctx.close();
    },
    T,
  );

  it(
    'pans sideways to the selected message when it lies outside the ladder (a wide call, the inspector open), the times pinned at the left',
    async () => {
      const call = calls.find((c) => c.links.length > 0)!;
      const detail = await hx.api<CallDetail>(`/api/captures/${mixedId}/calls/${call.id}`);
      // The last message between the two rightmost endpoints: off screen at this width.
      const ctx = await hx.browser.newContext({ viewport: { width: 900, height: 700 } });
      const p = await ctx.newPage();
      await p.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}`);
      const heads = p.locator('svg.ladder g.column-head');
      await heads.first().waitFor();
      const columns = await heads.evaluateAll((els) => els.map((e) => e.getAttribute('data-column')!));
      const right = new Set(columns.slice(-2).map((k) => k.replace('addr:', '')));
      const far = detail.messages.filter((m) => right.has(m.src) && right.has(m.dst)).at(-1)!;
      await p.goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}/messages/${far.id}`);
      await p.locator('.inspector [data-raw]').waitFor();
      const inView = async () => {
        const svg = (await p.locator('svg.ladder').boundingBox())!;
        const arrow = (await p.locator(`svg.ladder [data-message-id="${far.id}"] .label`).boundingBox())!;
        return arrow.x >= svg.x && arrow.x + arrow.width <= svg.x + svg.width;
      };
      await expect.poll(inView).toBe(true);
      // The ladder moved left, its time gutter did not: the selected message's time is at the left edge.
      const panned = await p.locator('svg.ladder g.viewport').getAttribute('transform');
      expect(Number(/translate\((-?[\d.]+)/.exec(panned ?? '')?.[1])).toBeLessThan(0);
      const box = (await p.locator('svg.ladder').boundingBox())!;
      const time = (await p.locator(`svg.ladder [data-stamp="${far.id}"] .time`).boundingBox())!;
      expect(time.x).toBeGreaterThanOrEqual(box.x);
      expect(time.x).toBeLessThan(box.x + 40);
      await p.screenshot({ path: join(SCREENSHOTS, 'ladder-panned.png') });
      await ctx.close();
    },
    T,
  );

  it(
    'downloads the call as pcap, and that pcap decodes again to the same messages',
    async () => {
      const call = calls.find((c) => c.callIds.some((id) => id.startsWith('lostack')))!;
      await page().goto(`${hx.server.url}/#/captures/${mixedId}/calls/${call.id}`);
      await arrows().first().waitFor();
      const [download] = await Promise.all([
        page().waitForEvent('download'),
        page().locator('[data-export="pcap"]').click(),
      ]);
      const file = join(dir, 'call.pcap');
      await download.saveAs(file);
      const again = await analyzeCapture(file);
      const detail = await hx.api<CallDetail>(`/api/captures/${mixedId}/calls/${call.id}`);
      const sig = (m: {
        src: string;
        dst: string;
        method?: string;
        status?: number;
        callId: string | null;
        cseq: number | null;
        retransmission: boolean;
      }) => `${m.src}>${m.dst} ${m.method ?? m.status} ${m.callId} ${m.cseq} ${m.retransmission}`;
      const decoded = Array.from({ length: again.messages.length }, (_, i) =>
        JSON.parse(again.messages.json(i)),
      );
      expect(decoded.map(sig)).toEqual(detail.messages.map(sig));
    },
    T,
  );

  it(
    'exports the ladder as SVG and PNG and the call as JSON',
    async () => {
      const url = page().url();
      const callId = Number(/calls\/(\d+)/.exec(url)![1]);
      const save = async (what: string) => {
        const [d] = await Promise.all([
          page().waitForEvent('download'),
          page().locator(`[data-export="${what}"]`).click(),
        ]);
        const f = join(dir, d.suggestedFilename());
        await d.saveAs(f);
        return readFileSync(f);
      };
      const svg = (await save('svg')).toString('utf8');
      expect(svg.startsWith('<?xml')).toBe(true);
      expect(svg.match(/data-message-id="/g)?.length).toBe(await arrows().count());
      // Every row's time too (the gutter's, unpinned: no transform left on it).
      expect(svg.match(/data-stamp="/g)?.length).toBe(await arrows().count());
      expect(svg).toMatch(/<g class="gutter">/);
      expect(svg).toContain('<style>');
      // The whole ladder, not only the rows the screen was showing.
      expect(svg).not.toMatch(/class="arrow off/);
      const png = await save('png');
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const json = JSON.parse((await save('json')).toString('utf8')) as CallDetail;
      expect(json.call.id).toBe(callId);
      expect(json.messages.length).toBe(await arrows().count());
      // The text ladder: a header, the column names, then one line per message (as `analyze --call`).
      const text = (await save('text')).toString('utf8');
      expect(text.startsWith(`call ${callId}: `)).toBe(true);
      const drawn = text.split('\n').filter((l) => /^\d+\.\d{3} /.test(l));
      expect(drawn).toHaveLength(json.messages.length);
      // The messages as text (sngrep's raw view): each one headed by its id.
      const raw = (await save('messages')).toString('utf8');
      expect(raw.split('\n').filter((l) => /^#\d+ {2}/.test(l))).toHaveLength(json.messages.length);
    },
    T,
  );

  it(
    'keeps only the rows near the view of a 1,000-message ladder in the page, and exports every row',
    async () => {
      // Chromium lays out an SVG's hidden rows too: the ladder attaches only those near the view.
      await page().goto(`${hx.server.url}/#/`);
      const id = await uploadThroughPicker(page(), files.longCall, 'long-call.pcap');
      const [call] = (await hx.api<{ calls: CallRow[] }>(`/api/captures/${id}/calls?limit=1`)).calls;
      expect(call.messages.length).toBe(1000);
      await page().goto(`${hx.server.url}/#/captures/${id}/calls/${call.id}`);
      await page().locator('svg.ladder[data-rows="1000"] [data-message-id]').first().waitFor();
      const inPage = async () =>
        page().evaluate(() =>
          [...document.querySelectorAll('svg.ladder [data-message-id]')].map((e) =>
            Number(e.getAttribute('data-message-id')),
          ),
        );
      const first = await inPage();
      expect(first.length).toBeGreaterThan(10);
      expect(first.length).toBeLessThan(200);
      expect(first).toEqual([...first].sort((a, b) => a - b));
      // Wheel down: other rows come in, in order, and the page still holds a screenful or three.
      await page().mouse.move(300, 600);
      for (let i = 0; i < 10; i++) await page().mouse.wheel(0, 2000);
      await expect.poll(async () => (await inPage())[0]).toBeGreaterThan(first.at(-1)!);
      const later = await inPage();
      expect(later.length).toBeLessThan(200);
      expect(later).toEqual([...later].sort((a, b) => a - b));
      const [d] = await Promise.all([
        page().waitForEvent('download'),
        page().locator('[data-export="svg"]').click(),
      ]);
      const f = join(dir, 'long.svg');
      await d.saveAs(f);
      const svg = readFileSync(f, 'utf8');
      const ids = [...svg.matchAll(/data-message-id="(\d+)"/g)].map((m) => Number(m[1]));
      expect(ids).toEqual(call.messages);
    },
    T,
  );

  it(
    'moves with the keyboard: / search, ↑/↓ and Enter open, Esc goes back',
    async () => {
      await page().goto(`${hx.server.url}/#/captures/${mixedId}`);
      await rows().first().waitFor();
      await page().keyboard.press('/');
      expect(await page().evaluate(() => document.activeElement?.hasAttribute('data-search'))).toBe(true);
      await page().keyboard.press('Escape');
      // The list remembers the row last opened; two rows further down is where ↓↓ lands.
      const before = await page().locator('.call-row.selected').count();
      const from = before
        ? Number(await page().locator('.call-row.selected').getAttribute('data-index'))
        : -1;
      await page().keyboard.press('ArrowDown');
      await page().keyboard.press('ArrowDown');
      const selected = page().locator(`.call-row.selected[data-index="${from + 2}"]`);
      await selected.waitFor();
      const id = await selected.getAttribute('data-call-id');
      await page().keyboard.press('Enter');
      await page().waitForURL(new RegExp(`/calls/${id}$`));
      await arrows().first().waitFor();
      await page().keyboard.press('ArrowDown');
      await page().keyboard.press('Enter');
      await page().locator('.inspector [data-raw]').waitFor();
      await page().keyboard.press('ArrowDown');
      const second = await page().locator('svg.ladder .arrow').nth(1).getAttribute('data-message-id');
      await expect.poll(() => page().locator('.inspector').getAttribute('data-inspected')).toBe(second);
      await page().keyboard.press('Escape');
      await page().waitForURL(new RegExp(`/calls/${id}$`));
      await page().keyboard.press('Escape');
      await page().waitForURL(new RegExp(`/captures/${mixedId}$`));
      // Back in the list, the call just opened is still the selected row.
      await page().locator(`.call-row.selected[data-call-id="${id}"]`).waitFor();
      // Esc twice, the second before the first one's hashchange has run (both in
      // one task), still climbs two levels from the inspector, not one.
      await page().keyboard.press('Enter');
      await arrows().first().waitFor();
      await page().keyboard.press('ArrowDown');
      await page().keyboard.press('Enter');
      await page().locator('.inspector [data-raw]').waitFor();
      await page().evaluate(() => {
        for (let i = 0; i < 2; i++) {
          document.body.dispatchEvent(
            new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }),
          );
        }
      });
      await page().waitForURL(new RegExp(`/captures/${mixedId}$`));
    },
    T,
  );

  it(
    'shows the findings grouped by rule, each linking to its message, and the statistics',
    async () => {
      // The view loads each rule's count and its first occurrences, never every finding.
      const asked: string[] = [];
      const onRequest = (r: { url(): string }) => {
        const u = new URL(r.url());
        if (u.pathname.includes('/findings')) asked.push(u.pathname + u.search);
      };
      page().on('request', onRequest);
      await page().goto(`${hx.server.url}/#/captures/${mixedId}/findings`);
      const groups = page().locator('details.finding-group');
      await groups.first().waitFor();
      page().off('request', onRequest);
      expect(asked.sort()).toEqual([
        `/api/captures/${mixedId}/findings/counts`,
        `/api/captures/${mixedId}/findings?perRule=200`,
      ]);
      // Two hash changes in one task (Esc twice, as the test before does) fire two hashchange
      // events once both are made: the second, for the route already shown, keeps the view
      // (it rebuilt it, and asked for the findings again).
      const kept = await page().evaluate(() => {
        const shown = document.querySelector('.findings-view');
        for (let i = 0; i < 2; i++) window.dispatchEvent(new HashChangeEvent('hashchange'));
        return shown !== null && document.querySelector('.findings-view') === shown;
      });
      expect(kept).toBe(true);
      const findings = await hx.api<Array<{ rule: string }>>(`/api/captures/${mixedId}/findings`);
      expect(await page().locator('.findings-view .summary').textContent()).toContain(
        `${findings.length} findings`,
      );
      expect(await groups.count()).toBe(new Set(findings.map((f) => f.rule)).size);
      const counts = await groups.evaluateAll((els) =>
        els.map((e) => [
          e.getAttribute('data-group-rule'),
          Number(e.querySelector('.count')?.textContent?.replace(/\D/g, '')),
        ]),
      );
      for (const [rule, n] of counts) expect(n).toBe(findings.filter((f) => f.rule === rule).length);
      // With three rules or fewer the first group opens by itself; otherwise a click opens it.
      if ((await groups.first().getAttribute('open')) === null)
        await groups.first().locator('summary').click();
      await page().screenshot({ path: join(SCREENSHOTS, 'findings.png') });
      const link = groups.first().locator('a.msg-ref').first();
      const href = (await link.getAttribute('href'))!;
      await link.click();
      await page().waitForURL((u) => u.hash === href);
      await page().locator('.inspector [data-raw]').waitFor();

      await page().goto(`${hx.server.url}/#/captures/${mixedId}/stats`);
      await page().locator('[data-plot="requests"] svg rect.bar').first().waitFor();
      // The Totals card splits the findings by severity, only those that occur.
      const cap = await hx.api<{ stats: { findingsBySeverity: Record<string, number> } }>(
        `/api/captures/${mixedId}`,
      );
      const split = await page()
        .locator('.kv dt.sub')
        .evaluateAll((els) => els.map((e) => [e.textContent, e.nextElementSibling?.textContent]));
      expect(split).toEqual(
        Object.entries(cap.stats.findingsBySeverity)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => [k, String(n)]),
      );
      type Binned = { n: number; bins: unknown[] };
      const stats = await hx.api<{
        requests: Record<string, number>;
        pddMs: Binned;
        setupMs: Binned;
        durationMs: Binned;
      }>(`/api/captures/${mixedId}/stats`);
      expect(await page().locator('[data-plot="requests"] rect.bar').count()).toBe(
        Math.min(24, Object.keys(stats.requests).length),
      );
      // The timings come binned by the server: a bar per bin of the three histograms.
      const binned = [stats.pddMs, stats.setupMs, stats.durationMs];
      expect(binned.every((d) => d.n > 0)).toBe(true);
      expect(await page().locator('g.hist rect.bar').count()).toBe(
        binned.reduce((n, d) => n + d.bins.length, 0),
      );
      // Each histogram's time axis labels its ticks all differently.
      const ticks = await page()
        .locator('svg:has(g.hist)')
        .evaluateAll((svgs) =>
          svgs.map((s) =>
            [...s.querySelectorAll('g.axis')[0].querySelectorAll('.tick text')].map((t) => t.textContent),
          ),
        );
      expect(ticks).toHaveLength(3);
      for (const l of ticks) expect(new Set(l).size).toBe(l.length);
      await page().screenshot({ path: join(SCREENSHOTS, 'stats.png') });
    },
    T,
  );

  it(
    'shows markup from a hostile capture as text and runs none of it',
    async () => {
      await page().goto(`${hx.server.url}/`);
      await page().locator('[data-upload]').waitFor({ state: 'attached' });
      const id = await uploadThroughDrop(page(), readFileSync(files.hostile), 'hostile.pcap');
      const hostile = (await hx.api<CallPage>(`/api/captures/${id}/calls`)).calls[0];
      await page().goto(`${hx.server.url}/#/captures/${id}`);
      await rows().first().waitFor();
      // Free-text search runs over the User-Agent labels, markup and all.
      await page().locator('[data-search]').fill('<script>');
      await expect.poll(() => rows().count()).toBe(1);

      const invite = hostile.messages[0];
      await page().goto(`${hx.server.url}/#/captures/${id}/calls/${hostile.id}/messages/${invite}`);
      const raw = page().locator('.inspector [data-raw]');
      await raw.waitFor();
      const text = (await raw.textContent()) ?? '';
      for (const p of [IMG_PAYLOAD, SCRIPT_PAYLOAD, SVG_PAYLOAD]) expect(text).toContain(p);
      expect(await page().locator('.inspector table.headers').textContent()).toContain(SCRIPT_PAYLOAD);
      // "What happened" names the caller by its User-Agent: as text too.
      expect(await page().locator('.call-story p').textContent()).toContain(
        `${SCRIPT_PAYLOAD} (10.0.0.1:5060) called`,
      );
      // The ladder's column label is the User-Agent, as text.
      expect(await page().locator('svg.ladder .column-head title').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining(SCRIPT_PAYLOAD)]),
      );
      // Nothing became an element, nothing ran.
      expect(
        await page().locator('img[src="x"], main script, svg[onload], [onerror], [onload]').count(),
      ).toBe(0);
      await page().waitForTimeout(300);
      expect(
        await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(hx.events.dialogs).toEqual([]);
      expect(hx.events.errors).toEqual([]);
      expect(hx.events.console.filter((m) => /pwned|Content Security Policy/i.test(m))).toEqual([]);
    },
    T,
  );
});
