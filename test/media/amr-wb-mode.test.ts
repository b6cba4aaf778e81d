/**
 * Which AMR-WB mode a stream carried (src/media/amr-wb-mode.ts), read from
 * RFC 4867 payloads built field by field (test/fixtures/amr-wb-call.ts),
 * and the wideband MOS (ITU-T G.107.1) of a call whose SDP maps payload
 * type 97 to AMR-WB:
 *
 *   alice 10.0.0.1:49170                       bob 10.0.0.2:3456
 *     |--INVITE (SDP: 97 AMR-WB/16000)--------->|
 *     |<-----------------200 OK (same SDP)-------|
 *     |--ACK------------------------------------>|
 *     |==RTP 97, 12.65 kbit/s, 20 ms============>|
 *     |<=RTP 97, 23.85 kbit/s, 20 ms=============|
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { AmrWbModes, amrWbFrameMode } from '../../src/media/amr-wb-mode.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { AMR_WB_LOST, amrWbCall, amrWbCallFrames, amrWbPayload } from '../fixtures/amr-wb-call.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { ALICE, BOB, T0 } from '../fixtures/flows/builder.js';
import { byTime, rtpPacket, udpFrameAt } from '../fixtures/rtp-frames.js';
import { hasTshark } from '../helpers/corpus.js';

/** The nine AMR-WB speech frame types. */
const AMR_WB_KBPS_FT = [0, 1, 2, 3, 4, 5, 6, 7, 8];

const SAMPLE = new URL('../../samples/amr-wb-call.pcap', import.meta.url).pathname;

const bandwidthEfficient = (ft: number, speechBits?: number) =>
  amrWbPayload(ft, 'bandwidth-efficient', speechBits);
const octetAligned = (ft: number, speechBits?: number) => amrWbPayload(ft, 'octet-aligned', speechBits);

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

/** The caller's stream (12.65 kbit/s) of the call of test/fixtures/amr-wb-call.ts, `lost` not sent. */
async function amrCall(lost: ReadonlySet<number>) {
  const file = join(mkdtempSync(join(tmpdir(), 'sipscope-amr-wb-')), 'call.pcap');
  writeFileSync(file, writePcap(amrWbCallFrames(lost), { linkType: LinkType.ETHERNET }));
  const r = await analyzeCapture(file);
  expect(r.streams.length).toBe(2);
  return r.streams.find((s) => s.src === '10.0.0.1:49170')?.quality;
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
    const q = await amrCall(AMR_WB_LOST);
    expect(q).toMatchObject({ model: 'G.107.1', r: 85.2, mos: 3.41, ppl: 2, ieEff: 43.81, lostPackets: 10 });
  });
});

describe('samples/amr-wb-call.pcap against tshark', () => {
  it('reads the modes tshark AMR dissector reads (bandwidth-efficient): FT 2 in the caller 490 packets, FT 8 in the callee 500', async () => {
    const r = await analyzeCapture(SAMPLE);
    const notes = r.streams.map((s) =>
      s.quality !== undefined && 'assumptions' in s.quality ? s.quality.assumptions : [],
    );
    expect(notes[0]).toContain('AMR-WB mode 12.65 kbit/s read in 490 packets');
    expect(notes[1]).toContain('AMR-WB mode 23.85 kbit/s read in 500 packets');
    expect(r.streams.map((s) => s.quality?.mos)).toEqual([3.41, 4.39]);
    // tshark follows the SDP to its AMR-WB dissector; the packing is a preference (octet-aligned by default).
    const theirs = tsharkAmr(SAMPLE, 'RFC 3267 BW-efficient', ['ip.src', 'amr.toc.f', 'amr.wb.toc.ft']);
    if (theirs === null) return;
    const counts = new Map<string, number>();
    for (const line of theirs) counts.set(line, (counts.get(line) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ '10.0.0.1\t0\t2': 490, '10.0.0.2\t0\t8': 500 });
  });
});

/** tshark's AMR-WB reading of `file`: its `-T fields` lines, one a packet, or null without tshark. */
function tsharkAmr(file: string, packing: string, fields: string[]): string[] | null {
  if (!hasTshark) return null;
  const args = ['-r', file, '-o', `amr.encoding.version:${packing}`, '-Y', 'amr', '-T', 'fields'];
  const out = execFileSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // Not trimmed: an empty last field (no expert info) leaves a trailing tab.
  return out.split('\n').filter((line) => line.length > 0);
}

describe('the frames built here, as tshark reads them', () => {
  it('are the nine modes in both packings, with the sizes tshark expects (no expert info)', () => {
    for (const [packing, pref] of [
      ['bandwidth-efficient', 'RFC 3267 BW-efficient'],
      ['octet-aligned', 'RFC 3267 octet aligned'],
    ] as const) {
      const rtp = AMR_WB_KBPS_FT.map((ft) => {
        const pkt = rtpPacket(97, ft, 320 * ft, 0xc, amrWbPayload(ft, packing));
        return udpFrameAt(
          { ip: ALICE.ip, port: 49170 },
          { ip: BOB.ip, port: 3456 },
          T0 + 2 + 0.02 * ft,
          pkt,
          ft,
        );
      });
      const file = join(mkdtempSync(join(tmpdir(), 'sipscope-amr-wb-')), `${packing}.pcap`);
      writeFileSync(file, writePcap(byTime(flowToFrames(amrWbCall()), rtp), { linkType: LinkType.ETHERNET }));
      for (const ft of AMR_WB_KBPS_FT) {
        const p = amrWbPayload(ft, packing);
        expect(amrWbFrameMode(p, 0, p.length)).toBe(ft);
      }
      const theirs = tsharkAmr(file, pref, ['amr.toc.f', 'amr.wb.toc.ft', '_ws.expert']);
      if (theirs !== null) expect(theirs).toEqual(AMR_WB_KBPS_FT.map((ft) => `0\t${ft}\t`));
    }
  });
});
