/**
 * RTP header validation (RFC 3550 §5.1, Appendix A.1) and the RTP/RTCP split
 * on a shared port (RFC 5761 §4), on hand-made packets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRtcp, parseRtp, type RtpHeader } from '../../src/media/rtp-header.js';
import { hex } from '../helpers/packet-builders.js';

/** A copy of the reused result. */
function parse(b: Uint8Array): RtpHeader | null {
  const h = parseRtp(b);
  return h && { ...h };
}

/** PCMU, 4 payload bytes. */
const G711 = hex(`
  80            # V=2 P=0 X=0 CC=0
  00            # M=0 PT=0 (PCMU)
  1a2b          # sequence 6699
  000003e8      # timestamp 1000
  06c156fd      # SSRC
  ffff7f7f      # payload
`);

describe('parseRtp (RFC 3550 §5.1)', () => {
  it('reads the fixed header of a G.711 packet', () => {
    expect(parse(G711)).toEqual({
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: false,
      payloadType: 0,
      sequence: 0x1a2b,
      timestamp: 1000,
      ssrc: 0x06c156fd,
      headerLength: 12,
      payloadLength: 4,
    });
  });

  it('reads the marker, a dynamic payload type and uint32 fields with the top bit set', () => {
    const h = parse(
      hex(`
        80            # V=2 P=0 X=0 CC=0
        e5            # M=1 PT=101 (telephone-event)
        ffff          # sequence 65535
        fffffff0      # timestamp 2^32 - 16
        deadbeef      # SSRC
        01000a00      # payload
      `),
    );
    expect(h).toMatchObject({ marker: true, payloadType: 101, sequence: 65535 });
    expect(h?.timestamp).toBe(0xfffffff0);
    expect(h?.ssrc).toBe(0xdeadbeef);
  });

  it('skips 4 bytes per CSRC', () => {
    const h = parse(
      hex(`
        82            # V=2 P=0 X=0 CC=2
        08            # M=0 PT=8 (PCMA)
        0001          # sequence 1
        00000000      # timestamp
        11111111      # SSRC
        22222222      # CSRC 1
        33333333      # CSRC 2
        d5d5          # payload
      `),
    );
    expect(h).toMatchObject({ csrcCount: 2, headerLength: 20, payloadLength: 2 });
  });

  it('skips the header extension (§5.3.1)', () => {
    const h = parse(
      hex(`
        90            # V=2 P=0 X=1 CC=0
        60            # M=0 PT=96
        0002          # sequence 2
        00000000      # timestamp
        11111111      # SSRC
        bede 0001     # extension profile (RFC 8285 one-byte), length 1 word
        10 aa 0000    # ID 1, 1 byte, padding
        cafe          # payload
      `),
    );
    expect(h).toMatchObject({ extension: true, headerLength: 20, payloadLength: 2 });
  });

  it('takes the padding, counted by the last byte, off the payload', () => {
    const h = parse(
      hex(`
        a0            # V=2 P=1 X=0 CC=0
        00            # PT=0
        0003          # sequence 3
        00000000      # timestamp
        11111111      # SSRC
        ff            # payload
        000003        # padding, 3 bytes including the count
      `),
    );
    expect(h).toMatchObject({ padding: true, headerLength: 12, payloadLength: 1 });
  });

  it('accepts padding that fills everything after the header, and an empty payload', () => {
    expect(parse(hex('a0000003 00000000 11111111 0002'))?.payloadLength).toBe(0);
    expect(parse(G711.subarray(0, 12))?.payloadLength).toBe(0);
  });

  it('fills and returns one reused object (valid until the next call)', () => {
    const a = parseRtp(G711);
    expect(a?.sequence).toBe(0x1a2b);
    const b = parseRtp(hex('80000001 00000000 11111111'));
    expect(b).toBe(a);
    expect(a?.sequence).toBe(1);
  });
});

describe('parseRtp refuses what is not RTP (RFC 3550 A.1)', () => {
  const invalid: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    'shorter than 12 bytes': G711.subarray(0, 11),
    'version 1': hex('40001a2b 000003e8 06c156fd ffff7f7f'),
    'version 0 (e.g. STUN)': hex('00010000 2112a442 000000000000000000000000'),
    'CSRC list beyond the packet': hex('83001a2b 000003e8 06c156fd 22222222 33333333'),
    'extension header cut off': hex('90001a2b 000003e8 06c156fd bede'),
    'extension longer than the packet': hex('90001a2b 000003e8 06c156fd bede0002 10aa0000'),
    'pad count 0': hex('a0001a2b 000003e8 06c156fd ffff7f00'),
    'pad count beyond the payload': hex('a0001a2b 000003e8 06c156fd ffff7f05'),
    // 12 bytes: the "pad count" would be the last byte of the SSRC.
    'pad count with nothing after the header': hex('a0001a2b 000003e8 06c15601'),
    'RTCP SR (second byte 200, PT 72 with M)': hex(`
      80            # V=2 P=0 RC=0
      c8            # PT=200 SR
      0006          # length 6 words
      06c156fd      # SSRC of sender
      e1b3c6f3 51eb851e  # NTP timestamp
      000003e8      # RTP timestamp
      00000032 00001f40  # packet and octet counts
    `),
    'payload type 72 without M': hex('80481a2b 000003e8 06c156fd ffff7f7f'),
    'payload type 76 (APP with M)': hex('80cc1a2b 000003e8 06c156fd ffff7f7f'),
  };
  for (const [name, bytes] of Object.entries(invalid)) {
    it(name, () => expect(parseRtp(bytes)).toBeNull());
  }

  it('accepts payload types 71 and 77, next to the RTCP range', () => {
    expect(parseRtp(hex('80471a2b 000003e8 06c156fd'))?.payloadType).toBe(71);
    expect(parseRtp(hex('80cd1a2b 000003e8 06c156fd'))?.payloadType).toBe(77);
  });
});

describe('isRtcp (RFC 3550 §6.4–6.7, RFC 5761 §4)', () => {
  it('SR, RR, SDES, BYE and APP', () => {
    for (const pt of ['c8', 'c9', 'ca', 'cb', 'cc'])
      expect(isRtcp(hex('80', pt, '0001 06c156fd'))).toBe(true);
  });

  it('an empty RR is the shortest: 8 bytes', () => {
    expect(isRtcp(hex('80c9 0001 06c156fd'))).toBe(true);
    expect(isRtcp(hex('80c9 0001 06c156'))).toBe(false);
  });

  it('not RTP, other packet types or other versions', () => {
    expect(isRtcp(G711)).toBe(false);
    expect(isRtcp(hex('80c7 0001 06c156fd'))).toBe(false);
    expect(isRtcp(hex('80cd 0001 06c156fd'))).toBe(false);
    expect(isRtcp(hex('40c8 0006 06c156fd'))).toBe(false);
    expect(isRtcp(new Uint8Array(0))).toBe(false);
  });
});

/**
 * The bytes behind a Proxy that throws on any index read at or past the end:
 * a parser that reads before checking bounds fails here, where a plain
 * Uint8Array would quietly give `undefined`.
 */
function strict(b: Uint8Array): Uint8Array {
  return new Proxy(b, {
    get(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        const i = Number(prop);
        if (i >= target.length) throw new RangeError(`read at ${i} past the end (${target.length})`);
        return target[i];
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('random bytes', () => {
  it('never throw nor read past the end, and a result fits the packet', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          // Mostly version 2 with the P and X bits, to get past the first check.
          fc.uint8Array({ minLength: 12, maxLength: 64 }).map((b) => {
            b[0] = 0x80 | (b[0] & 0x3f);
            return b;
          }),
        ),
        (bytes) => {
          isRtcp(strict(bytes));
          const h = parseRtp(strict(bytes));
          if (h) {
            expect(h.headerLength).toBeGreaterThanOrEqual(12);
            expect(h.payloadLength).toBeGreaterThanOrEqual(0);
            expect(h.headerLength + h.payloadLength).toBeLessThanOrEqual(bytes.length);
            expect(isRtcp(bytes)).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
