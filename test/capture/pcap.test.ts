import { describe, expect, it } from 'vitest';
import { createCaptureParser, parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { concat, hex } from './bytes.js';

// Little-endian, microsecond pcap with two records.
const LE_US = hex(`
  d4 c3 b2 a1   # magic 0xA1B2C3D4 written little-endian: µs timestamps
  02 00 04 00   # version 2.4
  00 00 00 00   # Reserved1 (thiszone)
  00 00 00 00   # Reserved2 (sigfigs)
  ff ff 00 00   # SnapLen 65535
  01 00 00 00   # LinkType 1 = ETHERNET
  # record 1, byte offset 24
  00 f1 53 65   # ts_sec 1700000000
  40 e2 01 00   # ts_usec 123456
  04 00 00 00   # incl_len 4
  3c 00 00 00   # orig_len 60 (snaplen-cut packet)
  de ad be ef   # data
  # record 2, byte offset 44
  01 f1 53 65   # ts_sec 1700000001
  00 00 00 00   # ts_usec 0
  02 00 00 00   # incl_len 2
  02 00 00 00   # orig_len 2
  ca fe         # data
`);

// Big-endian, nanosecond pcap with one record.
const BE_NS = hex(`
  a1 b2 3c 4d   # magic 0xA1B23C4D big-endian: ns timestamps
  00 02 00 04   # version 2.4
  00 00 00 00   # Reserved1
  00 00 00 00   # Reserved2
  00 00 00 10   # SnapLen 16
  00 00 00 71   # LinkType 113 = LINUX_SLL
  # record 1, byte offset 24
  65 53 f1 00   # ts_sec 1700000000
  3b 9a c9 ff   # ts_nsec 999999999
  00 00 00 03   # incl_len 3
  00 00 00 03   # orig_len 3
  01 02 03      # data
`);

describe('classic pcap (draft-ietf-opsawg-pcap)', () => {
  it('reads a little-endian µs file field by field (§4 File Header, §5 Packet Record)', () => {
    const { frames, info } = parseCaptureBytes(LE_US, 'le.pcap');
    expect(info).toEqual({
      format: 'pcap',
      linkTypes: [LinkType.ETHERNET],
      frames: 2,
      bytes: LE_US.length,
      warnings: [],
    });
    expect(frames).toHaveLength(2);
    const [a, b] = frames;
    expect(a.no).toBe(1);
    expect(a.sec).toBe(1700000000);
    expect(a.nsec).toBe(123456000);
    expect(a.linkType).toBe(1);
    expect([...a.data]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(a.origLen).toBe(60);
    expect(a.iface).toBe(0);
    expect(a.fileOffset).toBe(24);
    expect(b).toMatchObject({ no: 2, sec: 1700000001, nsec: 0, origLen: 2, fileOffset: 44 });
    expect([...b.data]).toEqual([0xca, 0xfe]);
  });

  it('reads a big-endian ns file with the nanosecond fraction exact', () => {
    const { frames, info } = parseCaptureBytes(BE_NS, 'be.pcap');
    expect(info.linkTypes).toEqual([LinkType.LINUX_SLL]);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ no: 1, sec: 1700000000, nsec: 999999999, linkType: 113, origLen: 3 });
    expect([...frames[0].data]).toEqual([1, 2, 3]);
  });

  it('round-trips the writer in both byte orders and both resolutions', () => {
    const frames = [
      { sec: 1, nsec: 999_999_000, data: Uint8Array.of(1) },
      { sec: 4294967295, nsec: 0, data: new Uint8Array(1500).fill(7), origLen: 1514 },
      { sec: 1700000000, nsec: 5_000, data: new Uint8Array(0) },
    ];
    for (const bigEndian of [false, true]) {
      for (const nanos of [false, true]) {
        const bytes = writePcap(frames, { linkType: LinkType.RAW, bigEndian, nanos });
        // magic bytes in file order tell the byte order and the resolution
        const magic = [...bytes.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('');
        expect(magic).toBe(bigEndian ? (nanos ? 'a1b23c4d' : 'a1b2c3d4') : nanos ? '4d3cb2a1' : 'd4c3b2a1');
        const got = parseCaptureBytes(bytes, 'w.pcap').frames;
        expect(got.map((f) => [f.no, f.sec, f.nsec, f.origLen, f.linkType, f.data.length])).toEqual([
          [1, 1, 999_999_000, 1, 101, 1],
          [2, 4294967295, 0, 1514, 101, 1500],
          [3, 1700000000, 5_000, 0, 101, 0],
        ]);
        expect(got[1].data.every((x) => x === 7)).toBe(true);
      }
    }
  });

  it('writes µs files by truncating the nanoseconds (µs magic holds microseconds)', () => {
    const bytes = writePcap([{ sec: 2, nsec: 123_456_789, data: Uint8Array.of(0) }], { linkType: 1 });
    expect(parseCaptureBytes(bytes, 'x').frames[0].nsec).toBe(123_456_000);
  });

  it('keeps every complete record and warns when the last record is cut short', () => {
    const cut = LE_US.subarray(0, LE_US.length - 1); // one byte of record 2 missing
    const { frames, info } = parseCaptureBytes(cut, 'cut.pcap');
    expect(frames.map((f) => f.no)).toEqual([1]);
    expect(info.frames).toBe(1);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0].offset).toBe(44);
    expect(info.warnings[0].message).toMatch(/17 of 18 bytes/);
  });

  it('warns, not fails, when the capture ends inside a record header', () => {
    const cut = LE_US.subarray(0, 44 + 10);
    const { frames, info } = parseCaptureBytes(cut, 'cut.pcap');
    expect(frames).toHaveLength(1);
    expect(info.warnings[0]).toMatchObject({ offset: 44 });
    expect(info.warnings[0].message).toMatch(/header/);
  });

  it('rejects a file shorter than its 24-byte file header', () => {
    expect(() => parseCaptureBytes(LE_US.subarray(0, 20), 'short.pcap')).toThrow(
      new CaptureError('short.pcap', 0, 'file too short (20 bytes) for the 24-byte pcap file header'),
    );
  });

  it('rejects an impossible incl_len naming the record header offset (§7 "MUST do invalid header and packet checks")', () => {
    const bad = LE_US.slice();
    // record 2's incl_len (offset 44 + 8) := 0x00100001 = 1048577 > max(snaplen 65535, 262144)
    bad.set([0x01, 0x00, 0x10, 0x00], 52);
    let err: unknown;
    try {
      parseCaptureBytes(bad, 'file.pcap');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).offset).toBe(44);
    expect((err as CaptureError).message).toBe(
      'file.pcap: impossible record length 1048577 (snaplen 65535) at byte offset 44',
    );
  });

  it('rejects a big-endian header followed by little-endian records (mixed-endian corruption)', () => {
    const mixed = concat(
      hex(`a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000000  # BE header, LinkType NULL`),
      hex(`0555e64f 86170c00 23020000 23020000                      # LE record header`),
      new Uint8Array(0x223),
    );
    expect(() => parseCaptureBytes(mixed, 'm.pcap')).toThrow(
      'm.pcap: impossible record length 587333632 (snaplen 65535) at byte offset 24',
    );
  });

  it('tolerates incl_len above the snaplen up to 262144 and incl_len above orig_len', () => {
    const bytes = writePcap([{ sec: 0, nsec: 0, data: new Uint8Array(200_000), origLen: 10 }], {
      linkType: 1,
      snaplen: 262144,
    });
    // claim a snaplen of 96 in the header: real tools have written such files
    new DataView(bytes.buffer).setUint32(16, 96, true);
    const { frames } = parseCaptureBytes(bytes, 'x');
    expect(frames[0].data.length).toBe(200_000);
    expect(frames[0].origLen).toBe(10);
  });

  it('accepts records up to the snaplen when the snaplen is above 262144, and not beyond 16 MiB', () => {
    const ok = writePcap([{ sec: 0, nsec: 0, data: new Uint8Array(300_000) }], {
      linkType: 1,
      snaplen: 400_000,
    });
    expect(parseCaptureBytes(ok, 'x').frames[0].data.length).toBe(300_000);
    const header = writePcap([], { linkType: 1, snaplen: 0xffffffff });
    const rec = hex('00000000 00000000 01000001 01000001'); // LE incl_len 0x01000001 = 16 MiB + 1
    expect(() => parseCaptureBytes(concat(header, rec), 'big.pcap')).toThrow(
      /impossible record length 16777217/,
    );
  });

  it('normalises an out-of-range µs fraction into the seconds so nsec stays below 1e9', () => {
    const bytes = writePcap([{ sec: 10, nsec: 0, data: Uint8Array.of(1) }], { linkType: 1 });
    new DataView(bytes.buffer).setUint32(24 + 4, 2_500_000, true); // ts_usec 2.5 s
    expect(parseCaptureBytes(bytes, 'x').frames[0]).toMatchObject({ sec: 12, nsec: 500_000_000 });
  });

  it('does not carry a fraction past 2106 (no pcap record holds 2^32 s): the seconds stay, one warning', () => {
    const bytes = writePcap(
      [0xffffffff, 0xfffffffe].map((sec) => ({ sec, nsec: 0, data: Uint8Array.of(1) })),
      { linkType: 1 },
    );
    const v = new DataView(bytes.buffer);
    v.setUint32(24 + 4, 1_000_000, true); // ts_usec 1 s on 0xffffffff s
    v.setUint32(24 + 17 + 4, 2_000_000, true); // ts_usec 2 s on 0xfffffffe s
    const r = parseCaptureBytes(bytes, 'late.pcap');
    expect(r.frames.map((f) => [f.sec, f.nsec])).toEqual([
      [0xffffffff, 0],
      [0xfffffffe, 0],
    ]);
    expect(r.info.warnings).toEqual([
      {
        offset: 24,
        message: 'record time fraction of a second or more carries past 2106: the seconds kept as they are',
      },
    ]);
  });

  it('uses the low 16 bits of the LinkType field (upper bits carry FCS information)', () => {
    const bytes = writePcap([], { linkType: 1 });
    new DataView(bytes.buffer).setUint32(20, 0x14000001, true); // P bit + FCS len 2, link type 1
    const p = createCaptureParser('x');
    p.push(bytes);
    p.end();
    expect(p.info.linkTypes).toEqual([1]);
  });
});
