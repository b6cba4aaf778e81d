/**
 * The DTMF keys of a call in headless Chromium against the real server,
 * with the bundled sample dtmf-call.pcap: the line of keys under the call's
 * summary in the order sent (RFC 4733 events of both streams, then the two
 * SIP INFO digits), each key's tooltip, an INFO key selecting its message on
 * the ladder, the digits of each stream on its row of the ladder, the
 * story's sentence, and digits carrying markup shown as text.
 * Screenshots: test-output/screenshots/dtmf.png (the README's web/screenshots/dtmf.png), dtmf-ladder.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallDetail } from '../../web/src/api/types.js';
import { IMG_PAYLOAD, SCRIPT_PAYLOAD } from './captures.js';
import { chromiumPresent, SCREENSHOTS, sampleCall } from './harness.js';

const T = 60_000;

describe.skipIf(!chromiumPresent)('DTMF keys in the call view', () => {
  const sc = sampleCall('dtmf-call.pcap');

  const page = () => sc.hx.page;
  const open = async () => {
    await page().goto('about:blank');
    await page().goto(`${sc.hx.server.url}/#/captures/${sc.captureId}/calls/0`);
    await page().locator('svg.ladder [data-message-id]').first().waitFor();
  };

  it(
    'shows the keys in the order sent, each saying who sent it, when and how',
    async () => {
      await open();
      const line = page().locator('.call-dtmf');
      expect(await line.getAttribute('data-dtmf')).toBe('1 2 3 4 # 9 5 *');
      const keys = line.locator('.dtmf-key');
      expect(await keys.allTextContents()).toEqual(['1', '2', '3', '4', '#', '9', '5', '*']);
      expect(await keys.nth(0).getAttribute('title')).toBe(
        `1 from 10.0.0.1:49170 at 3.00 s (frame ${sc.call.call.dtmf?.[0].frame}), RFC 4733 event, stream 0, 120 ms`,
      );
      expect(await keys.nth(5).getAttribute('title')).toContain('9 from 10.0.0.2:3456 at 6.00 s');
      expect(await keys.nth(6).getAttribute('title')).toBe(
        '5 from 10.0.0.1:5060 at 7.00 s (frame 301), SIP INFO #5, 160 ms',
      );
      expect(await line.locator('.dtmf-how').textContent()).toBe('(RFC 4733, SIP INFO)');
      // Each stream's row of the ladder carries its digits, under its line and in its tooltip.
      const row = (id: number) => page().locator(`svg.ladder g.ladder-rtp[data-stream-id="${id}"]`);
      expect(await row(0).locator('.rtp-note').textContent()).toBe('DTMF 1 2 3 4 #');
      expect(await row(1).locator('.rtp-note').textContent()).toBe('DTMF 9');
      expect(await row(0).locator('title').textContent()).toContain(
        'DTMF 1 2 3 4 # (RFC 4733 telephone events)',
      );
      await page()
        .locator('svg.ladder')
        .screenshot({ path: join(SCREENSHOTS, 'dtmf-ladder.png') });
      // The story tells them too.
      const story = (await page().locator('.call-story p').textContent()) as string;
      expect(story).toContain(
        'sent the DTMF digits 1 2 3 4 # as RFC 4733 telephone events in RTP, from 3.00 s',
      );
      expect(story).toContain('sent the DTMF digit 9 as an RFC 4733 telephone event in RTP, from 6.00 s');
      expect(story).toContain('sent the DTMF digits 5 * in SIP INFO requests, from 7.00 s');
      // The story open, as an engineer reads it, above the top of the ladder.
      await page().locator('.call-story summary').click();
      await page().screenshot({
        path: join(SCREENSHOTS, 'dtmf.png'),
        clip: { x: 0, y: 0, width: 1400, height: 520 },
      });
    },
    T,
  );

  it(
    'selects the INFO message of a key sent in SIP INFO',
    async () => {
      await open();
      await page().locator('.call-dtmf a.dtmf-key').first().click();
      await page().waitForURL(/\/messages\/5$/);
      await page()
        .locator('svg.ladder [data-message-id="5"].selected, svg.ladder .selected[data-message-id="5"]')
        .first()
        .waitFor();
      expect(page().url()).toMatch(/#\/captures\/[^/]+\/calls\/0\/messages\/5$/);
    },
    T,
  );

  it(
    'shows no line for a call without keys, and a key carrying markup as text',
    async () => {
      const url = `**/api/captures/${sc.captureId}/calls/0`;
      await page().route(url, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as CallDetail;
        delete body.call.dtmf;
        await route.fulfill({ response: res, json: body });
      });
      await open();
      expect(await page().locator('.call-dtmf').count()).toBe(0);
      await page().unroute(url);

      await page().route(url, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as CallDetail;
        const d = body.call.dtmf?.[6];
        if (d !== undefined) Object.assign(d, { digit: IMG_PAYLOAD, src: SCRIPT_PAYLOAD, ended: false });
        await route.fulfill({ response: res, json: body });
      });
      await open();
      const key = page().locator('.call-dtmf .dtmf-key').nth(6);
      expect(await key.textContent()).toBe(IMG_PAYLOAD);
      expect(await key.getAttribute('title')).toContain(`from ${SCRIPT_PAYLOAD} at`);
      expect(await key.getAttribute('class')).toContain('dtmf-unended');
      expect(await page().locator('.call-dtmf img, .call-dtmf script, .call-story img').count()).toBe(0);
      expect(
        await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      await page().unroute(url);
    },
    T,
  );
});
