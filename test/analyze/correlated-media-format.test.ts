/**
 * media.format-not-negotiated (RFC 3264 §6.1, §7): RTP whose payload type
 * the offer/answer did not allow its sender. Each case is a capture made
 * from a named flow and RTP frames, analysed end to end.
 *
 *   alice 10.0.0.1 (RTP on 49170)                 bob 10.0.0.2 (RTP on 3456)
 *     |--INVITE (offer: 0 PCMU, 8 PCMA)------------->|   #0
 *     |<-----------------------------100, 180--------|   #1 #2
 *     |<--------200 OK (answer: 0 PCMU)--------------|   #3
 *     |--ACK----------------------------------------->|   #4
 *     |==RTP PT 0 (allowed) or PT 18 (never offered)=>|   alice, the offerer: the answer's list (§7)
 *     |<=RTP PT 0 (allowed) or PT 8 (offered, not answered)|  bob, the answerer: offer ∩ answer (§6.1)
 *     |--BYE / 200----------------------------------->|
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { Endpoint } from '../../src/decode/payload.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE, BOB, basicCall, reinviteHoldAndInfo, sdp, T0 } from '../fixtures/flows/index.js';
import { byTime, type RtpSpec, rtpFrames } from '../fixtures/rtp-frames.js';
import { drop, edit, withBody } from './flow-edit.js';

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const dir = mkdtempSync(join(tmpdir(), 'sipscope-format-'));
let n = 0;

const RTPMAP: Record<string, string> = {
  '0': 'PCMU/8000',
  '8': 'PCMA/8000',
  '13': 'CN/8000',
  '18': 'G729/8000',
  '100': 'telephone-event/8000',
  '101': 'telephone-event/8000',
};

/** The fixtures' SDP (sdp()) receiving on `port` of `e`, with these formats (an rtpmap line for each). */
function sdpOf(e: Endpoint, port: number, formats: string, direction = 'sendrecv'): string {
  const maps = formats.split(' ').map((f) => `a=rtpmap:${f} ${RTPMAP[f]}\r\n`);
  return sdp(e, port, direction).replace(
    /m=audio [\s\S]*?(?=a=\w+\r\n$)/,
    `m=audio ${port} RTP/AVP ${formats}\r\n${maps.join('')}`,
  );
}

/** basicCall with the offer (#0) and the answer (#3) listing these formats. */
function call(offer: string, answer: string): SipMessage[] {
  const flow = edit(basicCall(), 0, (t) => withBody(t, sdpOf(ALICE, 49170, offer)));
  return edit(flow, 3, (t) => withBody(t, sdpOf(BOB, 3456, answer)));
}

async function analysed(flow: SipMessage[], ...rtp: RtpSpec[]) {
  const frames: TimedFrame[] = byTime(flowToFrames(flow), ...rtp.map((r) => rtpFrames(r)));
  const file = join(dir, `case-${n++}.pcap`);
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  // Every case has RTP on the SDP's addresses: what it checks is the judgement, not the finding of streams.
  expect(r.streams.length).toBeGreaterThan(0);
  return r.findings.filter((f) => f.rule === 'media.format-not-negotiated');
}

const aToB = (payloadType: number, over: Partial<RtpSpec> = {}): RtpSpec => ({
  src: A,
  dst: B,
  ssrc: 0xa,
  payloadType,
  start: T0 + 2.02,
  end: T0 + 12,
  ...over,
});
const bToA = (payloadType: number, over: Partial<RtpSpec> = {}): RtpSpec => ({
  src: B,
  dst: A,
  ssrc: 0xb,
  payloadType,
  start: T0 + 2.03,
  end: T0 + 12,
  ...over,
});

describe('media.format-not-negotiated: RFC 3264 §7 the offerer MUST send a format listed in the answer', () => {
  it('the answer lists PCMU only and alice sends G.729 (PT 18): one warning on the answer, with the packet count', async () => {
    const fs = await analysed(call('0 8', '0'), aToB(18), bToA(0));
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    expect(fs[0].text).toBe(
      'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) carried payload type 18 G729/8000 (499 packets) that the offer/answer did not agree on for that direction; it allowed 0 PCMU/8000',
    );
  });

  it('a dynamic PT 101 (telephone-event) offered but not in the answer: only the 101 packets are named', async () => {
    const dtmf = rtpFrames(aToB(101, { start: T0 + 5, end: T0 + 5.2, firstSequence: 5000 }));
    const flow = call('0 101', '0');
    const frames = byTime(flowToFrames(flow), rtpFrames(aToB(0, { end: T0 + 5 })), dtmf, rtpFrames(bToA(0)));
    const file = join(dir, `case-${n++}.pcap`);
    writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
    const fs = (await analyzeCapture(file)).findings.filter((f) => f.rule === 'media.format-not-negotiated');
    expect(fs.map((f) => f.text)).toEqual([
      'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) carried payload type 101 telephone-event/8000 (10 packets) that the offer/answer did not agree on for that direction; it allowed 0 PCMU/8000',
    ]);
  });

  it('must not: the normal call, both sides sending the first format of the answer', async () => {
    expect(await analysed(call('0 8', '0 8'), aToB(0), bToA(0))).toEqual([]);
  });

  it('must not: the offerer sends a format the answer added that the offer did not have (§7 allows any format of the answer)', async () => {
    expect(await analysed(call('0', '0 8'), aToB(8))).toEqual([]);
  });
});

describe('media.format-not-negotiated: RFC 3264 §6.1 the answerer MUST send a format of the offer also in the answer, with the offer numbers', () => {
  it('bob sends PCMA (offered) though his answer listed PCMU only: the finding is on the offer that announced where it went', async () => {
    const fs = await analysed(call('0 8', '0'), aToB(0), bToA(8));
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0]]]);
    expect(fs[0].text).toContain(
      '10.0.0.2:3456 → 10.0.0.1:49170 (SSRC 0x0000000B) carried payload type 8 PCMA/8000',
    );
    expect(fs[0].text).toContain('it allowed 0 PCMU/8000');
  });

  it('bob sends telephone-event with his own number 100 where the offer numbered it 101: not the offer number', async () => {
    const fs = await analysed(call('0 101', '0 100'), aToB(0), bToA(0), bToA(100, { ssrc: 0xc }));
    expect(fs.map((f) => f.text)).toEqual([
      'audio RTP 10.0.0.2:3456 → 10.0.0.1:49170 (SSRC 0x0000000C) carried payload type 100 telephone-event/8000 (498 packets) that the offer/answer did not agree on for that direction; it allowed 0 PCMU/8000, 101 telephone-event/8000',
    ]);
  });

  it('must not: bob sends the offer number 101 for the telephone-event his answer numbered 100', async () => {
    expect(await analysed(call('0 101', '0 100'), bToA(101))).toEqual([]);
  });

  it('must not: early media after an unreliable 183 with the answer SDP, before the 200 confirms it', async () => {
    const flow = edit(call('0 8', '0'), 2, (t) =>
      withBody(t.replace('SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress'), sdpOf(BOB, 3456, '0')),
    );
    expect(await analysed(flow, bToA(0, { start: T0 + 0.03 }), aToB(0))).toEqual([]);
  });

  it('must not: early media from another fork (its 183 SDP, 10.0.0.3 with PCMA) judged by the answer of the fork that won', async () => {
    const carol = { ip: '10.0.0.3', port: 7000 };
    const flow = edit(call('0 8', '0'), 2, (t) =>
      withBody(t.replace('SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress'), sdpOf(carol, 7000, '8')),
    );
    const early = { src: carol, dst: A, ssrc: 0xc, payloadType: 8, start: T0 + 0.03, end: T0 + 3 };
    expect(await analysed(flow, early, aToB(0))).toEqual([]);
  });

  it('must not: early media of a call never answered (no offer/answer completed: nothing to judge by)', async () => {
    let flow = edit(call('0 8', '0'), 2, (t) =>
      withBody(t.replace('SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress'), sdpOf(BOB, 3456, '0')),
    );
    flow = edit(flow, 3, (t) => withBody(t.replace('SIP/2.0 200 OK', 'SIP/2.0 486 Busy Here'), ''));
    flow = drop(flow, 4, 5, 6);
    expect(await analysed(flow, bToA(18, { start: T0 + 0.03, end: T0 + 1.9 }))).toEqual([]);
  });
});

describe('media.format-not-negotiated: comfort noise (RFC 3389) and re-negotiation', () => {
  it('must not: CN (PT 13) listed in both', async () => {
    const cn = rtpFrames(aToB(13, { start: T0 + 6, end: T0 + 6.1, firstSequence: 6000 }));
    const frames = byTime(flowToFrames(call('0 13', '0 13')), rtpFrames(aToB(0, { end: T0 + 6 })), cn);
    const file = join(dir, `case-${n++}.pcap`);
    writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
    const r = await analyzeCapture(file);
    expect(r.streams[0].payloadTypes).toEqual([0, 13]);
    expect(r.findings.filter((f) => f.rule === 'media.format-not-negotiated')).toEqual([]);
  });

  it('CN sent though neither side listed it: reported as info, said to be comfort noise only', async () => {
    const cn = rtpFrames(aToB(13, { start: T0 + 6, end: T0 + 6.1, firstSequence: 6000 }));
    const frames = byTime(flowToFrames(call('0', '0')), rtpFrames(aToB(0, { end: T0 + 6 })), cn);
    const file = join(dir, `case-${n++}.pcap`);
    writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
    const fs = (await analyzeCapture(file)).findings.filter((f) => f.rule === 'media.format-not-negotiated');
    expect(fs.map((f) => f.severity)).toEqual(['info']);
    expect(fs[0].text).toContain(`payload type 13 CN/8000 (${cn.length} packets)`);
    expect(fs[0].text).toContain('(comfort noise only: the receiver may drop it as unknown)');
  });

  /*
   *   time    alice 10.0.0.1                bob 10.0.0.2
   *   0.000   |--INVITE (0 PCMU, 8 PCMA)---->|  #0
   *   1.000   |<--200 OK (0 PCMU)------------|  #2
   *   1.02    |==RTP PT 0, SSRC 0xA=========>|
   *   5.000   |--re-INVITE (8 PCMA only)---->|  #4
   *   5.050   |<--200 OK (8 PCMA)------------|  #5
   *   5.07    |==RTP PT 8, same SSRC========>|  the stream carried 0 and 8: each allowed in its time
   */
  /** reinviteHoldAndInfo with PCMU agreed first, PCMA by the re-INVITE; alice sends PT 0, then `then` from 5.07 s. */
  function afterReinvite(then: number) {
    return reinvited(
      aToB(0, { start: T0 + 1.02, end: T0 + 5 }),
      aToB(then, { start: T0 + 5.07, end: T0 + 8.9, firstSequence: 1200 }),
    );
  }

  /** reinviteHoldAndInfo with PCMU agreed first, PCMA by the re-INVITE (offer #4 at 5.000, answer #5 at 5.050), and this RTP. */
  async function reinvited(before: RtpSpec, after: RtpSpec) {
    let flow = edit(reinviteHoldAndInfo(), 0, (t) => withBody(t, sdpOf(ALICE, 49170, '0 8')));
    flow = edit(flow, 2, (t) => withBody(t, sdpOf(BOB, 3456, '0')));
    flow = edit(flow, 4, (t) => withBody(t, sdpOf(ALICE, 49170, '8')));
    flow = edit(flow, 5, (t) => withBody(t, sdpOf(BOB, 3456, '8')));
    const file = join(dir, `case-${n++}.pcap`);
    writeFileSync(
      file,
      writePcap(byTime(flowToFrames(flow), rtpFrames(before), rtpFrames(after)), {
        linkType: LinkType.ETHERNET,
      }),
    );
    return analyzeCapture(file);
  }

  it('must not: a re-INVITE that switches the codec, the stream going on with the same SSRC', async () => {
    const r = await afterReinvite(8);
    expect(r.streams.map((s) => [s.payloadTypes, s.payloadTypePackets])).toEqual([
      [
        [0, 8],
        [199, 191],
      ],
    ]);
    expect(r.findings.filter((f) => f.rule === 'media.format-not-negotiated')).toEqual([]);
  });

  it('but a codec neither exchange allowed is still found across the re-INVITE', async () => {
    const fs = (await afterReinvite(18)).findings.filter((f) => f.rule === 'media.format-not-negotiated');
    expect(fs.map((f) => [f.messages, f.text.split('; ')[1]])).toEqual([
      [[2], 'it allowed 0 PCMU/8000, 8 PCMA/8000'],
    ]);
  });

  it('PCMU kept 3.8 s after the re-INVITE answer that dropped it: the sender did not follow the re-negotiation', async () => {
    const r = await reinvited(
      aToB(0, { start: T0 + 1.02, end: T0 + 5 }),
      aToB(0, { start: T0 + 5.02, end: T0 + 8.9, firstSequence: 1200 }),
    );
    const fs = r.findings.filter((f) => f.rule === 'media.format-not-negotiated');
    expect(fs.map((f) => [f.severity, f.messages, f.text])).toEqual([
      [
        'warning',
        [2, 5],
        'audio RTP 10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) carried payload type 0 PCMU/8000 (393 packets) until 3.8 s after the answer that dropped it: a re-negotiation changed the formats and the sender did not follow it',
      ],
    ]);
  });

  it('PCMA switched to 2 s before the re-INVITE that offers it', async () => {
    const r = await reinvited(
      aToB(0, { start: T0 + 1.02, end: T0 + 3 }),
      aToB(8, { start: T0 + 3.02, end: T0 + 8.9, firstSequence: 1200 }),
    );
    const fs = r.findings.filter((f) => f.rule === 'media.format-not-negotiated');
    expect(fs.map((f) => [f.messages, f.text.split(' carried ')[1]])).toEqual([
      [
        [2, 4],
        'payload type 8 PCMA/8000 (294 packets) from 2.0 s before the offer that allowed it: a re-negotiation changed the formats and the sender did not follow it',
      ],
    ]);
  });

  it('must not: packets in flight, PCMU up to 0.7 s after the answer and PCMA from 0.5 s before the offer', async () => {
    const r = await reinvited(
      aToB(0, { start: T0 + 1.02, end: T0 + 5.75 }),
      aToB(8, { start: T0 + 4.5, end: T0 + 8.9, firstSequence: 1200, ssrc: 0xd }),
    );
    expect(r.streams.map((s) => s.payloadTypes)).toEqual([[0], [8]]);
    expect(r.findings.filter((f) => f.rule === 'media.format-not-negotiated')).toEqual([]);
  });
});
