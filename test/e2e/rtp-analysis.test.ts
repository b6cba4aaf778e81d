/**
 * An RTP stream packet by packet in the call view's inspector, as Wireshark's
 * RTP Stream Analysis, in headless Chromium against the real server with the
 * bundled sample call-with-rtp.pcap: stream 1 of call 0 lost 3 packets (2
 * before frame 209, 1 before frame 506) and had two late ones. Nothing is
 * asked of the server until "Analyse packets" is clicked; then the chart has
 * the delta and jitter paths and a mark at each loss, the figures line and
 * the table of packets not ok are the server's, the skew switches on, and
 * keys pressed in the panel stay there. A capture whose file is gone since
 * its analysis gives the server's 410 sentence, as text.
 * Screenshot: test-output/screenshots/rtp-analysis.png (the README's
 * web/screenshots/rtp-analysis.png).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CallPage, RtpStream, StreamPackets } from '../../web/src/api/types.js';
import { CALLEE_MEDIA, CALLER_MEDIA, writeCallWithRtp } from '../fixtures/call-with-rtp.js';
import { T0 } from '../fixtures/flows/index.js';
import { rtpFrames } from '../fixtures/rtp-frames.js';
import {
  callDetails,
  captureIdsByName,
  chromiumPresent,
  type Harness,
  ROOT,
  SCREENSHOTS,
  startHarness,
} from './harness.js';

const T = 60_000;

/** Packets of the long stream: 2,000 s of 20 ms packets. */
const LONG = 100_000;

/**
 * The basic call with 100,000 packets from Alice (33 minutes): one lost every
 * 400th (250 gaps), one in 7 up to 15 ms late (jitter, never out of order).
 */
function longCapture(file: string): void {
  const lost = new Set<number>();
  for (let i = 199; i < LONG; i += 400) lost.add(i);
  const lateMs = new Map<number, number>();
  for (let i = 3; i < LONG; i += 7) lateMs.set(i, (i * 7919) % 16);
  writeCallWithRtp(
    file,
    'long@10.0.0.1',
    rtpFrames({
      src: CALLER_MEDIA,
      dst: CALLEE_MEDIA,
      ssrc: 0x0bad0001,
      payloadType: 0,
      start: T0 + 2.02,
      end: T0 + 2.02 + LONG * 0.02,
      payloadBytes: 20,
      lost,
      lateMs,
    }),
  );
}

describe.skipIf(!chromiumPresent)('RTP stream analysis in the call view', () => {
  let hx: Harness;
  let dir: string;
  /** A copy of the sample, removed once analysed: its streams cannot be read again. */
  let goneFile: string;
  let rtpCapture: string;
  let goneCapture: string;
  let longCaptureId: string;
  let twoWay: CallDetail;
  /** Every request the page made for a stream's packets. */
  const packetRequests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-analysis-'));
    goneFile = join(dir, 'gone-later.pcap');
    copyFileSync(join(ROOT, 'samples/call-with-rtp.pcap'), goneFile);
    const longFile = join(dir, 'long-stream.pcap');
    longCapture(longFile);
    hx = await startHarness({ samples: [join(ROOT, 'samples/call-with-rtp.pcap'), goneFile, longFile] });
    const idOf = await captureIdsByName(hx);
    rtpCapture = idOf('call-with-rtp.pcap');
    goneCapture = idOf('gone-later.pcap');
    longCaptureId = idOf('long-stream.pcap');
    const details = await callDetails<CallDetail>(hx, rtpCapture);
    twoWay = details.find((d) => d.call.callIds[0].startsWith('rtp-two-way')) as CallDetail;
    hx.page.on('request', (r) => {
      if (/\/streams\/\d+\/packets/.test(r.url())) packetRequests.push(r.url());
    });
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;
  const panel = (id: number) =>
    page().locator(`.inspector-stream .stream-analysis[data-analysis-stream="${id}"]`);
  /** The call in a fresh page, stream `id` picked in its table: the inspector on it. */
  const openStream = async (capture: string, d: CallDetail, id: number) => {
    await page().goto('about:blank');
    await page().goto(`${hx.server.url}/#/captures/${capture}/calls/${d.call.id}`);
    await page().locator('svg.ladder [data-message-id]').first().waitFor();
    await page().locator(`tr.rtp-row[data-stream-id="${id}"] td.codecs`).click();
    await page().locator(`.inspector-stream[data-inspected-stream="${id}"]`).waitFor();
  };

  it(
    'charts stream 1 when asked, not before: delta, jitter, its two losses, the figures and the packets not ok',
    async () => {
      expect(twoWay.call.id).toBe(0);
      await openStream(rtpCapture, twoWay, 1);
      const p = panel(1);
      const button = p.getByRole('button', { name: 'Analyse packets' });
      await button.waitFor();
      // Nothing read from the capture file until the click.
      expect(packetRequests).toEqual([]);
      expect(await p.locator('svg').count()).toBe(0);

      const url = `/api/captures/${encodeURIComponent(rtpCapture)}/calls/0/streams/1/packets`;
      const server = await hx.api<StreamPackets>(url);
      expect([server.total, server.summary.lost]).toEqual([496, 3]);

      await button.click();
      await page().locator('.stream-analysis[data-analysis-stream="1"][data-state="done"]').waitFor();
      expect(packetRequests.map((u) => new URL(u).pathname)).toEqual([url]);
      expect(await button.count()).toBe(0);

      // The chart: a path each for delta and jitter, every packet drawn (496 are fewer than 4 a pixel
      // column), the first but in the jitter (no gap before it).
      const svg = p.locator('svg.stream-chart');
      for (const [key, points] of [
        ['delta', '495'],
        ['jitter', '496'],
      ]) {
        const path = svg.locator(`path.series-${key}`);
        expect(await path.count()).toBe(1);
        expect(((await path.getAttribute('d')) as string).length).toBeGreaterThan(100);
        expect(await path.getAttribute('data-points')).toBe(points);
      }
      expect(await svg.locator('path.series-skew').count()).toBe(0);
      expect(await p.locator('[data-legend="delta"]').textContent()).toBe('delta (ms)');
      expect(await p.locator('[data-legend="jitter"]').textContent()).toBe('jitter (ms)');
      expect(await p.locator('[data-legend="lost"]').textContent()).toBe('lost packets (3)');
      // Axes labelled, their ticks as numbers.
      expect(await svg.locator('.axis-label').allTextContents()).toEqual([
        'capture time (s since the ladder’s first message)',
        'ms',
      ]);
      expect(await svg.locator('.x-axis .tick').count()).toBeGreaterThan(3);
      expect(await svg.locator('.y-axis .tick text').last().textContent()).toBe('60');

      // Exactly two loss marks, where the gaps were, their tooltips saying what was lost.
      const marks = svg.locator('g.loss-mark');
      expect(await marks.count()).toBe(2);
      expect(await marks.locator('title').allTextContents()).toEqual([
        '2 lost before frame 209',
        '1 lost before frame 506',
      ]);
      expect(await marks.evaluateAll((els) => els.map((e) => e.getAttribute('data-frames')))).toEqual([
        '209',
        '506',
      ]);
      // Warning-coloured.
      expect(
        await marks
          .first()
          .locator('.loss-tick')
          .evaluate((e) => getComputedStyle(e).fill),
      ).toBe('rgb(183, 121, 31)');
      // At their times on the x axis: 4.060 s and 7.040 s, 2.980 s apart, the stream 9.960 s wide.
      const xs = await marks.evaluateAll((els) =>
        els.map((e) => Number(/translate\(([\d.]+),/.exec(e.getAttribute('transform') as string)?.[1])),
      );
      const plot = await svg.locator('rect.hover-zone').evaluate((e) => ({
        x: Number(e.getAttribute('x')),
        width: Number(e.getAttribute('width')),
      }));
      expect((xs[0] - plot.x) / plot.width).toBeCloseTo((4.06 - 2.02) / 9.96, 2);
      expect((xs[1] - plot.x) / plot.width).toBeCloseTo((7.04 - 2.02) / 9.96, 2);

      // The figures line from the server's summary.
      const figures = (await p.locator('[data-figures]').textContent()) as string;
      expect(figures).toContain('3 lost (0.6 %)');
      expect(figures).toBe(
        '496 packets · 499 expected · 3 lost (0.6 %) · 2 sequence errors · max delta 60.000 ms · ' +
          'max jitter 3.453 ms · mean jitter 0.121 ms · max skew -30.000 ms · clock drift -0.105 ms · ' +
          'freq drift 8\u202f000 Hz (0.00 %) · clock 8000 Hz',
      );
      expect(await p.locator('[data-figure="lost"]').evaluate((e) => getComputedStyle(e).color)).toBe(
        'rgb(183, 121, 31)',
      );

      // The packets not ok: the two after a gap, with what was lost before them.
      const table = p.locator('table.stream-problems');
      expect(await table.getAttribute('data-problems')).toBe('2');
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['209', '4.060', '1102', '60.000', '0.000', '0.000', 'wrong sequence: 2 lost before it'],
        ['506', '7.040', '1251', '40.000', '0.000', '0.000', 'wrong sequence: 1 lost before it'],
      ]);
      expect(await p.locator('[data-more]').count()).toBe(0);

      // The pointer on the first loss mark (a pixel is 20 ms here): the packet after the gap, under the chart.
      const box = (await svg.boundingBox()) as { x: number; y: number; width: number; height: number };
      const scale = box.width / Number((await svg.getAttribute('viewBox'))?.split(' ')[2]);
      await page().mouse.move(box.x + xs[0] * scale, box.y + box.height / 2);
      await expect
        .poll(() => p.locator('[data-readout]').textContent())
        .toBe(
          'frame 209 · 4.060 s · seq 1102 · delta 60.000 ms · jitter 0.000 ms · skew 0.000 ms · ' +
            'wrong sequence: 2 lost before it',
        );
      expect(await svg.locator('.hover-guide').getAttribute('visibility')).toBe('visible');
      await page().mouse.move(0, 0);
      await expect
        .poll(() => p.locator('[data-readout]').textContent())
        .toBe('Point at the chart for a packet’s figures.');

      await p.scrollIntoViewIfNeeded();
      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-analysis.png') });
      await p.screenshot({ path: join(SCREENSHOTS, 'rtp-analysis-panel.png') });

      // The skew, switched on: a third path, the y axis down to the −30 ms of the late packet.
      await p.locator('input[data-series-toggle="skew"]').check();
      expect(await svg.locator('path.series-skew').getAttribute('data-points')).toBe('496');
      const lowest = (await svg.locator('.y-axis .tick text').first().textContent()) as string;
      expect(Number(lowest.replace('−', '-'))).toBeLessThanOrEqual(-30);
      await svg.screenshot({ path: join(SCREENSHOTS, 'rtp-analysis-skew.png') });
      await p.locator('input[data-series-toggle="skew"]').uncheck();
      expect(await svg.locator('path.series-skew').count()).toBe(0);
      expect(packetRequests).toHaveLength(1);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'keeps the keys pressed in the panel from the ladder, and Enter on the button analyses',
    async () => {
      await openStream(rtpCapture, twoWay, 1);
      const before = packetRequests.length;
      const hash = await page().evaluate(() => location.hash);
      const button = panel(1).getByRole('button', { name: 'Analyse packets' });
      await button.focus();
      // ↑/↓ and + on the button: no other row selected, no zoom, the stream still in the inspector.
      const zoom = await page().locator('svg.ladder').getAttribute('viewBox');
      await page().keyboard.press('ArrowDown');
      await page().keyboard.press('ArrowUp');
      await page().keyboard.press('+');
      expect(await page().evaluate(() => location.hash)).toBe(hash);
      expect(await page().locator('svg.ladder').getAttribute('viewBox')).toBe(zoom);
      expect(await page().locator('tr.rtp-row.picked').getAttribute('data-stream-id')).toBe('1');
      expect(await page().locator('.inspector-stream[data-inspected-stream="1"]').count()).toBe(1);
      await page().keyboard.press('Enter');
      await page().locator('.stream-analysis[data-state="done"]').waitFor();
      expect(packetRequests.length).toBe(before + 1);
      // The button gone, the focus stays in the panel: ↓ still is not the ladder's.
      expect(await page().evaluate(() => document.activeElement?.classList.contains('stream-analysis'))).toBe(
        true,
      );
      await page().keyboard.press('ArrowDown');
      expect(await page().locator('.inspector-stream[data-inspected-stream="1"]').count()).toBe(1);
      // Esc leaves the stream, as from the page.
      await page().keyboard.press('Escape');
      await expect.poll(() => page().locator('.inspector-stream').count()).toBe(0);
      // Another stream: its own panel, not analysed until asked.
      await openStream(rtpCapture, twoWay, 0);
      expect(await panel(0).getByRole('button', { name: 'Analyse packets' }).isVisible()).toBe(true);
      expect(packetRequests.length).toBe(before + 1);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'shows the server’s sentence as text when the capture file is gone',
    async () => {
      rmSync(goneFile);
      // The same call in the copy of the sample, its lossy stream.
      const call = await hx.api<CallDetail>(`/api/captures/${goneCapture}/calls/${twoWay.call.id}`);
      expect(call.call.callIds).toEqual(twoWay.call.callIds);
      const id = 1;
      const res = await page().evaluate(
        async (u) => {
          const r = await fetch(u);
          return { status: r.status, body: (await r.json()) as { error: string } };
        },
        `/api/captures/${encodeURIComponent(goneCapture)}/calls/${call.call.id}/streams/${id}/packets`,
      );
      expect(res.status).toBe(410);
      expect(res.body.error).toMatch(/cannot be read any more/);

      await openStream(goneCapture, call, id);
      const p = panel(id);
      await p.getByRole('button', { name: 'Analyse packets' }).click();
      await p.locator('[data-error]').waitFor();
      expect(await p.locator('[data-error]').textContent()).toBe(
        `Cannot analyse the packets (410): ${res.body.error}`,
      );
      expect(await p.getAttribute('data-state')).toBe('error');
      // Asked again, it may be tried again.
      expect(await p.getByRole('button', { name: 'Analyse packets' }).isEnabled()).toBe(true);
      expect(await p.locator('svg').count()).toBe(0);
      await p.screenshot({ path: join(SCREENSHOTS, 'rtp-analysis-error.png') });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );
  it(
    'draws a stream of 100,000 packets as paths of at most 4 points a pixel column, its losses a mark each',
    async () => {
      const { calls } = await hx.api<CallPage>(`/api/captures/${longCaptureId}/calls?limit=10`);
      const d = await hx.api<CallDetail>(`/api/captures/${longCaptureId}/calls/${calls[0].id}`);
      const s = d.streams?.[0] as RtpStream;
      expect([s.packets, s.lost]).toEqual([LONG - 250, 250]);
      await openStream(longCaptureId, d, s.id);
      const p = panel(s.id);
      const started = Date.now();
      await p.getByRole('button', { name: 'Analyse packets' }).click();
      await page().locator('.stream-analysis[data-state="done"]').waitFor({ timeout: 30_000 });
      const took = Date.now() - started;
      const svg = p.locator('svg.stream-chart');
      const plotWidth = Number(await svg.locator('rect.hover-zone').getAttribute('width'));
      for (const key of ['delta', 'jitter']) {
        const points = Number(await svg.locator(`path.series-${key}`).getAttribute('data-points'));
        expect(points).toBeGreaterThan(plotWidth);
        expect(points).toBeLessThanOrEqual(Math.round(plotWidth) * 4);
      }
      // A gap every 8 s, a pixel column ~3.6 s: a mark each, 250 packets lost in all.
      const marks = svg.locator('g.loss-mark');
      expect(await marks.count()).toBe(250);
      expect(await marks.first().locator('title').textContent()).toMatch(/^1 lost before frame \d+$/);
      expect(await p.locator('[data-legend="lost"]').textContent()).toBe('lost packets (250)');
      // The largest delta (a gap after a late packet) reaches the top of the chart.
      expect(await p.locator('[data-figure="max delta"]').textContent()).toBe(
        `max delta ${(s.maxDeltaMs as number).toFixed(3)} ms`,
      );
      // 250 packets not ok, 200 listed.
      expect(await p.locator('table.stream-problems').getAttribute('data-problems')).toBe('250');
      expect(await p.locator('table.stream-problems tbody tr').count()).toBe(200);
      expect(await p.locator('[data-more]').textContent()).toBe('and 50 more packets');
      await p.scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(SCREENSHOTS, 'rtp-analysis-long.png') });
      console.log(`100,000 packets: click to chart in ${took} ms`);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );
});
