/**
 * What a call's endpoints measured themselves (RTCP XR VoIP Metrics, RFC
 * 3611 §4.7) next to sipscope's E-model estimate (ITU-T G.107), in
 * headless Chromium against the real server, with the bundled sample
 * rtcp-xr-call.pcap: the caller's stream lost 4 packets in a row, the
 * callee's phone reported MOS-LQ 4.2, MOS-CQ 4.1, R 89. The MOS cell shows
 * our 4.28 and its tooltip the phone's figures; the stream's details give
 * both. Screenshot: test-output/screenshots/rtcp-xr-inspector.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RtpStream } from '../../web/src/api/types.js';
import { chromiumPresent, SCREENSHOTS, sampleCall } from './harness.js';

describe.skipIf(!chromiumPresent)('RTCP XR beside the MOS estimate in the call view', () => {
  const sc = sampleCall('rtcp-xr-call.pcap');

  const page = () => sc.hx.page;

  it('shows our MOS in the table, the phone reported figures in its tooltip and in the stream details', async () => {
    const caller = (sc.call.streams as RtpStream[]).find((s) => s.ssrc === '0x1A2B3C4F') as RtpStream;
    expect(caller.rtcp?.xr?.voip?.mosLq).toBe(4.2);
    await page().goto(`${sc.hx.server.url}/#/captures/${sc.captureId}/calls/${sc.call.call.id}`);
    await page().locator('.rtp-streams[data-streams="2"]').waitFor();
    const mos = page().locator(`tr.rtp-row[data-stream-id="${caller.id}"] td[data-col="mos"]`);
    expect(await mos.textContent()).toBe('4.28');
    const title = (await mos.getAttribute('title')) as string;
    expect(title).toMatch(/^R 87\.8 \(E-model, ITU-T G\.107, estimated from the capture\)/);
    expect(title).toContain('\nits receiver reported (RTCP XR): MOS-LQ 4.2, MOS-CQ 4.1, R 89; loss 0.8%');
    // The stream's details: both, each in its row.
    await mos.click();
    await page().locator(`.inspector-stream[data-inspected-stream="${caller.id}"]`).waitFor();
    const fact = (key: string) => page().locator(`.inspector-stream dd[data-fact="${key}"]`);
    expect(await fact('MOS (estimate)').textContent()).toMatch(/^4\.28 — R 87\.8/);
    expect(await fact('RTCP XR').textContent()).toContain('MOS-LQ 4.2, MOS-CQ 4.1, R 89');
    await fact('RTCP XR').scrollIntoViewIfNeeded();
    await page().screenshot({ path: join(SCREENSHOTS, 'rtcp-xr-inspector.png') });
    expect(sc.hx.events.errors).toEqual([]);
  });
});
