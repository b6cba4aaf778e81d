/**
 * media.one-way (RFC 3264 §5.1): RTP from one side of an answered call and
 * none back, though the other side's SDP said it would send. Each case is a
 * capture made from a named flow and RTP frames, analysed end to end (the
 * streams exist only where the SDP's addresses meet real datagrams).
 *
 *   alice 10.0.0.1 (RTP on 49170)            bob 10.0.0.2 (RTP on 3456)
 *     |--INVITE (SDP: 10.0.0.1 49170)-------->|
 *     |<-----------------------180 Ringing----|
 *     |<--------200 OK (SDP: 10.0.0.2 3456)---|   answered
 *     |--ACK---------------------------------->|
 *     |==RTP 10.0.0.1:49170 → 10.0.0.2:3456==>|   two-way: no finding
 *     |<=RTP 10.0.0.2:3456 → 10.0.0.1:49170===|   missing: media.one-way
 *     |--BYE / 200---------------------------->|
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE, BOB, basicCall, sdp, T0 } from '../fixtures/flows/index.js';
import { byTime, type RtpSpec, rtpFrames } from '../fixtures/rtp-frames.js';
import { drop, edit, withBody } from './flow-edit.js';

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const dir = mkdtempSync(join(tmpdir(), 'sipscope-media-'));
let n = 0;

async function oneWayFindings(flow: SipMessage[], ...rtp: Array<Omit<RtpSpec, 'payloadType'>>) {
  const frames: TimedFrame[] = byTime(
    flowToFrames(flow),
    ...rtp.map((r) => rtpFrames({ payloadType: 0, ...r })),
  );
  const file = join(dir, `case-${n++}.pcap`);
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  // Every case has RTP on the SDP's addresses: what it checks is the judgement, not the finding of streams.
  expect(r.streams.length).toBeGreaterThan(0);
  return r.findings.filter((f) => f.rule === 'media.one-way');
}

const aToB = { src: A, dst: B, ssrc: 0xa, start: T0 + 2.02, end: T0 + 12 };
const bToA = { src: B, dst: A, ssrc: 0xb, start: T0 + 2.03, end: T0 + 12 };

describe('media.one-way: RFC 3264 §5.1 a sendrecv stream is one the answerer sends on too', () => {
  it('answered call, RTP alice → bob only: one warning on the 200 whose SDP said bob would send', async () => {
    const fs = await oneWayFindings(basicCall(), aToB);
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    expect(fs[0].text).toBe(
      'audio RTP went one way only: 10.0.0.1:49170 → 10.0.0.2:3456 (499 packets over 10.0 s, SSRC 0x0000000A), and nothing came back from 10.0.0.2, although its SDP says sendrecv',
    );
  });

  it('and the other way round: bob → alice only is reported on the INVITE whose offer said alice would send', async () => {
    const fs = await oneWayFindings(basicCall(), bToA);
    expect(fs.map((f) => f.messages)).toEqual([[0]]);
  });

  it('must not: RTP both ways (even when one starts seconds after the other)', async () => {
    expect(await oneWayFindings(basicCall(), aToB, { ...bToA, start: T0 + 5 })).toEqual([]);
  });

  it('must not: hold, the offer sendonly and the answer recvonly (RFC 3264 §6.1): music one way is what they agreed', async () => {
    let flow = edit(basicCall(), 0, (t) => withBody(t, sdp(ALICE, 49170, 'sendonly')));
    flow = edit(flow, 3, (t) => withBody(t, sdp(BOB, 3456, 'recvonly')));
    expect(await oneWayFindings(flow, aToB)).toEqual([]);
  });

  it('must not: early media of a call never answered (183 with SDP, then 486)', async () => {
    let flow = edit(basicCall(), 2, (t) =>
      withBody(t.replace('SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress'), sdp(BOB, 3456)),
    );
    flow = edit(flow, 3, (t) => withBody(t.replace('SIP/2.0 200 OK', 'SIP/2.0 486 Busy Here'), ''));
    flow = drop(flow, 4, 5, 6);
    expect(await oneWayFindings(flow, { ...bToA, start: T0 + 0.03, end: T0 + 1.9 })).toEqual([]);
  });

  it('must not: a few packets (under half a second of audio) say too little', async () => {
    expect(await oneWayFindings(basicCall(), { ...aToB, end: T0 + 2.4 })).toEqual([]);
  });
});
