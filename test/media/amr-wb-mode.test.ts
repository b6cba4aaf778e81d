/**
 * Which AMR-WB mode a stream carried (src/media/amr-wb-mode.ts), read from
 * RFC 4867 payloads built here field by field, and the wideband MOS
 * (ITU-T G.107.1) of a call whose SDP maps payload type 97 to AMR-WB:
 *
 *   alice 10.0.0.1:49170                       bob 10.0.0.2:3456
 *     |--INVITE (SDP: 97 AMR-WB/16000)--------->|
 *     |<-----------------200 OK (same SDP)-------|
 *     |--ACK------------------------------------>|
 *     |==RTP 97, 12.65 kbit/s, 20 ms============>|
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { AmrWbModes, amrWbFrameMode } from '../../src/media/amr-wb-mode.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { edit, withBody } from '../analyze/flow-edit.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { ALICE, BOB, sdp, T0 } from '../fixtures/flows/builder.js';
import { basicCall } from '../fixtures/flows/calls.js';
import { byTime, rtpPacket, udpFrameAt } from '../fixtures/rtp-frames.js';

/**
 * One frame of mode `ft`, bandwidth-efficient (RFC 4867 §4.4.1): CMR 15 (none
 * requested), F 0, FT, Q 1, then the speech bits (zero here), padded to a byte.
 */
function bandwidthEfficient(ft: number, speechBits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((10 + speechBits) / 8));
  out[0] = (15 << 4) | (0 << 3) | (ft >> 1); // CMR(4) F(1) FT bits 3..1
  out[1] = ((ft & 1) << 7) | (1 << 6); // FT bit 0, Q
  return out;
}

/** The same frame octet-aligned (§4.4.2): the CMR byte, a ToC byte F FT Q P P, whole speech bytes. */
function octetAligned(ft: number, speechBits: number): Uint8Array {
  const out = new Uint8Array(2 + Math.ceil(speechBits / 8));
  out[0] = 15 << 4;
  out[1] = (ft << 3) | (1 << 2);
  return out;
}

describe('RFC 4867: the mode of a one-frame AMR-WB payload', () => {
  it('reads every speech mode in both packings (3GPP TS 26.201 frame sizes: 132 … 477 bits)', () => {
    const bits = [132, 177, 253, 285, 317, 365, 397, 461, 477];
    for (const [ft, n] of bits.entries()) {
      const be = bandwidthEfficient(ft, n);
      const oa = octetAligned(ft, n);
      expect(amrWbFrameMode(be, 0, be.length)).toBe(ft);
      expect(amrWbFrameMode(oa, 0, oa.length)).toBe(ft);
    }
    // 12.65 kbit/s: 10 + 253 bits → 33 bytes bandwidth-efficient, 2 + 32 octet-aligned.
    expect([bandwidthEfficient(2, 253).length, octetAligned(2, 253).length]).toEqual([33, 34]);
  });

  it('does not read a payload whose frame type says another mode than its length', () => {
    // 33 bytes is 12.65 kbit/s bandwidth-efficient; a table of contents saying FT 8 is not believed.
    const lying = bandwidthEfficient(8, 253);
    expect(amrWbFrameMode(lying, 0, lying.length)).toBeNull();
  });

  it('does not read several frames, comfort noise or a payload cut short', () => {
    // F = 1: another frame follows.
    const two = bandwidthEfficient(2, 253);
    two[0] |= 0x08;
    expect(amrWbFrameMode(two, 0, two.length)).toBeNull();
    // SID (FT 9, 40 bits): 7 bytes in both packings, no speech mode.
    const sid = bandwidthEfficient(9, 40);
    expect(amrWbFrameMode(sid, 0, sid.length)).toBeNull();
    // Bounds: a length past the bytes.
    expect(amrWbFrameMode(new Uint8Array(10), 0, 33)).toBeNull();
  });

  it('takes the mode most packets of the payload types mapped to AMR-WB showed', () => {
    const modes = new AmrWbModes(new Set([97]));
    const m2 = bandwidthEfficient(2, 253);
    const m8 = octetAligned(8, 477);
    for (let i = 0; i < 3; i++) modes.add(97, m2, 0, m2.length);
    modes.add(97, m8, 0, m8.length);
    // Another payload type (its SDP maps it elsewhere) is not read.
    for (let i = 0; i < 5; i++) modes.add(0, m8, 0, m8.length);
    expect(modes.mode()).toEqual({ mode: 2, packets: 3 });
    expect(new AmrWbModes(new Set([97])).mode()).toBeNull();
  });
});

const AMR_SDP = (e: { ip: string }, port: number) =>
  sdp(e as typeof ALICE, port).replace(
    'RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000',
    'RTP/AVP 97\r\na=rtpmap:97 AMR-WB/16000',
  );

/** The call above, its 500 packets of 12.65 kbit/s (FT 2) bandwidth-efficient, `lost` not sent. */
async function amrCall(lost: ReadonlySet<number>) {
  const flow = edit(
    edit(basicCall(), 0, (t) => withBody(t, AMR_SDP(ALICE, 49170))),
    3,
    (t) => withBody(t, AMR_SDP(BOB, 3456)),
  );
  const rtp = [];
  for (let i = 0; i < 500; i++) {
    if (lost.has(i)) continue;
    const pkt = rtpPacket(97, 1000 + i, 320 * i, 0xa, bandwidthEfficient(2, 253));
    rtp.push(
      udpFrameAt({ ip: ALICE.ip, port: 49170 }, { ip: BOB.ip, port: 3456 }, T0 + 2 + 0.02 * i, pkt, i),
    );
  }
  const file = join(mkdtempSync(join(tmpdir(), 'sipscope-amr-wb-')), 'call.pcap');
  writeFileSync(file, writePcap(byTime(flowToFrames(flow), rtp), { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  expect(r.streams.length).toBe(1);
  return r.streams[0].quality;
}

describe('G.107.1: the wideband MOS of an AMR-WB stream', () => {
  it('rates 12.65 kbit/s without loss at R 109 of 129, MOS 4.18', async () => {
    // Ie,wb 20 (G.113 Table IV.3): R = 129 − 20 = 109; Rx = 84.496124
    // MOS = 1 + 2.957364 + 84.496124·24.496124·15.503876·7e-6 = 4.182003
    expect(await amrCall(new Set())).toMatchObject({
      model: 'G.107.1',
      codec: 'AMR-WB',
      ie: 20,
      bpl: 4.3,
      r: 109,
      mos: 4.18,
      ppl: 0,
    });
  });

  it('rates 10 packets of 500 lost (2%) as formula 7-15 does, under the MOS 3.6 line', async () => {
    // Ppl = 10/500 = 2%: Ie,eff = 43.809524, R = 85.190476 → 85.2, MOS 3.41 (e-model-wb.test.ts)
    const q = await amrCall(new Set([100, 150, 200, 250, 300, 350, 400, 420, 440, 460]));
    expect(q).toMatchObject({ model: 'G.107.1', r: 85.2, mos: 3.41, ppl: 2, ieEff: 43.81, lostPackets: 10 });
  });
});
