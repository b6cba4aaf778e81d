import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import {
  encodeBlock,
  encodeEpb,
  encodeIdb,
  encodePb,
  encodeShb,
  encodeSpb,
  type PcapngInterface,
  writePcapng,
} from '../../src/capture/pcapng-writer.js';
import { ascii, concat, hex } from './bytes.js';

// Section 1, little-endian: SHB, IDB (Ethernet, ns resolution), EPB.
const LE_SECTION = hex(`
  # Section Header Block, byte offset 0
  0a 0d 0d 0a                 # Block Type SHB
  1c 00 00 00                 # Block Total Length 28
  4d 3c 2b 1a                 # Byte-Order Magic 0x1A2B3C4D, little-endian
  01 00 00 00                 # Major 1, Minor 0
  ff ff ff ff ff ff ff ff     # Section Length -1 (unspecified)
  1c 00 00 00                 # Block Total Length 28
  # Interface Description Block, byte offset 28
  01 00 00 00                 # Block Type IDB
  20 00 00 00                 # Block Total Length 32
  01 00 00 00                 # LinkType 1 (ETHERNET), Reserved
  00 00 04 00                 # SnapLen 262144
  09 00 01 00  09 00 00 00    # if_tsresol (9), length 1: 10^-9 s, 3 bytes padding
  00 00 00 00                 # opt_endofopt
  20 00 00 00                 # Block Total Length 32
  # Enhanced Packet Block, byte offset 60
  06 00 00 00                 # Block Type EPB
  28 00 00 00                 # Block Total Length 40
  00 00 00 00                 # Interface ID 0
  fe 9c 97 17                 # Timestamp (High) 0x17979cfe
  15 cd 85 3d                 # Timestamp (Low)  0x3d85cd15: 1700000000123456789 ns
  05 00 00 00                 # Captured Packet Length 5
  3c 00 00 00                 # Original Packet Length 60
  68 65 6c 6c 6f 00 00 00     # "hello" + 3 bytes padding
  28 00 00 00                 # Block Total Length 40
`);

// Section 2, big-endian: SHB, IDB (RAW, 2^-20 s resolution, if_tsoffset 1000 s), EPB.
const BE_SECTION = hex(`
  # Section Header Block, byte offset 100 of the two-section file
  0a 0d 0d 0a                 # Block Type SHB (palindromic)
  00 00 00 1c                 # Block Total Length 28
  1a 2b 3c 4d                 # Byte-Order Magic, big-endian
  00 01 00 00                 # Major 1, Minor 0
  ff ff ff ff ff ff ff ff     # Section Length -1
  00 00 00 1c                 # Block Total Length 28
  # Interface Description Block, byte offset 128
  00 00 00 01                 # Block Type IDB
  00 00 00 2c                 # Block Total Length 44
  00 65 00 00                 # LinkType 101 (RAW), Reserved
  00 00 00 00                 # SnapLen 0 (no limit)
  00 09 00 01  94 00 00 00    # if_tsresol 0x94: MSB set, 2^-20 s
  00 0e 00 08  00 00 00 00 00 00 03 e8  # if_tsoffset 1000 s
  00 00 00 00                 # opt_endofopt
  00 00 00 2c                 # Block Total Length 44
  # Enhanced Packet Block, byte offset 172
  00 00 00 06                 # Block Type EPB
  00 00 00 24                 # Block Total Length 36
  00 00 00 00                 # Interface ID 0 (of this section)
  00 06 55 3e                 # Timestamp (High)
  d1 88 00 00                 # Timestamp (Low): (1700000000 - 1000) * 2^20 + 2^19 units
  00 00 00 04                 # Captured Packet Length 4
  00 00 00 04                 # Original Packet Length 4
  45 00 00 14                 # data
  00 00 00 24                 # Block Total Length 36
`);

function frameSummary(f: Frame) {
  return { no: f.no, sec: f.sec, nsec: f.nsec, linkType: f.linkType, iface: f.iface, len: f.data.length };
}

function errorOf(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CaptureError) return e;
    throw e;
  }
  throw new Error('expected a CaptureError');
}

const ETH_US: PcapngInterface = { linkType: LinkType.ETHERNET };
const SLL_NS: PcapngInterface = { linkType: LinkType.LINUX_SLL, tsresol: 9 };

describe('pcapng (draft-ietf-opsawg-pcapng)', () => {
  it('reads SHB, IDB with if_tsresol 9 and EPB field by field (§4.1-§4.3)', () => {
    const { frames, info } = parseCaptureBytes(LE_SECTION, 'a.pcapng');
    expect(info).toEqual({ format: 'pcapng', linkTypes: [1], frames: 1, bytes: 100, warnings: [] });
    const f = frames[0];
    expect(f.no).toBe(1);
    expect(f.sec).toBe(1700000000);
    expect(f.nsec).toBe(123456789);
    expect(f.linkType).toBe(LinkType.ETHERNET);
    expect(new TextDecoder().decode(f.data)).toBe('hello');
    expect(f.origLen).toBe(60);
    expect(f.iface).toBe(0);
    expect(f.fileOffset).toBe(60);
  });

  it('reads a second section in the other byte order, with its own interfaces (§3.6.1, §4.2)', () => {
    const { frames, info } = parseCaptureBytes(concat(LE_SECTION, BE_SECTION), 'two.pcapng');
    expect(info.linkTypes).toEqual([LinkType.ETHERNET, LinkType.RAW]);
    expect(frames.map(frameSummary)).toEqual([
      { no: 1, sec: 1700000000, nsec: 123456789, linkType: 1, iface: 0, len: 5 },
      // interface 0 of section 2 is numbered after section 1's interfaces
      // if_tsresol 2^-20: 2^19 units = 0.5 s exactly; if_tsoffset adds 1000 s
      { no: 2, sec: 1700000000, nsec: 500000000, linkType: 101, iface: 1, len: 4 },
    ]);
    expect(frames[1].fileOffset).toBe(172);
    expect([...frames[1].data]).toEqual([0x45, 0, 0, 0x14]);
  });

  it('gives each frame the link type of its interface when interfaces differ (Ethernet + SLL)', () => {
    const bytes = writePcapng({
      interfaces: [ETH_US, SLL_NS],
      frames: [
        { iface: 0, sec: 10, nsec: 1_000, data: Uint8Array.of(1) },
        { iface: 1, sec: 11, nsec: 123_456_789, data: Uint8Array.of(2, 2) },
        { iface: 0, sec: 12, nsec: 999_999_000, data: Uint8Array.of(3, 3, 3) },
      ],
    });
    const { frames, info } = parseCaptureBytes(bytes, 'mixed.pcapng');
    expect(info.linkTypes).toEqual([1, 113]);
    expect(frames.map(frameSummary)).toEqual([
      { no: 1, sec: 10, nsec: 1_000, linkType: 1, iface: 0, len: 1 },
      { no: 2, sec: 11, nsec: 123_456_789, linkType: 113, iface: 1, len: 2 },
      { no: 3, sec: 12, nsec: 999_999_000, linkType: 1, iface: 0, len: 3 },
    ]);
  });

  it('numbers frames and interfaces across several sections written in different byte orders', () => {
    const bytes = writePcapng({
      sections: [
        { interfaces: [ETH_US, SLL_NS], frames: [{ iface: 1, sec: 1, nsec: 1, data: Uint8Array.of(1) }] },
        {
          bigEndian: true,
          interfaces: [{ linkType: LinkType.LINUX_SLL2, tsresol: 9 }],
          frames: [{ iface: 0, sec: 2, nsec: 2, data: Uint8Array.of(2) }],
        },
        { interfaces: [ETH_US], frames: [{ iface: 0, sec: 3, nsec: 3_000, data: Uint8Array.of(3) }] },
      ],
    });
    const { frames, info } = parseCaptureBytes(bytes, 'multi.pcapng');
    expect(info.linkTypes).toEqual([1, 113, 276]);
    expect(frames.map((f) => [f.no, f.iface, f.linkType, f.sec, f.nsec])).toEqual([
      [1, 1, 113, 1, 1],
      [2, 2, 276, 2, 2],
      [3, 3, 1, 3, 3_000],
    ]);
  });

  it('converts timestamps exactly for power-of-10 and power-of-2 resolutions, coarse and fine', () => {
    const cases: { iface: PcapngInterface; sec: number; nsec: number; want: [number, number] }[] = [
      { iface: { linkType: 1, tsresol: 0 }, sec: 1700000000, nsec: 0, want: [1700000000, 0] },
      {
        iface: { linkType: 1, tsresol: 3 },
        sec: 1700000000,
        nsec: 999_000_000,
        want: [1700000000, 999_000_000],
      },
      {
        iface: { linkType: 1, tsresol: 6 },
        sec: 4102444800,
        nsec: 999_999_000,
        want: [4102444800, 999_999_000],
      },
      {
        iface: { linkType: 1, tsresol: 9 },
        sec: 4102444800,
        nsec: 999_999_999,
        want: [4102444800, 999_999_999],
      },
      // 10^-12 (picoseconds): beyond the fast path, exact via BigInt
      {
        iface: { linkType: 1, tsresol: 12 },
        sec: 10_000_000,
        nsec: 123_456_789,
        want: [10_000_000, 123_456_789],
      },
      // 2^-10: 1023/1024 s = 999023437.5 ns, floored
      {
        iface: { linkType: 1, tsresolPow2: 10 },
        sec: 1700000000,
        nsec: 999_023_438,
        want: [1700000000, 999_023_437],
      },
      // 2^-29: the largest fast-path binary resolution
      {
        iface: { linkType: 1, tsresolPow2: 29 },
        sec: 1700000000,
        nsec: 500_000_000,
        want: [1700000000, 500_000_000],
      },
      // 2^-32 (NTP-style fractions): BigInt path
      {
        iface: { linkType: 1, tsresolPow2: 32 },
        sec: 1700000000,
        nsec: 750_000_000,
        want: [1700000000, 750_000_000],
      },
      // if_tsoffset, negative
      { iface: { linkType: 1, tsresol: 9, tsoffset: -5 }, sec: 100, nsec: 7, want: [100, 7] },
    ];
    for (const c of cases) {
      const bytes = writePcapng({
        interfaces: [c.iface],
        frames: [{ iface: 0, sec: c.sec, nsec: c.nsec, data: Uint8Array.of(0) }],
      });
      const f = parseCaptureBytes(bytes, 'ts.pcapng').frames[0];
      expect([f.sec, f.nsec], JSON.stringify(c.iface)).toEqual(c.want);
    }
  });

  it('keeps a packet whose time is after 2106 or before 1970 (forged if_tsoffset or timestamp), with a warning, never such a time', () => {
    /** An EPB on interface 0 whose 64-bit timestamp is hi:lo units (µs). */
    const epb = (hi: number, lo: number) => {
      const b = encodeEpb({ iface: 0, sec: 0, nsec: 0, data: Uint8Array.of(0) }, { linkType: 1 });
      const v = new DataView(b.buffer);
      v.setUint32(12, hi, true); // Timestamp (High)
      v.setUint32(16, lo, true); // Timestamp (Low)
      return b;
    };
    // 100 s and 101.5 s in µs, on an interface whose if_tsoffset is 2^62 s (or -2^62 s): the offset is dropped,
    // the packets keep their times and spacing, a warning names the offset.
    for (const tsoffset of [2 ** 62, -(2 ** 62)]) {
      const iface = { linkType: 1, tsoffset };
      const r = parseCaptureBytes(
        concat(encodeShb(), encodeIdb(iface), epb(0, 100_000_000), epb(0, 101_500_000)),
        'offset.pcapng',
      );
      expect(r.frames.map((f) => [f.sec, f.nsec])).toEqual([
        [100, 0],
        [101, 500_000_000],
      ]);
      expect(r.info.warnings.map((w) => w.message)).toEqual([
        `if_tsoffset of ${tsoffset} s puts the packet times before 1970 or after 2106: ignored`,
      ]);
    }
    // Timestamps of 2^64 - 1 µs (584,942 years) and 2^32 s: each packet takes the previous one's time, one warning.
    const r = parseCaptureBytes(
      concat(
        encodeShb(),
        encodeIdb({ linkType: 1 }),
        epb(0, 7_000_000),
        epb(0xffffffff, 0xffffffff),
        epb(0xf4240, 0), // 2^32 s in µs
        epb(0, 9_000_000),
      ),
      'forged.pcapng',
    );
    expect(r.frames.map((f) => f.sec)).toEqual([7, 7, 7, 9]);
    expect(r.info.warnings).toHaveLength(1);
    expect(r.info.warnings[0].message).toMatch(
      /^packet time before 1970 or after 2106: read as the previous packet/,
    );
  });

  it('converts any 64-bit timestamp exactly like BigInt arithmetic (if_tsresol fast path property)', () => {
    const resolutions: PcapngInterface[] = [
      { linkType: 1 },
      { linkType: 1, tsresol: 9 },
      { linkType: 1, tsresol: 3 },
      { linkType: 1, tsresol: 7 },
      { linkType: 1, tsresolPow2: 10 },
      { linkType: 1, tsresolPow2: 20 },
      { linkType: 1, tsresolPow2: 29 },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...resolutions),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (iface, hi, lo) => {
          const perSec =
            iface.tsresolPow2 !== undefined
              ? 1n << BigInt(iface.tsresolPow2)
              : 10n ** BigInt(iface.tsresol ?? 6);
          const units = (BigInt(hi) << 32n) | BigInt(lo);
          const sec = units / perSec;
          // Later than 2106 is out of range (the next test).
          fc.pre(sec <= 0xffffffffn);
          const epb = encodeEpb({ iface: 0, sec: 0, nsec: 0, data: Uint8Array.of(0) }, iface);
          const v = new DataView(epb.buffer);
          v.setUint32(12, hi, true); // Timestamp (High)
          v.setUint32(16, lo, true); // Timestamp (Low)
          const f = parseCaptureBytes(concat(encodeShb(), encodeIdb(iface), epb), 'p').frames[0];
          expect([f.sec, f.nsec]).toEqual([
            Number(sec),
            Number(((units % perSec) * 1_000_000_000n) / perSec),
          ]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads Simple Packet Blocks on interface 0, cut to the snaplen, with the previous frame time (§4.4)', () => {
    const eth8: PcapngInterface = { linkType: LinkType.ETHERNET, snaplen: 8 };
    const bytes = concat(
      encodeShb(),
      encodeIdb(eth8),
      encodeSpb(ascii('first-without-time'), 18), // no earlier frame: time 0
      encodeEpb({ iface: 0, sec: 50, nsec: 250_000, data: ascii('epb') }, eth8),
      encodeSpb(ascii('0123456789ab'), 1500), // 12 bytes stored, snaplen 8
    );
    const { frames } = parseCaptureBytes(bytes, 'spb.pcapng');
    expect(frames.map(frameSummary)).toEqual([
      { no: 1, sec: 0, nsec: 0, linkType: 1, iface: 0, len: 8 },
      { no: 2, sec: 50, nsec: 250_000, linkType: 1, iface: 0, len: 3 },
      { no: 3, sec: 50, nsec: 250_000, linkType: 1, iface: 0, len: 8 },
    ]);
    expect(new TextDecoder().decode(frames[2].data)).toBe('01234567');
    expect(frames[2].origLen).toBe(1500);
  });

  it('cuts an SPB to its Original Packet Length, not the padded body', () => {
    const bytes = concat(encodeShb(true), encodeIdb(ETH_US, true), encodeSpb(ascii('abcde'), 5, true));
    const f = parseCaptureBytes(bytes, 'spb-be.pcapng').frames[0];
    expect(new TextDecoder().decode(f.data)).toBe('abcde');
  });

  it('reads the obsolete Packet Block with its 16-bit interface ID (Appendix A)', () => {
    const bytes = concat(
      encodeShb(true),
      encodeIdb(ETH_US, true),
      encodeIdb(SLL_NS, true),
      encodePb({ iface: 1, sec: 77, nsec: 1, data: ascii('pb') }, SLL_NS, true),
    );
    const { frames } = parseCaptureBytes(bytes, 'pb.pcapng');
    expect(frames.map(frameSummary)).toEqual([{ no: 1, sec: 77, nsec: 1, linkType: 113, iface: 1, len: 2 }]);
  });

  it('skips unknown, custom, NRB and ISB blocks by their length (§3.1 "can simply ignore their content")', () => {
    const before = concat(
      encodeShb(),
      encodeIdb(ETH_US),
      encodeBlock(0x00000bad, ascii('custom block data')),
    );
    const bytes = concat(
      before,
      encodeBlock(4, new Uint8Array(4)), // NRB with just nrb_record_end
      encodeBlock(5, new Uint8Array(12)), // ISB
      encodeBlock(0x80000001, new Uint8Array(0)), // local-use block type, empty body
      encodeEpb({ iface: 0, sec: 1, nsec: 0, data: Uint8Array.of(9) }, ETH_US),
    );
    const { frames } = parseCaptureBytes(bytes, 'skip.pcapng');
    expect(frames).toHaveLength(1);
    expect(frames[0].fileOffset).toBe(before.length + 16 + 24 + 12);
  });

  it('skips a section whose major version it cannot read, with a warning (§3.4)', () => {
    const bytes = concat(
      encodeShb(false, { major: 2, minor: 0 }),
      encodeIdb(ETH_US),
      encodeEpb({ iface: 0, sec: 1, nsec: 0, data: Uint8Array.of(1) }, ETH_US),
      encodeShb(),
      encodeIdb(SLL_NS),
      encodeEpb({ iface: 0, sec: 2, nsec: 0, data: Uint8Array.of(2) }, SLL_NS),
    );
    const { frames, info } = parseCaptureBytes(bytes, 'v2.pcapng');
    expect(frames.map((f) => [f.no, f.sec, f.linkType])).toEqual([[1, 2, 113]]);
    expect(info.warnings).toEqual([
      { offset: 12, message: 'pcapng section version 2.0 not supported; section skipped' },
    ]);
  });

  it('keeps earlier frames and warns when the last block is cut short', () => {
    const full = writePcapng({
      interfaces: [ETH_US],
      frames: [
        { iface: 0, sec: 1, nsec: 0, data: new Uint8Array(10) },
        { iface: 0, sec: 2, nsec: 0, data: new Uint8Array(10) },
      ],
    });
    const { frames, info } = parseCaptureBytes(full.subarray(0, full.length - 3), 'cut.pcapng');
    expect(frames.map((f) => f.no)).toEqual([1]);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0].offset).toBe(28 + 20 + 44);
  });

  it('rejects a file shorter than its Section Header Block', () => {
    const e = errorOf(() => parseCaptureBytes(encodeShb().subarray(0, 20), 'short.pcapng'));
    expect(e.message).toBe(
      'short.pcapng: file too short (20 bytes) for its pcapng section header block at byte offset 0',
    );
  });

  describe('block length checks (§3.1: "This value MUST be a multiple of 4")', () => {
    const good = concat(encodeShb(), encodeIdb(ETH_US));
    const epb = encodeEpb({ iface: 0, sec: 1, nsec: 0, data: new Uint8Array(8) }, ETH_US);
    const at = good.length;

    it('rejects a length that is not a multiple of 4, naming the block offset', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + 4, epb.length - 2, true);
      const e = errorOf(() => parseCaptureBytes(bad, 'x.pcapng'));
      expect(e.offset).toBe(at);
      expect(epb.length).toBe(40);
      expect(e.reason).toBe('bad pcapng block length 38 (must be >= 12 and a multiple of 4)');
    });

    it('rejects a length below 12', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + 4, 8, true);
      expect(errorOf(() => parseCaptureBytes(bad, 'x.pcapng')).offset).toBe(at);
    });

    it('rejects a trailing length that differs from the leading one', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + epb.length - 4, 12, true);
      const e = errorOf(() => parseCaptureBytes(bad, 'x.pcapng'));
      expect(e.offset).toBe(at);
      expect(e.reason).toBe('pcapng block trailing length 12 differs from its leading length 40');
    });

    it('rejects an absurd block length instead of buffering it', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + 4, 0x40000000, true);
      expect(errorOf(() => parseCaptureBytes(bad, 'x.pcapng')).reason).toMatch(
        /impossible pcapng block length/,
      );
    });

    it('rejects an EPB whose captured length overruns the block', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + 20, 13, true);
      expect(errorOf(() => parseCaptureBytes(bad, 'x.pcapng')).reason).toMatch(/captured length 13/);
    });

    it('rejects an EPB on an interface the section does not define (§4.3 "The interface ID MUST be valid")', () => {
      const bad = concat(good, epb);
      new DataView(bad.buffer).setUint32(at + 8, 3, true);
      expect(errorOf(() => parseCaptureBytes(bad, 'x.pcapng')).reason).toBe(
        'packet on interface 3, but the section has 1',
      );
    });

    it('rejects an SPB before any IDB', () => {
      const e = errorOf(() =>
        parseCaptureBytes(concat(encodeShb(), encodeSpb(Uint8Array.of(1))), 'x.pcapng'),
      );
      expect(e.offset).toBe(28);
    });

    it('rejects an SHB whose byte-order magic is neither order', () => {
      const bad = encodeShb();
      bad[8] = 0x00;
      expect(errorOf(() => parseCaptureBytes(bad, 'x.pcapng')).reason).toMatch(/bad pcapng byte-order magic/);
    });
  });

  it('ignores IDB options after one that runs past the block, with a warning', () => {
    const idb = encodeIdb({ linkType: 1, tsresol: 9 });
    // if_tsresol option header at block offset 16: claim length 200
    new DataView(idb.buffer).setUint16(16 + 2, 200, true);
    const bytes = concat(
      encodeShb(),
      idb,
      encodeEpb({ iface: 0, sec: 5, nsec: 0, data: Uint8Array.of(1) }, ETH_US),
    );
    const { frames, info } = parseCaptureBytes(bytes, 'opt.pcapng');
    expect(info.warnings.map((w) => w.offset)).toEqual([28 + 16]);
    // default µs resolution used; the EPB was written in µs
    expect(frames[0].sec).toBe(5);
  });
});
