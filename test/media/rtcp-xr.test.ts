/**
 * RTCP Extended Reports (RFC 3611, src/media/rtcp-xr.ts) read from a
 * compound packet (RFC 3550 §6.1: an RR first, then the XR): the VoIP
 * Metrics block field by field (§4.7), "unavailable" (127) as null, the
 * Statistics Summary's flags (§4.6), RRT and DLRR (§4.4, §4.5), unknown
 * block types stepped over by their length, and lying lengths counted,
 * never thrown.
 */
import { describe, expect, it } from 'vitest';
import { parseRtcp } from '../../src/media/rtcp.js';
import type { RtcpXr } from '../../src/media/rtcp-xr.js';
import { compound, rtcpRr } from '../fixtures/rtcp-build.js';
import { rtcpXr, voipSpec, xrBlock, xrDlrr, xrRrt, xrStats, xrVoip } from '../fixtures/rtcp-xr-build.js';

/** The XR of a compound RR (from 0xB, about 0xA) + `xr`. */
function xrOf(xr: Uint8Array): RtcpXr[] {
  const out: RtcpXr[] = [];
  const reports = parseRtcp(compound(rtcpRr(0xb, [{ ssrc: 0xa }]), xr), out);
  expect(reports?.length).toBe(1);
  return out;
}

describe('RFC 3611 XR in a compound RTCP packet', () => {
  it('reads a VoIP Metrics block field by field (§4.7)', () => {
    const [x] = xrOf(rtcpXr(0xb, xrVoip(voipSpec(0xa))));
    expect(x.ssrc).toBe(0xb);
    expect(x.malformed).toBe(0);
    expect(x.blocks).toEqual([
      {
        type: 'voip',
        ssrc: 0xa,
        lossRate: 13,
        discardRate: 3,
        burstDensity: 64,
        gapDensity: 5,
        burstDuration: 120,
        gapDuration: 2400,
        roundTripDelay: 42,
        endSystemDelay: 65,
        signalLevel: -18,
        noiseLevel: -62,
        rerl: 45,
        gmin: 16,
        rFactor: 78,
        // 127: unavailable.
        extRFactor: null,
        mosLq: 3.8,
        mosCq: 3.6,
        plc: 3,
        jba: 3,
        jbRate: 2,
        jbNominal: 40,
        jbMaximum: 80,
        jbAbsMax: 200,
      },
    ]);
  });

  it('gives null for every field the reporter marked unavailable (127)', () => {
    const [x] = xrOf(
      rtcpXr(
        0xb,
        xrVoip(
          voipSpec(0xa, {
            signalLevel: 127,
            noiseLevel: 127,
            rerl: 127,
            rFactor: 127,
            mosLq: 127,
            mosCq: 127,
          }),
        ),
      ),
    );
    expect(x.blocks[0]).toMatchObject({
      signalLevel: null,
      noiseLevel: null,
      rerl: null,
      rFactor: null,
      mosLq: null,
      mosCq: null,
    });
  });

  it('reads a Statistics Summary with its flags (§4.6), RRT (§4.4) and DLRR (§4.5)', () => {
    const ntp = 3_900_000_000.25;
    const [x] = xrOf(
      rtcpXr(
        0xb,
        xrStats({ ssrc: 0xa, begin: 1000, end: 1500, lost: 7, dups: 1, jitter: [8, 240, 40, 12] }),
        xrRrt(ntp),
        xrDlrr([{ ssrc: 0xc, lrr: 0x12345678, dlrr: 65536 }]),
      ),
    );
    expect(x.blocks).toEqual([
      {
        type: 'stats',
        ssrc: 0xa,
        beginSeq: 1000,
        endSeq: 1500,
        lost: 7,
        duplicates: 1,
        minJitter: 8,
        maxJitter: 240,
        meanJitter: 40,
        devJitter: 12,
      },
      // The middle 32 bits: the low 16 of the seconds (3,900,000,000 = 0xE875_4700), the high 16 of the fraction (0x4000).
      { type: 'rrt', ntpMiddle: 0x47004000 },
      { type: 'dlrr', items: [{ ssrc: 0xc, lrr: 0x12345678, dlrr: 65536 }] },
    ]);
  });

  it('steps over a block type it does not read by its length', () => {
    const unknown = xrBlock(42, 0, new Uint8Array(12).fill(0xee));
    const [x] = xrOf(rtcpXr(0xb, unknown, xrVoip(voipSpec(0xa))));
    expect(x.blocks.map((b) => b.type)).toEqual(['voip']);
    expect(x.malformed).toBe(0);
  });

  it('counts a block whose length runs past its packet, keeps the blocks before it, and does not throw', () => {
    const lying = xrVoip(voipSpec(0xa));
    lying[3] = 200; // 800 bytes claimed
    const [x] = xrOf(rtcpXr(0xb, xrRrt(3_900_000_000), lying));
    expect(x.blocks.map((b) => b.type)).toEqual(['rrt']);
    expect(x.malformed).toBe(1);
  });

  it('counts a block too short for its type', () => {
    // A VoIP Metrics block of 4 words instead of 8.
    const short = xrBlock(7, 0, new Uint8Array(16));
    const [x] = xrOf(rtcpXr(0xb, short));
    expect(x).toEqual({ ssrc: 0xb, blocks: [], malformed: 1 });
  });

  it('survives every truncation of a compound with XR', () => {
    const whole = compound(
      rtcpRr(0xb, [{ ssrc: 0xa }]),
      rtcpXr(0xb, xrVoip(voipSpec(0xa)), xrRrt(3_900_000_000), xrDlrr([{ ssrc: 1, lrr: 2, dlrr: 3 }])),
    );
    for (let n = 0; n <= whole.length; n++) {
      const out: RtcpXr[] = [];
      // A cut XR packet's own length runs past the datagram: it is not read at all (the RR before stands).
      const r = parseRtcp(whole.subarray(0, n), out);
      if (n >= 32) expect(r?.length).toBe(1);
      expect(out.length).toBe(n === whole.length ? 1 : 0);
    }
  });

  it('leaves XR unread when not asked (the SR/RR reading alone)', () => {
    expect(
      parseRtcp(compound(rtcpRr(0xb, [{ ssrc: 0xa }]), rtcpXr(0xb, xrVoip(voipSpec(0xa)))))?.length,
    ).toBe(1);
  });
});

describe('RFC 3611 XR from hostile bytes', () => {
  it('never throws on a compound with XR whose bytes are changed at random, and counts what it cannot read', () => {
    const whole = compound(
      rtcpRr(0xb, [{ ssrc: 0xa }]),
      rtcpXr(
        0xb,
        xrVoip(voipSpec(0xa)),
        xrStats({ ssrc: 0xa, begin: 1, end: 2, lost: 3, dups: 4, jitter: [1, 2, 3, 4] }),
        xrRrt(3_900_000_000),
        xrDlrr([{ ssrc: 1, lrr: 2, dlrr: 3 }]),
      ),
    );
    // A fixed linear congruential generator: the same 2,000 mutants each run.
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    let read = 0;
    let malformed = 0;
    for (let k = 0; k < 2000; k++) {
      const b = whole.slice();
      // Past the RR (32 bytes): the XR header and its blocks.
      for (let j = 0; j < 3; j++) b[32 + (next() % (b.length - 32))] = next() & 0xff;
      const out: RtcpXr[] = [];
      expect(() => parseRtcp(b, out)).not.toThrow();
      for (const x of out) {
        read += x.blocks.length;
        malformed += x.malformed;
        for (const blk of x.blocks)
          if (blk.type === 'voip') expect(blk.mosLq === null || blk.mosLq <= 25.5).toBe(true);
      }
    }
    // Some mutants keep readable blocks, some lie about a length: both paths ran.
    expect(read).toBeGreaterThan(0);
    expect(malformed).toBeGreaterThan(0);
  });
});
