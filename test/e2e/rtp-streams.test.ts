/**
 * The call view's RTP streams in headless Chromium against the real server,
 * with the bundled sample call-with-rtp.pcap: the table of a call with RTP
 * both ways (the caller's stream lost packets and takes the warning colour),
 * the one-way warning of the call with RTP from the caller only, the setup
 * link selecting the SDP message in the ladder, a call detail without
 * `streams` (an older server) and one whose stream strings carry markup
 * (shown as text). Screenshot: test-output/screenshots/rtp-streams.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CallPage, RtpStream } from '../../web/src/api/types.js';
import { IMG_PAYLOAD, SCRIPT_PAYLOAD } from './captures.js';
import { chromiumPresent, type Harness, ROOT, SCREENSHOTS, startHarness } from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('RTP streams in the call view', () => {
  let hx: Harness;
  let captureId: string;
  /** The call with RTP both ways, and the one with RTP one way. */
  let twoWay: CallDetail;
  let oneWay: CallDetail;

  beforeAll(async () => {
    hx = await startHarness({ samples: [join(ROOT, 'samples/call-with-rtp.pcap')] });
    for (;;) {
      const list = await hx.api<Array<{ id: string; status: string }>>('/api/captures');
      if (list.length === 1 && list[0].status !== 'analyzing') {
        expect(list[0].status).toBe('ready');
        captureId = list[0].id;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
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
      expect(await lossyRow.locator('td').nth(8).textContent()).toBe('2.020–11.980');
      expect(await page().locator('[data-one-way]').count()).toBe(0);
      // The table leaves the ladder most of the page, and fits its width.
      const box = await section.boundingBox();
      const pane = await page().locator('.ladder-pane').boundingBox();
      expect(box && pane && box.width <= 1400 && pane.height > 450).toBe(true);
      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-streams.png') });
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
    'says plainly when the call had RTP in one direction only',
    async () => {
      expect(oneWay.streams?.length).toBe(1);
      await open(oneWay);
      const warning = page().locator('.rtp-streams [data-one-way]');
      await warning.waitFor();
      expect(await warning.textContent()).toBe('⚠ RTP seen in one direction only: one-way audio?');
      expect(await warning.getAttribute('class')).toContain('sev-warning');
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
        });
        await route.fulfill({ response: res, json: body });
      });
      await open(twoWay);
      const row = page().locator('tr.rtp-row').first();
      await row.waitFor();
      expect(await row.textContent()).toContain(IMG_PAYLOAD);
      expect(await row.locator('img, script').count()).toBe(0);
      expect(
        await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      await page().unroute(url);
    },
    T,
  );
});
