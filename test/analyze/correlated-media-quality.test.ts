/**
 * media.poor-quality (RFC 3611 §4.7.5, ITU-T G.107): a stream whose
 * E-model estimate is under R 70 (MOS 3.6, "many users dissatisfied").
 * Each case is a basic call and its RTP, analysed end to end:
 *
 *   alice 10.0.0.1:49170                       bob 10.0.0.2:3456
 *     |--INVITE (SDP)--------------------------->|
 *     |<--------------------------200 OK (SDP)---|
 *     |--ACK------------------------------------>|
 *     |==RTP SSRC 0xA, 20 ms, chosen packets lost>|
 */
import { describe, expect, it } from 'vitest';
import { T0 } from '../fixtures/flows/index.js';
import { analyseRtpCall } from '../fixtures/rtp-call-capture.js';

/** The media.poor-quality findings of a call whose RTP ran `seconds` with the packets of `lost` never sent. */
async function findings(lost: (i: number) => boolean, seconds = 10) {
  const indexes = Array.from({ length: seconds * 50 }, (_, i) => i).filter(lost);
  const r = await analyseRtpCall({ end: T0 + 2 + seconds, lost: new Set(indexes) });
  return r.findings.filter((f) => f.rule === 'media.poor-quality');
}

describe('media.poor-quality: a stream estimated under R 70 (MOS 3.6)', () => {
  it('fires on a stream that lost one packet in ten', async () => {
    // 500 expected, 50 lost in 50 runs: Ppl 10%, BurstR = 1/(50/450 + 1) = 0.9
    // Ie,eff = 950/(10/0.9 + 25.1) = 950/36.211111 = 26.235; R = 66.965 < 70
    // MOS = 1 + 2.343775 + 66.965·6.965·33.035·7e-6 = 3.451632
    const f = await findings((i) => i % 10 === 5);
    expect(f.length).toBe(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].text).toBe(
      'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) is estimated at MOS 3.45 (E-model R 67.0, under 70): PCMU, 10% of its packets lost or too late for a 60 ms jitter buffer (burst ratio 0.9), delay not known',
    );
  });

  it('stays quiet at 2% loss, which G.711 with concealment rates R 86', async () => {
    expect(await findings((i) => i % 50 === 25)).toEqual([]);
  });

  it('does not judge a stream of under 50 expected packets', async () => {
    // 0.8 s: 40 expected, half of them lost.
    expect(await findings((i) => i % 2 === 0 && i > 0 && i < 39, 0.8)).toEqual([]);
  });
});
