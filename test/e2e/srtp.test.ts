/**
 * SRTP streams in the call view, in headless Chromium against the real
 * server, with the bundled sample srtp-call.pcap (RFC 3711 streams keyed by
 * the SDES a=crypto lines of RFC 4568): each stream's row says `SRTP` before
 * its codecs (the codecs cell cuts long text short, the badge stays
 * visible), its tooltip the suite and how many packets authenticated, and
 * the digits of the encrypted RFC 4733 events are read.
 * Screenshot: test-output/screenshots/srtp.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, type Harness, onlyCaptureId, ROOT, SCREENSHOTS, startHarness } from './harness.js';

describe.skipIf(!chromiumPresent)('SRTP streams in the call view', () => {
  let hx: Harness;
  let captureId: string;

  beforeAll(async () => {
    hx = await startHarness({ samples: [join(ROOT, 'samples/srtp-call.pcap')] });
    captureId = await onlyCaptureId(hx);
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
  });

  it('marks both streams SRTP, decrypted, with the suite and the SRTCP read (RFC 3711 §3.4) in the tooltip, and reads their digits', async () => {
    const page = hx.page;
    await page.goto('about:blank');
    await page.goto(`${hx.server.url}/#/captures/${captureId}/calls/0`);
    await page.locator('svg.ladder [data-message-id]').first().waitFor();
    const badges = page.locator('.rtp-table td.codecs .srtp');
    expect(await badges.count()).toBe(2);
    expect(await badges.evaluateAll((els) => els.map((e) => e.getAttribute('data-srtp')))).toEqual([
      'decrypted',
      'decrypted',
    ]);
    expect(await badges.first().getAttribute('title')).toMatch(
      /^SRTP decrypted with the SDES key of the sender's SDP \(AES_CM_128_HMAC_SHA1_(80|32), RFC 4568\): \d+ packets authenticated; SRTCP: 1 authenticated and read$/,
    );
    // The badge comes first in its cell and is drawn inside the cell's box, not cut off by the ellipsis.
    const inside = await badges.first().evaluate((b) => {
      const cell = b.parentElement!.getBoundingClientRect();
      const r = b.getBoundingClientRect();
      return b.parentElement!.firstChild === b && r.width > 0 && r.right <= cell.right;
    });
    expect(inside).toBe(true);
    expect(await page.locator('.call-dtmf').getAttribute('data-dtmf')).toMatch(/^1 2 3 4 # 9/);
    await page.screenshot({ path: join(SCREENSHOTS, 'srtp.png') });
  }, 60_000);
});
