/**
 * What RTCP said about a call's streams (RFC 3550 §6.4.1), in headless
 * Chromium against the real server, with the bundled sample
 * rtcp-loss-after-capture.pcap: alice's stream passed the capture point
 * whole, bob's receiver reports say 25 of its packets were lost. The table
 * marks that loss `+25 RTCP` in the warning colour; the stream's details
 * give the reports, the round trip and the sender's count, and the
 * media.rtcp-loss finding is on the ladder. Screenshot:
 * test-output/screenshots/rtcp-stream-inspector.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RtpStream } from '../../web/src/api/types.js';
import { chromiumPresent, SCREENSHOTS, sampleCall } from './harness.js';

describe.skipIf(!chromiumPresent)('RTCP reports in the call view', () => {
  const sc = sampleCall('rtcp-loss-after-capture.pcap');

  const page = () => sc.hx.page;
  const fact = (key: string) => page().locator(`.inspector-stream dd[data-fact="${key}"]`);

  it('marks the loss the receiver reported past the capture point, and details what RTCP said', async () => {
    const streams = sc.call.streams as RtpStream[];
    const alice = streams.find((s) => s.ssrc === '0x1A2B3C4E') as RtpStream;
    const bob = streams.find((s) => s.ssrc === '0x5E6F7082') as RtpStream;
    expect(alice.rtcp?.cumulativeLost).toBe(25);
    await page().goto(`${sc.hx.server.url}/#/captures/${sc.captureId}/calls/${sc.call.call.id}`);
    await page().locator('.rtp-streams[data-streams="2"]').waitFor();
    const lost = (s: RtpStream) => page().locator(`tr.rtp-row[data-stream-id="${s.id}"] td[data-col="lost"]`);
    expect(await lost(alice).textContent()).toBe('0 (0.0 %) +25 RTCP');
    expect(await lost(alice).getAttribute('class')).toContain('sev-warning');
    expect(await lost(alice).getAttribute('title')).toBe(
      'its receiver reported 25 more lost in RTCP: lost after the capture point',
    );
    // Bob's stream: his receiver (alice) reported nothing lost: no mark.
    expect(await lost(bob).textContent()).toBe('0 (0.0 %)');
    expect(await lost(bob).getAttribute('class')).not.toContain('sev-warning');
    // The mark fits: every column still in sight at 1,400 px.
    expect(
      await page()
        .locator('.rtp-scroll')
        .evaluate((e) => e.scrollWidth <= e.clientWidth),
    ).toBe(true);
    await page()
      .locator('.rtp-streams')
      .screenshot({ path: join(SCREENSHOTS, 'rtcp-streams.png') });
    // The finding is on the ladder, named by its rule.
    expect(await page().locator('svg.ladder').textContent()).toContain('media.rtcp-loss');

    await page().locator(`tr.rtp-row[data-stream-id="${alice.id}"] td.dir`).click();
    await page().locator(`.inspector-stream[data-inspected-stream="${alice.id}"]`).waitFor();
    expect(await fact('RTCP: receiver reported lost').textContent()).toBe(
      '25 since it began receiving, 25 while captured (at most 12.1% in one interval; 2 reports) — ⚠ 25 more than the capture saw: lost after the capture point',
    );
    expect(await fact('RTCP: receiver reported lost').getAttribute('class')).toContain('sev-warning');
    expect(await fact('RTCP: receiver reported jitter max').textContent()).toBe('3.000 ms');
    expect(await fact('RTCP: round trip mean / max').textContent()).toBe(
      '40.002 / 40.002 ms (from the capture point, 2 reports)',
    );
    expect(await fact('RTCP: sender reported sent').textContent()).toBe('450 packets (its last SR)');
    await page()
      .locator('.inspector-pane')
      .screenshot({ path: join(SCREENSHOTS, 'rtcp-stream-inspector.png') });
    expect(sc.hx.events.errors).toEqual([]);
  }, 60_000);
});
