/**
 * Differential test against the `pcap-parser` npm package (classic µs pcap
 * only, either byte order): same frame count, timestamps, lengths and bytes.
 */
import '../helpers/corpus.js';
import { Buffer } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { openCapture } from '../../src/capture/read-file.js';
import { rng } from './bytes.js';

interface PpPacket {
  header: {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  };
  data: Buffer;
}
interface PpResult {
  linkType: number;
  packets: PpPacket[];
}

const pcapParser = createRequire(import.meta.url)('pcap-parser') as {
  parse(input: string | NodeJS.ReadableStream): NodeJS.EventEmitter;
};

/** Run pcap-parser to its 'end' event; reject on 'error'. */
function referenceParse(input: string | NodeJS.ReadableStream): Promise<PpResult> {
  return new Promise((resolve, reject) => {
    const packets: PpPacket[] = [];
    let linkType = -1;
    let failed = false;
    const p = pcapParser.parse(input);
    p.on('globalHeader', (h: { linkLayerType: number }) => {
      linkType = h.linkLayerType;
    });
    p.on('packet', (pkt: PpPacket) => packets.push(pkt));
    p.on('error', (e: Error) => {
      failed = true;
      reject(e);
    });
    p.on('end', () => {
      if (!failed) resolve({ linkType, packets });
    });
  });
}

function compare(ours: Frame[], ref: PpResult, linkType: number): void {
  expect(ours.length).toBe(ref.packets.length);
  expect(ref.linkType).toBe(linkType);
  for (let i = 0; i < ours.length; i++) {
    const f = ours[i];
    const { header, data } = ref.packets[i];
    expect([f.no, f.sec, f.nsec, f.data.length, f.origLen]).toEqual([
      i + 1,
      header.timestampSeconds,
      header.timestampMicroseconds * 1000,
      header.capturedLength,
      header.originalLength,
    ]);
    expect(Buffer.compare(Buffer.from(f.data), data)).toBe(0);
  }
}

function chunked(bytes: Uint8Array, seed: number): Readable {
  const r = rng(seed);
  const parts: Buffer[] = [];
  for (let off = 0; off < bytes.length; ) {
    const n = 1 + Math.floor(r() * 200);
    parts.push(Buffer.from(bytes.subarray(off, off + n)));
    off += n;
  }
  return Readable.from(parts);
}

describe('differential: our pcap reader vs pcap-parser', () => {
  const r = rng(42);
  const frames = Array.from({ length: 200 }, (_, i) => {
    const data = new Uint8Array(Math.floor(r() * 1600));
    for (let j = 0; j < data.length; j++) data[j] = (r() * 256) | 0;
    return {
      sec: 1_000_000_000 + i * 7,
      nsec: Math.floor(r() * 1e6) * 1000,
      data,
      origLen: data.length + (i % 3),
    };
  });

  for (const bigEndian of [false, true]) {
    it(`agrees on a generated ${bigEndian ? 'big' : 'little'}-endian µs pcap`, async () => {
      const bytes = writePcap(frames, { linkType: LinkType.LINUX_SLL, bigEndian });
      const ours = parseCaptureBytes(bytes, 'gen.pcap').frames;
      compare(ours, await referenceParse(chunked(bytes, bigEndian ? 2 : 1)), LinkType.LINUX_SLL);
    });
  }
});

const corpusDir = fileURLToPath(new URL('../../../shared/corpus/pcap/', import.meta.url));

describe.skipIf(!existsSync(corpusDir))('differential on corpus µs pcaps', () => {
  const files = existsSync(corpusDir)
    ? readdirSync(corpusDir)
        .filter((f) => {
          const head = readFileSync(join(corpusDir, f)).subarray(0, 4).toString('hex');
          return head === 'a1b2c3d4' || head === 'd4c3b2a1';
        })
        .sort()
    : [];

  it('finds µs pcaps to compare', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const file of files) {
    it(`agrees on ${file}`, async () => {
      const path = join(corpusDir, file);
      const ref = await referenceParse(path);
      // pcap-parser "can read" a file when its records account for every byte;
      // otherwise (corrupt lengths) it silently stops, and we must not agree silently.
      const consumed = ref.packets.reduce((n, p) => n + 16 + p.header.capturedLength, 24);
      const reader = openCapture(path, { chunkSize: 65536 });
      const ours: Frame[] = [];
      let error: unknown = null;
      try {
        for await (const f of reader) ours.push(f);
      } catch (e) {
        error = e;
      }
      if (consumed === statSync(path).size) {
        expect(error).toBeNull();
        compare(ours, ref, reader.info.linkTypes[0]);
      } else {
        expect(error instanceof CaptureError || reader.info.warnings.length > 0).toBe(true);
      }
    });
  }
});
