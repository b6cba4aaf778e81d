import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { isRawIpLinkType, LinkType, linkTypeName } from '../../src/capture/link-types.js';
import { encodePcapHeader, pcapChunks, writePcap } from '../../src/capture/pcap-writer.js';
import {
  encodeBlock,
  encodeEpb,
  encodeIdb,
  timestampUnits,
  writePcapng,
} from '../../src/capture/pcapng-writer.js';
import { concat, hex } from './bytes.js';

describe('pcap writer (draft-ietf-opsawg-pcap §4, §5)', () => {
  it('writes the 24-byte File Header field by field', () => {
    expect(encodePcapHeader({ linkType: LinkType.ETHERNET })).toEqual(
      hex(`
        d4 c3 b2 a1   # magic 0xA1B2C3D4, little-endian
        02 00 04 00   # version 2.4
        00 00 00 00   # Reserved1
        00 00 00 00   # Reserved2
        00 00 04 00   # SnapLen 262144 (default)
        01 00 00 00   # LinkType 1
      `),
    );
    expect(
      encodePcapHeader({ linkType: LinkType.LINUX_SLL2, nanos: true, bigEndian: true, snaplen: 65535 }),
    ).toEqual(hex('a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000114'));
  });

  it('cuts frames to the snaplen and keeps the original length', () => {
    const bytes = writePcap([{ sec: 3, nsec: 0, data: new Uint8Array(100).fill(1) }], {
      linkType: 1,
      snaplen: 64,
    });
    expect(bytes.length).toBe(24 + 16 + 64);
    expect(bytes.subarray(24, 40)).toEqual(
      hex('03000000 00000000 40000000 64000000  # sec 3, usec 0, incl 64, orig 100'),
    );
    const f = parseCaptureBytes(bytes, 'x').frames[0];
    expect([f.data.length, f.origLen]).toEqual([64, 100]);
  });

  it('streams the same bytes as the one-buffer writer', () => {
    const frames = [1, 2, 3].map((i) => ({ sec: i, nsec: i * 1000, data: new Uint8Array(i).fill(i) }));
    const opts = { linkType: 1, nanos: true };
    expect(concat(...pcapChunks(frames, opts))).toEqual(writePcap(frames, opts));
  });

  it('refuses timestamps the format cannot hold', () => {
    expect(() => writePcap([{ sec: -1, nsec: 0, data: new Uint8Array(0) }], { linkType: 1 })).toThrow(
      RangeError,
    );
    expect(() => writePcap([{ sec: 2 ** 32, nsec: 0, data: new Uint8Array(0) }], { linkType: 1 })).toThrow(
      RangeError,
    );
    expect(() => writePcap([{ sec: 1, nsec: 1e9, data: new Uint8Array(0) }], { linkType: 1 })).toThrow(
      RangeError,
    );
  });
});

describe('pcapng writer (draft-ietf-opsawg-pcapng)', () => {
  it('pads block bodies to 32 bits and repeats the total length (§3.1)', () => {
    expect(encodeBlock(0x0bad, Uint8Array.of(1, 2, 3, 4, 5), true)).toEqual(
      hex('00000bad 00000014 0102030405000000 00000014  # type, length 20, body + 3 padding, length'),
    );
  });

  it('writes an IDB with if_name, if_tsresol and if_tsoffset options (§4.2)', () => {
    expect(
      encodeIdb({ linkType: LinkType.LINUX_SLL, name: 'eth0', tsresol: 9, tsoffset: 2, snaplen: 65535 }),
    ).toEqual(
      hex(`
        01000000 34000000             # IDB, total length 52
        7100 0000                     # LinkType 113, Reserved
        ffff0000                      # SnapLen 65535
        0200 0400 65746830            # if_name "eth0"
        0900 0100 09000000            # if_tsresol 9, padded
        0e00 0800 0200000000000000    # if_tsoffset 2
        00000000                      # opt_endofopt
        34000000                      # total length 52
      `),
    );
  });

  it('writes EPB timestamps as one 64-bit count of interface units (§4.3)', () => {
    const epb = encodeEpb(
      { iface: 0, sec: 1700000000, nsec: 123456789, data: Uint8Array.of(0xab) },
      { linkType: 1, tsresol: 9 },
    );
    expect(epb).toEqual(
      hex(`
        06000000 24000000   # EPB, total length 36
        00000000            # Interface ID 0
        fe9c9717 15cd853d   # Timestamp High 0x17979cfe, Low 0x3d85cd15 = 1700000000123456789
        01000000 01000000   # Captured 1, Original 1
        ab000000            # data + padding
        24000000
      `),
    );
    expect(timestampUnits(1700000000, 123456789, { linkType: 1 })).toBe(1700000000123456n); // default µs
    expect(timestampUnits(1, 500_000_000, { linkType: 1, tsresolPow2: 1 })).toBe(3n);
  });

  it('refuses a frame on an interface its section does not have', () => {
    expect(() =>
      writePcapng({
        interfaces: [{ linkType: 1 }],
        frames: [{ iface: 1, sec: 0, nsec: 0, data: new Uint8Array(0) }],
      }),
    ).toThrow(RangeError);
  });
});

describe('link types', () => {
  it('names LINKTYPE_ values and falls back to the number', () => {
    expect(linkTypeName(0)).toBe('NULL');
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(101)).toBe('RAW');
    expect(linkTypeName(12)).toBe('RAW');
    expect(linkTypeName(14)).toBe('RAW');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeName(276)).toBe('LINUX_SLL2');
    expect(linkTypeName(228)).toBe('IPV4');
    expect(linkTypeName(4242)).toBe('LINKTYPE_4242');
  });

  it('knows which link types carry bare IP packets', () => {
    expect([0, 1, 12, 14, 101, 108, 113, 228, 229, 276].filter(isRawIpLinkType)).toEqual([
      12, 14, 101, 228, 229,
    ]);
  });
});
