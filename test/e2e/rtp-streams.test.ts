/**
 * The call view's RTP streams in headless Chromium against the real server,
 * with the bundled sample call-with-rtp.pcap: the table of a call with RTP
 * both ways (the caller's stream lost packets and takes the warning colour),
 * the one-way warning of the call with RTP from the caller only, the setup
 * link selecting the SDP message in the ladder, each stream drawn as a row
 * of the ladder (labels, loss, one-way note, gutter time, click to its table
 * row, the SVG/PNG/text exports), a call detail without `streams` (an older
 * server) and one whose stream strings carry markup (shown as text). A
 * stream selected shows its figures in the inspector (its setup link, Esc
 * back to the address's message).
 * Screenshots: test-output/screenshots/rtp-streams.png (the README's
 * web/screenshots/rtp-streams.png), rtp-ladder-export.png (the PNG export),
 * rtp-stream-inspector.png (a stream in the inspector).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CallPage, RtpStream } from '../../web/src/api/types.js';
import { IMG_PAYLOAD, SCRIPT_PAYLOAD } from './captures.js';
import { chromiumPresent, type Harness, onlyCaptureId, ROOT, SCREENSHOTS, startHarness } from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('RTP streams in the call view', () => {
  let hx: Harness;
  let captureId: string;
  /** The call with RTP both ways, and the one with RTP one way. */
  let twoWay: CallDetail;
  let oneWay: CallDetail;

  beforeAll(async () => {
    hx = await startHarness({ samples: [join(ROOT, 'samples/call-with-rtp.pcap')] });
    captureId = await onlyCaptureId(hx);
    const { calls } = await hx.api<CallPage>(`/api/captures/${captureId}/calls?limit=100`);
    const details = await Promise.all(
      calls.map((c) => hx.api<CallDetail>(`/api/captures/${captureId}/calls/${c.id}`)),
    );
    twoWay = details.find((d) => d.call.callIds[0].startsWith('rtp-two-way')) as CallDetail;
    oneWay = details.find((d) => d.call.callIds[0].startsWith('rtp-one-way')) as CallDetail;
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
  });

  const page = () => hx.page;
  const open = async (d: CallDetail, message?: number) => {
    const tail = message === undefined ? '' : `/messages/${message}`;
    // A fresh page each time: a hash change alone would keep the view (and its fetched detail).
    await page().goto('about:blank');
    await page().goto(`${hx.server.url}/#/captures/${captureId}/calls/${d.call.id}${tail}`);
    await page().locator('svg.ladder [data-message-id]').first().waitFor();
  };
  const cells = (row: string, col: string) => page().locator(`${row} td[data-col="${col}"]`);
  /** The ladder's row of a stream, and the y of a row (stream or message) in the ladder. */
  const streamRow = (id: number) => page().locator(`svg.ladder g.ladder-rtp[data-stream-id="${id}"]`);
  /** The inspector on a stream: its title, and one of its facts by name. */
  const streamPane = (id: number) => page().locator(`.inspector-stream[data-inspected-stream="${id}"]`);
  const fact = (key: string) => page().locator(`.inspector-stream dd[data-fact="${key}"]`);
  const rowY = async (selector: string) =>
    Number(
      /translate\(0,([\d.]+)\)/.exec(
        (await page().locator(selector).getAttribute('transform')) as string,
      )?.[1],
    );

  it(
    'lists the streams of a call with RTP both ways, the lossy one in the warning colour',
    async () => {
      const streams = twoWay.streams as RtpStream[];
      expect(streams.length).toBe(2);
      await open(twoWay);
      const section = page().locator('.rtp-streams[data-streams="2"]');
      await section.waitFor();
      expect(await section.locator('tr.rtp-row').count()).toBe(2);
      for (const s of streams) {
        const row = `tr.rtp-row[data-stream-id="${s.id}"]`;
        expect(await cells(row, 'packets').textContent()).toBe(String(s.packets));
        expect(await cells(row, 'lost').textContent()).toBe(`${s.lost} (${s.lostPercent.toFixed(1)} %)`);
        const text = (await page().locator(row).textContent()) as string;
        expect(text).toContain(s.ssrc);
        expect(text).toContain(`${s.src} → `);
        expect(text).toContain(s.dst);
      }
      // The sample: the caller's stream lost 3 of 499, the callee's none.
      const lossy = streams.find((s) => s.lost > 0) as RtpStream;
      expect([lossy.src, lossy.packets, lossy.lost]).toEqual(['10.0.0.1:49170', 496, 3]);
      const lossyRow = page().locator(`tr.rtp-row[data-stream-id="${lossy.id}"]`);
      expect(await lossyRow.getAttribute('class')).toContain('lossy');
      expect(await cells(`tr.rtp-row[data-stream-id="${lossy.id}"]`, 'lost').getAttribute('class')).toContain(
        'sev-warning',
      );
      const colour = await cells(`tr.rtp-row[data-stream-id="${lossy.id}"]`, 'lost').evaluate(
        (e) => getComputedStyle(e).color,
      );
      expect(colour).toBe('rgb(183, 121, 31)'); // --warning
      const clean = page().locator('tr.rtp-row:not(.lossy)');
      expect(await clean.count()).toBe(1);
      // The ends are named as the ladder's columns: the User-Agent of the SIP endpoint on that host.
      expect(await lossyRow.locator('td.dir').textContent()).toBe(
        'AliceUA/1.0 10.0.0.1:49170 → BobPhone/2.0 10.0.0.2:3456',
      );
      // Times as the ladder's gutter: seconds since the first message.
      const gutterOf200 = await page().locator('[data-stamp="3"] .time').textContent();
      expect(gutterOf200).toBe('2.000');
      expect(await lossyRow.locator('td').nth(9).textContent()).toBe('2.020–11.980');
      // The E-model MOS (ITU-T G.107) of each, its tooltip saying what it is made of.
      expect(await cells(`tr.rtp-row[data-stream-id="${lossy.id}"]`, 'mos').textContent()).toBe('4.36');
      expect(await cells(`tr.rtp-row[data-stream-id="${lossy.id}"]`, 'mos').getAttribute('title')).toMatch(
        /^R 91\.0 \(E-model, ITU-T G\.107, estimated from the capture\); PCMU: Ie 0, Bpl 25\.1, Ie,eff 2\.24; loss 0\.6%: 3 lost/,
      );
      expect(await cells('tr.rtp-row:not(.lossy)', 'mos').textContent()).toBe('4.41');
      expect(await page().locator('[data-one-way]').count()).toBe(0);
      // The table leaves the ladder most of the page, and fits its width.
      const box = await section.boundingBox();
      const pane = await page().locator('.ladder-pane').boundingBox();
      expect(box && pane && box.width <= 1400 && pane.height > 450).toBe(true);
      // Every column in sight at 1,400 px: no figure or Listen button behind a horizontal scroll.
      expect(
        await page()
          .locator('.rtp-scroll')
          .evaluate((e) => e.scrollWidth <= e.clientWidth),
      ).toBe(true);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'draws each stream as a row of the ladder, labelled with its codec, packets and loss as the table gives them',
    async () => {
      const streams = twoWay.streams as RtpStream[];
      await open(twoWay);
      expect(await page().locator('svg.ladder g.ladder-rtp').count()).toBe(2);
      expect(await page().locator('svg.ladder').getAttribute('data-streams')).toBe('2');
      // Still one arrow per message: the streams are rows of their own.
      expect(await page().locator('svg.ladder [data-message-id]').count()).toBe(twoWay.messages.length);
      const ack = twoWay.messages.find((m) => m.method === 'ACK') as CallDetail['messages'][number];
      const bye = twoWay.messages.find((m) => m.method === 'BYE') as CallDetail['messages'][number];
      const ackY = await rowY(`svg.ladder .arrow[data-message-id="${ack.id}"]`);
      const byeY = await rowY(`svg.ladder .arrow[data-message-id="${bye.id}"]`);
      const heads = await page()
        .locator('svg.ladder g.column-head')
        .evaluateAll((els) =>
          els.map((e) => Number(/translate\(([\d.]+),/.exec(e.getAttribute('transform') as string)?.[1])),
        );
      expect(heads).toHaveLength(2);
      for (const s of streams) {
        const row = streamRow(s.id);
        const table = `tr.rtp-row[data-stream-id="${s.id}"]`;
        const packets = await cells(table, 'packets').textContent();
        const lost = await cells(table, 'lost').textContent();
        expect(await row.locator('.rtp-label').textContent()).toBe(`RTP PCMU/8000 · ${packets} pkts`);
        expect(await row.getAttribute('data-label')).toBe(
          `RTP PCMU/8000 · ${packets} pkts${s.lost > 0 ? ` · lost ${lost}` : ''}`,
        );
        expect(await row.locator('.rtp-note').count()).toBe(s.lost > 0 ? 1 : 0);
        if (s.lost > 0) expect(await row.locator('.rtp-note').textContent()).toBe(`lost ${lost}`);
        expect((await row.getAttribute('class'))?.includes('lossy')).toBe(s.lost > 0);
        // From the source's column to the destination's: Alice is the first column, Bob the second.
        const [from, to] = s.src.startsWith('10.0.0.1:') ? heads : [heads[1], heads[0]];
        const d = (await row.locator('.rtp-line').getAttribute('d')) as string;
        expect(d.startsWith(`M${from},0H`)).toBe(true);
        const end = Number(/H([\d.]+)$/.exec(d)?.[1]);
        expect(Math.abs(end - to)).toBeLessThan(16);
        // The tooltip: SSRC, codecs, figures.
        const title = (await row.locator('title').textContent()) as string;
        expect(title).toContain(`SSRC ${s.ssrc}`);
        expect(title).toContain(`lost ${lost}`);
        expect(title).toContain(`max jitter ${(s.maxJitterMs as number).toFixed(3)} ms`);
        // In time order, after the ACK and before the BYE; the gutter gives its first packet's time as the table does.
        const y = await rowY(`svg.ladder g.ladder-rtp[data-stream-id="${s.id}"]`);
        expect(y).toBeGreaterThan(ackY);
        expect(y).toBeLessThan(byeY);
        const time = (await page().locator(table).locator('td').nth(9).textContent()) as string;
        expect(await page().locator(`[data-stream-stamp="${s.id}"] .time`).textContent()).toBe(
          time.split('–')[0],
        );
      }
      // A thick line in the media colour; the lossy stream's in the warning colour, as its table row.
      const lossy = streams.find((s) => s.lost > 0) as RtpStream;
      const clean = streams.find((s) => s.lost === 0) as RtpStream;
      const stroke = (id: number) =>
        streamRow(id)
          .locator('.rtp-line')
          .evaluate((e) => [getComputedStyle(e).stroke, getComputedStyle(e).strokeWidth]);
      expect(await stroke(clean.id)).toEqual(['rgb(44, 122, 123)', '5px']);
      expect(await stroke(lossy.id)).toEqual(['rgb(214, 158, 46)', '5px']);
      expect(await page().locator('.legend .legend-item.rtp').textContent()).toBe('RTP stream');
      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-streams.png') });

      // A click on a stream's row picks its row in the table.
      await streamRow(lossy.id).locator('.rtp-label').click();
      const picked = page().locator('tr.rtp-row.picked');
      await picked.waitFor();
      expect(await picked.getAttribute('data-stream-id')).toBe(String(lossy.id));
      // And selects it in the ladder, as ↑/↓ would.
      expect(await page().locator('svg.ladder g.ladder-rtp.selected').getAttribute('data-stream-id')).toBe(
        String(lossy.id),
      );
      expect(page().url()).not.toContain('/messages/');

      // The exports carry the stream rows: SVG, PNG and text.
      const save = async (what: string) => {
        const [d] = await Promise.all([
          page().waitForEvent('download'),
          page().locator(`[data-export="${what}"]`).click(),
        ]);
        const f = join(SCREENSHOTS, what === 'png' ? 'rtp-ladder-export.png' : `rtp-ladder-export.${what}`);
        await d.saveAs(f);
        return readFileSync(f);
      };
      const svg = (await save('svg')).toString('utf8');
      expect(svg.match(/class="ladder-rtp/g)?.length).toBe(2);
      expect(svg).toContain('lost 3 (0.6 %)');
      const png = await save('png');
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const text = (await save('text')).toString('utf8');
      expect(text).toMatch(/│<═+RTP PCMU\/8000═+│ {2}499 pkts, MOS 4\.41$/m);
      expect(text).toMatch(/│═+RTP PCMU\/8000═+>│ {2}496 pkts, lost 3 \(0\.6%\), MOS 4\.36$/m);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'selects the SDP message a stream came from in the ladder, from its setup link',
    async () => {
      const s = (twoWay.streams as RtpStream[]).find((x) => x.lost > 0) as RtpStream;
      const link = page().locator(`tr.rtp-row[data-stream-id="${s.id}"] a[data-setup]`);
      const setup = twoWay.messages.find((m) => m.id === s.setup);
      expect(await link.textContent()).toBe(setup?.method ?? `${setup?.status} ${setup?.reason}`);
      await link.click();
      await page().locator(`.inspector[data-inspected="${s.setup}"] [data-raw]`).waitFor();
      expect(page().url()).toContain(`/calls/${twoWay.call.id}/messages/${s.setup}`);
      expect(await page().locator(`svg.ladder .arrow.selected[data-message-id="${s.setup}"]`).count()).toBe(
        1,
      );
      expect(await page().locator('.inspector [data-raw]').textContent()).toContain('m=audio ');
      // The table stays (the same view, only the message changed).
      expect(await page().locator('tr.rtp-row').count()).toBe(2);
      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-streams-setup.png') });
    },
    T,
  );

  it(
    'steps through the stream rows with ↑/↓ as through the messages: each selected in the ladder and in the table, then on to the BYE',
    async () => {
      const [first, second] = [...(twoWay.streams as RtpStream[])].sort((p, q) => p.start - q.start);
      const ack = twoWay.messages.find((m) => m.method === 'ACK') as CallDetail['messages'][number];
      const bye = twoWay.messages.find((m) => m.method === 'BYE') as CallDetail['messages'][number];
      await open(twoWay, ack.id);
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();
      const ackUrl = page().url();
      const selected = page().locator('svg.ladder g.ladder-rtp.selected');
      const picked = page().locator('tr.rtp-row.picked');
      const selectedArrow = page().locator('svg.ladder .arrow.selected');
      /** The selection's band: its top at the row's (the row's y is its middle, rows 36 px apart). */
      const bandY = async () =>
        Number(await page().locator('svg.ladder g.viewport rect.select-band').getAttribute('y'));
      const expectStream = async (s: RtpStream) => {
        await expect.poll(() => selected.getAttribute('data-stream-id')).toBe(String(s.id));
        expect(await selected.count()).toBe(1);
        expect(await picked.count()).toBe(1);
        expect(await picked.getAttribute('data-stream-id')).toBe(String(s.id));
        expect(await selectedArrow.count()).toBe(0);
        expect(await bandY()).toBe((await rowY(`svg.ladder g.ladder-rtp[data-stream-id="${s.id}"]`)) - 18);
      };

      // ↓ from the ACK: the first stream (Bob's, 2.010 s), then the second (Alice's, 2.020 s).
      await page().keyboard.press('ArrowDown');
      await expectStream(first);
      // The line stands out from the others: thicker, the label underlined; the table row in the selection's yellow.
      expect(
        await streamRow(first.id)
          .locator('.rtp-line')
          .evaluate((e) => getComputedStyle(e).strokeWidth),
      ).toBe('7px');
      expect(
        await streamRow(second.id)
          .locator('.rtp-line')
          .evaluate((e) => getComputedStyle(e).strokeWidth),
      ).toBe('5px');
      expect(
        await picked
          .locator('td')
          .first()
          .evaluate((e) => getComputedStyle(e).backgroundColor),
      ).toBe('rgba(246, 224, 94, 0.45)');
      // A stream has no address: the address stays on the ACK, the inspector shows the stream.
      expect(page().url()).toBe(ackUrl);
      await streamPane(first.id).waitFor();
      expect(await page().locator('.inspector[data-inspected]').count()).toBe(0);
      expect(await page().locator('.inspector-stream h2').textContent()).toBe('RTP stream 0x5E6F7081');
      expect(first.ssrc).toBe('0x5E6F7081');
      expect(await fact('SSRC').textContent()).toBe('0x5E6F7081');
      expect(await fact('packets').textContent()).toBe('499');
      expect(await fact('expected').textContent()).toBe('499');
      expect(await fact('lost').textContent()).toBe('0 (0.0 %)');
      expect(await fact('lost').getAttribute('class')).toBeNull();
      // The ends named as the table names them, the time as the gutter and the table give it.
      expect(await fact('direction').textContent()).toBe(
        'BobPhone/2.0 10.0.0.2:3456 → AliceUA/1.0 10.0.0.1:49170',
      );
      const firstTime = (await page()
        .locator(`tr.rtp-row[data-stream-id="${first.id}"] td`)
        .nth(9)
        .textContent()) as string;
      expect(await fact('time').textContent()).toBe(`${firstTime} s`);
      expect(await fact('codecs').textContent()).toBe('PCMU/8000');
      expect(await fact('first frame').textContent()).toBe(String(first.firstFrame));
      expect(await fact('jitter mean / max').textContent()).toBe(
        `${(first.meanJitterMs as number).toFixed(3)} / ${(first.maxJitterMs as number).toFixed(3)} ms`,
      );
      expect(await fact('RTP back').textContent()).toBe('yes');
      expect(await fact('SDP direction').textContent()).toBe(first.setupDirection as string);
      expect(await page().locator('.ladder-split.inspecting').count()).toBe(1);
      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-stream-selected.png') });
      await page()
        .locator('.inspector-pane')
        .screenshot({ path: join(SCREENSHOTS, 'rtp-stream-inspector.png') });
      await page().keyboard.press('ArrowDown');
      await expectStream(second);
      // The lossy one: its loss as the table writes it, in the warning colour.
      await streamPane(second.id).waitFor();
      expect(await fact('SSRC').textContent()).toBe(second.ssrc);
      expect(await fact('packets').textContent()).toBe('496');
      expect(await fact('lost').textContent()).toBe('3 (0.6 %)');
      expect(await fact('lost').textContent()).toBe(
        await cells(`tr.rtp-row[data-stream-id="${second.id}"]`, 'lost').textContent(),
      );
      expect(await fact('lost').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(183, 121, 31)');
      expect(page().url()).toBe(ackUrl);
      // ↓ again: the BYE, in the inspector, at its own address; no stream selected any more.
      await page().keyboard.press('ArrowDown');
      await page().locator(`.inspector[data-inspected="${bye.id}"] [data-raw]`).waitFor();
      expect(await page().locator('.inspector [data-raw]').textContent()).toContain('BYE sip:');
      expect(page().url()).toContain(`/calls/${twoWay.call.id}/messages/${bye.id}`);
      expect(await selectedArrow.getAttribute('data-message-id')).toBe(String(bye.id));
      expect(await selected.count()).toBe(0);
      expect(await picked.count()).toBe(0);

      // ↑ goes back the same way: the second stream, the first, the ACK (in the inspector again).
      await page().keyboard.press('ArrowUp');
      await expectStream(second);
      await streamPane(second.id).waitFor();
      expect(page().url()).toContain(`/messages/${bye.id}`);
      await page().keyboard.press('ArrowUp');
      await expectStream(first);
      await streamPane(first.id).waitFor();
      await page().keyboard.press('ArrowUp');
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();
      expect(await selectedArrow.getAttribute('data-message-id')).toBe(String(ack.id));
      expect(await selected.count()).toBe(0);

      // Back down onto the stream (the address is the ACK's) and up again: the ACK is selected again.
      await page().keyboard.press('ArrowDown');
      await expectStream(first);
      await page().keyboard.press('ArrowUp');
      await expect.poll(() => selectedArrow.getAttribute('data-message-id')).toBe(String(ack.id));
      expect(await selected.count()).toBe(0);
      expect(page().url()).toBe(ackUrl);
      // The ACK is in the inspector again (the address did not change).
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();
      expect(await page().locator('.inspector-stream').count()).toBe(0);

      // A click on the ACK (the address's message) while a stream is selected selects the ACK again.
      await page().keyboard.press('ArrowDown');
      await expectStream(first);
      await page().locator(`svg.ladder .arrow[data-message-id="${ack.id}"] .label`).click();
      await expect.poll(() => selectedArrow.getAttribute('data-message-id')).toBe(String(ack.id));
      expect(await selected.count()).toBe(0);
      expect(await picked.count()).toBe(0);
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();

      // Enter on a stream's row unfolds the table at its row, when it was folded.
      await page().keyboard.press('ArrowDown');
      await expectStream(first);
      await page().evaluate(() => {
        (document.querySelector('details.rtp-streams') as HTMLDetailsElement).open = false;
      });
      await page().keyboard.press('ArrowDown');
      await expectStream(second);
      expect(
        await page()
          .locator('details.rtp-streams')
          .evaluate((d) => (d as HTMLDetailsElement).open),
      ).toBe(false);
      await page().keyboard.press('Enter');
      await expect
        .poll(() =>
          page()
            .locator('details.rtp-streams')
            .evaluate((d) => (d as HTMLDetailsElement).open),
        )
        .toBe(true);
      await expectStream(second);
      expect(page().url()).toBe(ackUrl);

      // Esc leaves the stream first: back to the ACK the address names, in the inspector and selected.
      await page().keyboard.press('Escape');
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();
      expect(await page().locator('.inspector-stream').count()).toBe(0);
      expect(page().url()).toBe(ackUrl);
      expect(await selectedArrow.getAttribute('data-message-id')).toBe(String(ack.id));
      expect(await selected.count()).toBe(0);
      expect(await picked.count()).toBe(0);
      // A second Esc closes the inspector as from a message, and takes the selection off.
      await page().keyboard.press('Escape');
      await page().waitForURL(new RegExp(`/calls/${twoWay.call.id}$`));
      await expect.poll(() => page().locator('.ladder-split.inspecting').count()).toBe(0);
      expect(await selectedArrow.count()).toBe(0);
      // ↓ goes on from the ACK: the stream, selected in the ladder only, as a message is without the inspector.
      await page().keyboard.press('ArrowDown');
      await expectStream(first);
      expect(await page().locator('.ladder-split.inspecting').count()).toBe(0);
      await page().keyboard.press('ArrowDown');
      await expectStream(second);
      await page().keyboard.press('ArrowDown');
      await expect.poll(() => selectedArrow.getAttribute('data-message-id')).toBe(String(bye.id));
      expect(page().url()).toMatch(new RegExp(`/calls/${twoWay.call.id}$`));
      await page().keyboard.press('ArrowUp');
      await expectStream(second);
      expect(await page().locator('.ladder-split.inspecting').count()).toBe(0);

      // A click on a stream with no message open opens the inspector on it; Esc closes it, the address unchanged.
      await streamRow(first.id).locator('.rtp-label').click();
      await expectStream(first);
      await streamPane(first.id).waitFor();
      expect(await page().locator('.ladder-split.inspecting').count()).toBe(1);
      await page().keyboard.press('Escape');
      await expect.poll(() => page().locator('.ladder-split.inspecting').count()).toBe(0);
      expect(await page().locator('.inspector').count()).toBe(0);
      expect(await selected.count()).toBe(0);
      expect(await picked.count()).toBe(0);
      expect(page().url()).toMatch(new RegExp(`/calls/${twoWay.call.id}$`));
      // ↓ goes on from the stream left.
      await page().keyboard.press('ArrowDown');
      await expectStream(second);
      // With the stream's inspector open (a click), ↓ onto a message shows it at its address.
      await streamRow(second.id).locator('.rtp-label').click();
      await streamPane(second.id).waitFor();
      await page().keyboard.press('ArrowDown');
      await page().locator(`.inspector[data-inspected="${bye.id}"] [data-raw]`).waitFor();
      expect(page().url()).toContain(`/calls/${twoWay.call.id}/messages/${bye.id}`);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    "links a stream in the inspector to its setup message (the 200 OK or the INVITE), as the table's Setup link",
    async () => {
      const [first, second] = [...(twoWay.streams as RtpStream[])].sort((p, q) => p.start - q.start);
      const ack = twoWay.messages.find((m) => m.method === 'ACK') as CallDetail['messages'][number];
      await open(twoWay, ack.id);
      await page().locator(`.inspector[data-inspected="${ack.id}"] [data-raw]`).waitFor();
      await page().keyboard.press('ArrowDown');
      await streamPane(first.id).waitFor();
      const link = page().locator('.inspector-stream a[data-stream-setup]');
      const tableLink = (id: number) => page().locator(`tr.rtp-row[data-stream-id="${id}"] a[data-setup]`);
      expect(await link.textContent()).toBe(`${await tableLink(first.id).textContent()} (#${first.setup})`);
      expect(await link.getAttribute('data-stream-setup')).toBe(String(first.setup));
      await link.click();
      await page().locator(`.inspector[data-inspected="${first.setup}"] [data-raw]`).waitFor();
      expect(page().url()).toContain(`/calls/${twoWay.call.id}/messages/${first.setup}`);
      expect(await page().locator('svg.ladder .arrow.selected').getAttribute('data-message-id')).toBe(
        String(first.setup),
      );
      expect(await page().locator('svg.ladder g.ladder-rtp.selected').count()).toBe(0);
      expect(await page().locator('tr.rtp-row.picked').count()).toBe(0);
      expect(await page().locator('.inspector [data-raw]').textContent()).toContain('m=audio ');

      // From the message the address names already: the link selects it again, no route change.
      const at = page().url();
      await tableLink(first.id).locator('xpath=ancestor::tr').locator('td.codecs').click();
      await streamPane(first.id).waitFor();
      await link.click();
      await page().locator(`.inspector[data-inspected="${first.setup}"] [data-raw]`).waitFor();
      expect(page().url()).toBe(at);
      await expect
        .poll(() => page().locator('svg.ladder .arrow.selected').getAttribute('data-message-id'))
        .toBe(String(first.setup));
      expect(await page().locator('svg.ladder g.ladder-rtp.selected').count()).toBe(0);

      // The other stream's setup is the other SDP message.
      await tableLink(second.id).locator('xpath=ancestor::tr').locator('td.codecs').click();
      await streamPane(second.id).waitFor();
      await link.click();
      await page().locator(`.inspector[data-inspected="${second.setup}"] [data-raw]`).waitFor();
      expect(page().url()).toContain(`/messages/${second.setup}`);
      const labels = [first.setup, second.setup].map((id) => {
        const m = twoWay.messages.find((x) => x.id === id);
        return m?.method ?? `${m?.status} ${m?.reason}`;
      });
      expect(labels.sort()).toEqual(['200 OK', 'INVITE']);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    "selects a stream's row in the ladder from its row in the table, scrolling the ladder to it",
    async () => {
      await open(twoWay);
      // Zoomed in and scrolled to the top, the stream rows lie below the pane.
      for (let i = 0; i < 5; i++) await page().keyboard.press('+');
      const pane = (await page().locator('.ladder-pane').boundingBox()) as {
        x: number;
        y: number;
        width: number;
        height: number;
      };
      await page().mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      await page().mouse.wheel(0, -5000);
      const second = page().locator('tr.rtp-row').nth(1);
      const id = Number(await second.getAttribute('data-stream-id'));
      const line = streamRow(id).locator('.rtp-line');
      const inPane = async () => {
        const box = await line.boundingBox();
        return box !== null && box.y >= pane.y && box.y + box.height <= pane.y + pane.height;
      };
      await expect.poll(inPane).toBe(false);
      await second.locator('td.codecs').click();
      await expect
        .poll(() => page().locator('svg.ladder g.ladder-rtp.selected').getAttribute('data-stream-id'))
        .toBe(String(id));
      expect(await page().locator('svg.ladder g.ladder-rtp.selected').count()).toBe(1);
      expect(await page().locator('tr.rtp-row.picked').getAttribute('data-stream-id')).toBe(String(id));
      await expect.poll(inPane).toBe(true);
      expect(await page().locator('svg.ladder g.viewport rect.select-band').getAttribute('y')).toBe(
        String((await rowY(`svg.ladder g.ladder-rtp[data-stream-id="${id}"]`)) - 18),
      );
      expect(page().url()).not.toContain('/messages/');
      // The first row then: the selection moves to it.
      const first = page().locator('tr.rtp-row').nth(0);
      await first.locator('td.dir').click();
      await expect
        .poll(() => page().locator('svg.ladder g.ladder-rtp.selected').getAttribute('data-stream-id'))
        .toBe(await first.getAttribute('data-stream-id'));
      expect(await page().locator('tr.rtp-row.picked').getAttribute('data-stream-id')).toBe(
        await first.getAttribute('data-stream-id'),
      );
      // ↓ goes on from the stream clicked.
      await page().keyboard.press('ArrowDown');
      const next = [...(twoWay.streams as RtpStream[])].sort((p, q) => p.start - q.start);
      const after =
        Number(await first.getAttribute('data-stream-id')) === next[0].id
          ? `svg.ladder g.ladder-rtp.selected[data-stream-id="${next[1].id}"]`
          : 'svg.ladder .arrow.selected';
      await page().locator(after).waitFor();
      await page()
        .locator('.ladder-pane')
        .screenshot({ path: join(SCREENSHOTS, 'rtp-stream-from-table.png') });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'says plainly when the call had RTP in one direction only',
    async () => {
      expect(oneWay.streams?.length).toBe(1);
      await open(oneWay);
      const warning = page().locator('.rtp-streams [data-one-way]');
      await warning.waitFor();
      expect(await warning.textContent()).toBe('⚠ RTP seen in one direction only: one-way audio?');
      expect(await warning.getAttribute('class')).toContain('sev-warning');
      // On the ladder: one stream, Alice to Bob, dashed and noted as one-way.
      const s = (oneWay.streams as RtpStream[])[0];
      expect(await page().locator('svg.ladder g.ladder-rtp').count()).toBe(1);
      const row = streamRow(s.id);
      expect(await row.getAttribute('class')).toBe('ladder-rtp one-way');
      expect(await row.locator('.rtp-label').textContent()).toBe('RTP PCMU/8000 · 499 pkts');
      expect(await row.locator('.rtp-note').textContent()).toBe('⚠ one-way: no RTP back');
      expect(await row.locator('.rtp-line').evaluate((e) => getComputedStyle(e).strokeDasharray)).toBe(
        '10px, 4px',
      );
      expect(await row.locator('title').textContent()).toContain('one-way');
      await page()
        .locator('.ladder-pane')
        .screenshot({ path: join(SCREENSHOTS, 'rtp-one-way-ladder.png') });
      await page()
        .locator('.rtp-streams')
        .screenshot({ path: join(SCREENSHOTS, 'rtp-one-way.png') });
    },
    T,
  );

  it(
    'shows no section for a call detail without streams (an older server), and stream strings as text',
    async () => {
      const url = `**/api/captures/${captureId}/calls/${twoWay.call.id}`;
      await page().route(url, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as CallDetail;
        delete body.streams;
        await route.fulfill({ response: res, json: body });
      });
      await open(twoWay);
      expect(await page().locator('.rtp-streams').count()).toBe(0);
      await page().unroute(url);

      await page().route(url, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as CallDetail;
        const s = (body.streams as RtpStream[])[0];
        Object.assign(s, {
          ssrc: IMG_PAYLOAD,
          media: SCRIPT_PAYLOAD,
          codecs: [IMG_PAYLOAD],
          src: SCRIPT_PAYLOAD,
          quality: { r: null, mos: null, codec: IMG_PAYLOAD, reason: SCRIPT_PAYLOAD },
        });
        await route.fulfill({ response: res, json: body });
      });
      await open(twoWay);
      const row = page().locator('tr.rtp-row').first();
      await row.waitFor();
      expect(await row.textContent()).toContain(IMG_PAYLOAD);
      expect(await row.locator('td[data-col="mos"]').getAttribute('title')).toBe(`no MOS: ${SCRIPT_PAYLOAD}`);
      expect(await row.locator('img, script').count()).toBe(0);
      // In the ladder too: the codec in the label, everything in the tooltip, the odd source a column of its own.
      const hostile = streamRow(twoWay.streams?.[0].id as number);
      expect(await hostile.locator('.rtp-label').textContent()).toMatch(/^RTP <img src=x/);
      expect(await hostile.getAttribute('data-label')).toContain(IMG_PAYLOAD);
      const tip = (await hostile.locator('title').textContent()) as string;
      expect(tip).toContain(`SSRC ${IMG_PAYLOAD}`);
      expect(tip).toContain(`RTP stream ${twoWay.streams?.[0].id}: ${SCRIPT_PAYLOAD} → `);
      expect(await page().locator('svg.ladder g.column-head').count()).toBe(3);
      expect(
        await page().locator('svg.ladder g.column-head').nth(2).locator('title').textContent(),
      ).toContain(SCRIPT_PAYLOAD);
      expect(await page().locator('svg.ladder img, svg.ladder script, svg.ladder svg').count()).toBe(0);
      // And in the inspector, the stream selected from its table row.
      await row.locator('td.dir').click();
      const pane = page().locator(`.inspector-stream[data-inspected-stream="${twoWay.streams?.[0].id}"]`);
      await pane.waitFor();
      expect(await pane.locator('h2').textContent()).toBe(`RTP stream ${IMG_PAYLOAD}`);
      expect(await pane.locator('dd[data-fact="codecs"]').textContent()).toBe(IMG_PAYLOAD);
      expect(await pane.locator('dd[data-fact="SSRC"]').textContent()).toBe(IMG_PAYLOAD);
      expect(await pane.locator('dd[data-fact="media"]').textContent()).toBe(SCRIPT_PAYLOAD);
      expect(await pane.locator('dd[data-fact="direction"]').textContent()).toContain(`${SCRIPT_PAYLOAD} → `);
      expect(await page().locator('.inspector-pane img, .inspector-pane script').count()).toBe(0);
      expect(
        await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      await page().unroute(url);
    },
    T,
  );
});
