/**
 * media.format-not-negotiated across re-negotiations (RFC 3264 §8,
 * modifying the session): a payload type judged by its activity spans, so
 * a codec sent on through the time a re-INVITE had dropped it is found even
 * when it was allowed before and after (§6.1, §7: only what the exchange in
 * force lists may be sent).
 *
 *   time    alice 10.0.0.1:4000              bob 10.0.0.2:5000
 *   0.000   |--INVITE (0 PCMU, 8 PCMA, 101)---->|  #0
 *   2.000   |<--200 OK (0 PCMU, 101)------------|  #2
 *   2.02    |==RTP PT 0========================>|
 *   t       |<--re-INVITE (T.38, or a=sendonly)-|  the change (bob's fax, alice's hold)
 *   t+0.05  |--200 OK -------------------------->|
 *   t2      |--re-INVITE back to PCMU---------->|
 *   t2+0.05 |<--200 OK--------------------------|
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/index.js';
import { ANSWER, faxAndBack, mediaCall, mLine, OFFER, sdpBody } from '../fixtures/flows/sdp-flows.js';
import { byTime, type RtpSpec, rtpFrames } from '../fixtures/rtp-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-dropped-'));
let n = 0;

const A = { ip: '10.0.0.1', port: 4000 };
const B = { ip: '10.0.0.2', port: 5000 };
const AUDIO_A = (v: number) => sdpBody('10.0.0.1', v, mLine('audio', 4000, [0, 8, 101]));
const AUDIO_B = (v: number) => sdpBody('10.0.0.2', v, mLine('audio', 5000, [0, 101]));

const pcmu = (from: number, to: number, over: Partial<RtpSpec> = {}): RtpSpec => ({
  src: A,
  dst: B,
  ssrc: 0xa,
  payloadType: 0,
  start: T0 + from,
  end: T0 + to,
  ...over,
});

async function judged(flow: SipMessage[], ...rtp: RtpSpec[]) {
  const file = join(dir, `case-${n++}.pcap`);
  const frames = byTime(flowToFrames(flow), ...rtp.map((r) => rtpFrames(r)));
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  expect(r.streams.length).toBeGreaterThan(0);
  return { r, found: r.findings.filter((f) => f.rule === 'media.format-not-negotiated') };
}

describe('media.format-not-negotiated: RFC 3264 §8 a re-INVITE that drops a codec, §6.1/§7 only what is in force may be sent', () => {
  it('PCMU sent all through a T.38 re-INVITE (same ports) until audio came back: the dropped time is named', async () => {
    const { r, found } = await judged(faxAndBack(), pcmu(2.02, 40));
    expect(r.streams[0].payloadTypeSpans).toEqual([[[T0 + 2.02, r.streams[0].end]]]);
    expect(found.map((f) => [f.severity, f.text])).toEqual([
      [
        'warning',
        'audio RTP 10.0.0.1:4000 → 10.0.0.2:5000 (SSRC 0x0000000A) carried payload type 0 PCMU/8000 (1899 packets) from 8.0 s to 28.0 s into the stream, between the answer that dropped it and the offer that allowed it again: a re-negotiation changed the formats and the sender did not follow it',
      ],
    ]);
    // The 200 OK that announced bob's address, the 200 OK that accepted T.38, the re-INVITE that brought PCMU back.
    expect(found[0].messages).toEqual([2, 5, 7]);
  });

  it('the same with T.38 on new ports: the dialog says which audio line it replaced', async () => {
    const { found } = await judged(faxAndBack({ bob: 5004, alice: 4004 }), pcmu(2.02, 40));
    expect(found.map((f) => f.text.split(' carried ')[1].split(':')[0])).toEqual([
      'payload type 0 PCMU/8000 (1899 packets) from 8.0 s to 28.0 s into the stream, between the answer that dropped it and the offer that allowed it again',
    ]);
  });

  it('must not: PCMU paused through the fax, from the T.38 answer to the re-INVITE back', async () => {
    const { r, found } = await judged(
      faxAndBack(),
      pcmu(2.02, 10.05),
      pcmu(30.1, 40, { firstSequence: 2000 }),
    );
    expect(r.streams.map((s) => s.payloadTypeSpans?.[0].length)).toEqual([2]);
    expect(found).toEqual([]);
  });

  it('PCMU kept past the T.38 answer with the audio never back: the after-the-answer text as before', async () => {
    const flow = faxAndBack({ back: false });
    const { found } = await judged(flow, pcmu(2.02, 20));
    expect(found.map((f) => f.text.split(' carried ')[1].split(':')[0])).toEqual([
      'payload type 0 PCMU/8000 (899 packets) until 9.9 s after the answer that dropped it',
    ]);
  });

  /** Alice holds at 10 s offering only PCMA (bob answers PCMA), resumes with PCMU at 25 s. */
  function holdDroppingPcmu(): SipMessage[] {
    return mediaCall({
      invite: OFFER,
      ok: ANSWER,
      changes: [
        {
          t: 10,
          offer: sdpBody('10.0.0.1', 2, mLine('audio', 4000, [8], 'a=sendonly')),
          answer: sdpBody('10.0.0.2', 2, mLine('audio', 5000, [8], 'a=recvonly')),
        },
        { t: 25, offer: AUDIO_A(3), answer: AUDIO_B(3) },
      ],
    });
  }

  it('hold and resume: PCMU sent by bob while the hold allowed PCMA only, flagged on the hold answer and the resume offer', async () => {
    const fromBob = pcmu(2.03, 35, { src: B, dst: A, ssrc: 0xb });
    const { found } = await judged(holdDroppingPcmu(), fromBob);
    expect(found.map((f) => f.text.split(' carried ')[1].split(':')[0])).toEqual([
      'payload type 0 PCMU/8000 (1648 packets) from 8.0 s to 23.0 s into the stream, between the answer that dropped it and the offer that allowed it again',
    ]);
    // The INVITE that announced alice's address, the 200 OK to the hold, the re-INVITE that resumed.
    expect(found[0].messages).toEqual([0, 5, 7]);
  });

  it('must not: a DTMF digit and comfort-noise pauses inside the allowed time leave one span', async () => {
    const flow = mediaCall({
      invite: OFFER,
      ok: sdpBody('10.0.0.2', 1, mLine('audio', 5000, [0, 101])),
    });
    const { r, found } = await judged(
      flow,
      pcmu(2.02, 5),
      pcmu(5.02, 5.3, { payloadType: 101, firstSequence: 200 }),
      pcmu(5.32, 8, { firstSequence: 300 }),
      pcmu(9.5, 12, { firstSequence: 500 }),
    );
    expect(r.streams.map((s) => s.payloadTypeSpans?.map((x) => x.length))).toEqual([[1, 1]]);
    expect(found).toEqual([]);
  });
});
