import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCaptureParser, parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
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
import { ascii, concat, rng, splitAt } from './bytes.js';

function payload(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** A classic pcap (big-endian, ns) with frames of assorted sizes, one larger than a typical chunk. */
const PCAP = writePcap(
  [0, 1, 60, 1514, 70_000, 3, 9000].map((n, i) => ({
    sec: 1700000000 + i,
    nsec: i * 111_111_111,
    data: payload(n, i),
  })),
  { linkType: LinkType.ETHERNET, nanos: true, bigEndian: true },
);

const ETH: PcapngInterface = { linkType: LinkType.ETHERNET };
const SLL2: PcapngInterface = { linkType: LinkType.LINUX_SLL2, tsresol: 9 };

/** A pcapng with two sections (LE then BE), two interfaces, EPB, SPB, PB and an unknown block. */
const PCAPNG = concat(
  writePcapng({
    interfaces: [ETH, SLL2],
    frames: [
      { iface: 0, sec: 1, nsec: 1_000, data: payload(61, 1) },
      { iface: 1, sec: 2, nsec: 2, data: payload(70_001, 2) },
    ],
  }),
  encodeBlock(0x40000bad, ascii('vendor stuff')),
  encodeShb(true),
  encodeIdb(ETH, true),
  encodeSpb(payload(33, 3), 33, true),
  encodePb({ iface: 0, sec: 5, nsec: 5_000, data: payload(7, 4) }, ETH, true),
  encodeEpb({ iface: 0, sec: 6, nsec: 6_000, data: payload(1, 5) }, ETH, true),
);

interface Parsed {
  frames: {
    no: number;
    sec: number;
    nsec: number;
    linkType: number;
    origLen: number;
    iface: number;
    fileOffset: number;
    data: string;
  }[];
  warnings: number;
}

function plain(frames: Frame[]): Parsed['frames'] {
  return frames.map((f) => ({
    no: f.no,
    sec: f.sec,
    nsec: f.nsec,
    linkType: f.linkType,
    origLen: f.origLen,
    iface: f.iface,
    fileOffset: f.fileOffset,
    // base64 of the bytes: exact, and cheap to compare for 70 kB frames
    data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64'),
  }));
}

function parseChunks(chunks: Uint8Array[], name = 'chunks'): Parsed {
  const p = createCaptureParser(name);
  const frames: Frame[] = [];
  for (const c of chunks) frames.push(...p.push(c));
  p.end();
  return { frames: plain(frames), warnings: p.info.warnings.length };
}

/**
 * Offsets where records end (= where the next begins), found independently of
 * the parser: pcap by record lengths, pcapng by block lengths in whichever byte
 * order makes the trailing length agree.
 */
function recordBounds(file: Uint8Array, format: 'pcap' | 'pcapng'): number[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: number[] = [];
  if (format === 'pcap') {
    const le = file[0] === 0xd4 || file[0] === 0x4d;
    for (let off = 24; off < file.length; off += 16 + v.getUint32(off + 8, le)) out.push(off);
  } else {
    for (let off = 0; off < file.length; ) {
      out.push(off);
      const le = v.getUint32(off + 4, true);
      off +=
        le < file.length - off + 1 && v.getUint32(off + le - 4, true) === le
          ? le
          : v.getUint32(off + 4, false);
    }
  }
  out.push(file.length);
  return out.filter((o) => o > 0);
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

describe('format sniffing (magic, never the file name)', () => {
  it('rejects bytes that are neither pcap nor pcapng, quoting the magic', () => {
    const e = errorOf(() => parseCaptureBytes(ascii('GET / HTTP/1.1\r\n\r\n'), 'page.pcap'));
    expect(e.message).toBe('page.pcap: not a pcap or pcapng capture (magic 0x47455420) at byte offset 0');
    expect(e.file).toBe('page.pcap');
    expect(e.offset).toBe(0);
  });

  it('reads pcapng content under a .pcap name as pcapng', () => {
    const { info } = parseCaptureBytes(PCAPNG, 'really-pcapng.pcap');
    expect(info.format).toBe('pcapng');
  });

  it('reads all four pcap magics: µs and ns, both byte orders', () => {
    for (const [nanos, bigEndian] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ]) {
      const bytes = writePcap([{ sec: 9, nsec: 8_000, data: Uint8Array.of(1) }], {
        linkType: 1,
        nanos,
        bigEndian,
      });
      const { frames, info } = parseCaptureBytes(bytes, 'm.pcap');
      expect(info.format).toBe('pcap');
      expect([frames[0].sec, frames[0].nsec]).toEqual([9, 8_000]);
    }
  });

  it('rejects an empty file and a file shorter than a magic number', () => {
    expect(errorOf(() => parseCaptureBytes(new Uint8Array(0), 'e')).reason).toBe(
      'empty file, not a pcap or pcapng capture',
    );
    expect(errorOf(() => parseCaptureBytes(Uint8Array.of(0xd4, 0xc3, 0xb2), 'e')).reason).toBe(
      'file too short (3 bytes) to be a pcap or pcapng capture',
    );
  });

  it('keeps failing with the same error after a CaptureError', () => {
    const p = createCaptureParser('bad');
    const e = errorOf(() => p.push(ascii('nope')));
    expect(errorOf(() => p.push(PCAP))).toBe(e);
    expect(errorOf(() => p.end())).toBe(e);
  });

  it('returns the good frames of a chunk before reporting a corrupt record in it', () => {
    const bad = PCAP.slice();
    new DataView(bad.buffer).setUint32(57 + 8, 0x7fffffff, false); // frame 3's incl_len (big-endian file)
    const p = createCaptureParser('bad.pcap');
    expect(p.push(bad).map((f) => f.no)).toEqual([1, 2]);
    const e = errorOf(() => p.end());
    expect(e.message).toBe(
      'bad.pcap: impossible record length 2147483647 (snaplen 262144) at byte offset 57',
    );
    expect(errorOf(() => p.push(PCAP))).toBe(e);
  });

  it('treats push() after end() as a bug in the caller (throws a plain Error)', () => {
    const p = createCaptureParser('x');
    p.push(PCAP);
    p.end();
    expect(() => p.push(PCAP)).toThrow(/after end/);
  });
});

describe('chunk-driven parsing', () => {
  for (const [name, file] of [
    ['pcap', PCAP],
    ['pcapng', PCAPNG],
  ] as const) {
    const whole = parseChunks([file]);

    it(`${name}: byte-by-byte pushes give the same frames as one push`, () => {
      const bytes: Uint8Array[] = [];
      for (let i = 0; i < file.length; i++) bytes.push(file.subarray(i, i + 1));
      expect(parseChunks(bytes)).toEqual(whole);
    });

    it(`${name}: any split into chunks gives the same frames`, () => {
      expect(whole.frames.length).toBeGreaterThan(4);
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 1, max: file.length - 1 }), { maxLength: 40 }),
          (cuts) => {
            expect(parseChunks(splitAt(file, cuts))).toEqual(whole);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${name}: every truncation keeps exactly the records that are whole, and warns unless it ends on a boundary`, () => {
      const bounds = recordBounds(file, name);
      const ends = whole.frames.map((f) => bounds.find((b) => b > f.fileOffset) as number);
      // cut just before, at and just after the end of each frame's record, and a few bytes into the next
      for (const cut of ends
        .flatMap((e) => [e - 1, e, e + 1, e + 9])
        .filter((c) => c > 40 && c <= file.length)) {
        const got = parseChunks([file.slice(0, cut)]);
        expect(got.frames).toEqual(whole.frames.filter((_, i) => ends[i] <= cut));
        expect(got.warnings).toBe(bounds.includes(cut) ? 0 : 1);
      }
    });
  }

  it('hands out views of the pushed chunk for records inside it, copies only straddling ones', () => {
    const p = createCaptureParser('views');
    // PCAP records: header 0..24, frame 1 (0 bytes) 24..40, frame 2 (1 byte) 40..57, frame 3 (60 bytes) 57..133
    const cut = 57 + 5; // inside frame 3's record header
    const a = PCAP.slice(0, cut);
    const b = PCAP.slice(cut);
    const fromA = p.push(a);
    const fromB = p.push(b);
    p.end();
    expect(fromA.map((f) => f.no)).toEqual([1, 2]);
    expect(fromA.every((f) => f.data.buffer === a.buffer)).toBe(true);
    // frame 3 straddled the cut: its bytes were copied once into their own buffer
    expect(fromB[0].no).toBe(3);
    expect(fromB[0].data.buffer).not.toBe(a.buffer);
    expect(fromB[0].data.buffer).not.toBe(b.buffer);
    // frames after it are views of the second chunk
    expect(fromB.slice(1).every((f) => f.data.buffer === b.buffer)).toBe(true);
  });

  it('counts bytes and frames in info as it goes', () => {
    const p = createCaptureParser('count');
    p.push(PCAPNG.subarray(0, 100));
    expect(p.info.bytes).toBe(100);
    p.push(PCAPNG.subarray(100));
    p.end();
    expect(p.info).toMatchObject({ format: 'pcapng', frames: 5, bytes: PCAPNG.length, linkTypes: [1, 276] });
  });
});

describe('robustness: bad input only ever raises CaptureError', () => {
  function check(bytes: Uint8Array, cuts: number[]): void {
    const p = createCaptureParser('fuzz');
    const frames: Frame[] = [];
    try {
      for (const c of splitAt(bytes, cuts)) frames.push(...p.push(c));
      p.end();
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
    }
    // whatever came out is well-formed
    frames.forEach((f, i) => {
      expect(f.no).toBe(i + 1);
      expect(f.nsec >= 0 && f.nsec < 1e9 && Number.isInteger(f.nsec)).toBe(true);
      expect(f.fileOffset).toBeLessThan(bytes.length);
    });
  }

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 5 }), check),
      { numRuns: 500 },
    );
  });

  it('random bytes behind a valid magic', () => {
    const magics = [PCAP.subarray(0, 24), PCAPNG.subarray(0, 28), PCAPNG.subarray(0, 4), PCAP.subarray(0, 4)];
    fc.assert(
      fc.property(
        fc.constantFrom(...magics),
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(400)),
        (m, rest, cuts) => check(concat(m, rest), cuts),
      ),
      { numRuns: 500 },
    );
  });

  it('valid captures with mutated bytes', () => {
    const small = [
      concat(
        writePcapng({
          interfaces: [ETH, SLL2],
          frames: [{ iface: 1, sec: 1, nsec: 1, data: payload(40, 9) }],
        }),
        encodeSpb(payload(5, 1)),
      ),
      writePcap(
        [
          { sec: 1, nsec: 0, data: payload(30, 2) },
          { sec: 2, nsec: 0, data: payload(20, 3) },
        ],
        { linkType: 1 },
      ),
      writePcap([{ sec: 1, nsec: 0, data: payload(30, 4) }], { linkType: 1, bigEndian: true, nanos: true }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...small),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(200), { maxLength: 4 }),
        (file, edits, cuts) => {
          const bytes = file.slice();
          for (const [pos, val] of edits) bytes[pos % bytes.length] = val;
          check(bytes, cuts);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
