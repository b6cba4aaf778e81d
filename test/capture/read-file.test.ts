import '../helpers/corpus.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { CaptureOpenError, openCapture, readCaptureStream } from '../../src/capture/read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FRAMES = Array.from({ length: 50 }, (_, i) => ({
  sec: 1700000000 + i,
  nsec: i * 1_000,
  data: new Uint8Array(40 + i).fill(i),
}));

async function collect(reader: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of reader) out.push(f);
  return out;
}

function summary(frames: Frame[]) {
  return frames.map((f) => [
    f.no,
    f.sec,
    f.nsec,
    f.linkType,
    f.fileOffset,
    Buffer.from(f.data).toString('hex'),
  ]);
}

describe('openCapture (streams a file from disk)', () => {
  const pcapPath = join(dir, 'fifty.pcap');
  const pcapBytes = writePcap(FRAMES, { linkType: LinkType.ETHERNET });
  writeFileSync(pcapPath, pcapBytes);

  it('gives the same frames as parsing the whole file at once, for small and default chunk sizes', async () => {
    const want = summary(parseCaptureBytes(pcapBytes, pcapPath).frames);
    for (const chunkSize of [1, 7, 64, 4096, undefined]) {
      const reader = openCapture(pcapPath, { chunkSize });
      expect(summary(await collect(reader))).toEqual(want);
      expect(reader.info).toMatchObject({
        format: 'pcap',
        frames: 50,
        bytes: pcapBytes.length,
        linkTypes: [1],
      });
    }
  });

  it('lets a caller stop early, again and again, with its frames and no error (the read ahead is let finish)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let round = 0; round < 20; round++) {
        const seen: number[] = [];
        for await (const f of openCapture(pcapPath, { chunkSize: 64 })) {
          seen.push(f.no);
          if (f.no === 3) break;
        }
        expect(seen).toEqual([1, 2, 3]);
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('names the offset of a read that fails', async () => {
    // A directory opens but cannot be read (EISDIR): the first read fails at byte 0.
    await expect(collect(openCapture(dir))).rejects.toThrow(`${dir}: read error at byte offset 0`);
  });

  it('yields plain Uint8Array views, not Buffers', async () => {
    const [first] = await collect(openCapture(pcapPath));
    expect(Object.getPrototypeOf(first.data)).toBe(Uint8Array.prototype);
  });

  it('names the path when a file does not exist', async () => {
    const missing = join(dir, 'nope.pcap');
    const err = await collect(openCapture(missing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err).toBeInstanceOf(CaptureOpenError);
    expect((err as Error).message).toBe(`${missing}: cannot open: no such file`);
  });

  it('names the path and offset when the file is corrupt', async () => {
    const bad = pcapBytes.slice();
    new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true); // first record's incl_len
    const path = join(dir, 'bad.pcap');
    writeFileSync(path, bad);
    await expect(collect(openCapture(path, { chunkSize: 10 }))).rejects.toThrow(
      `${path}: impossible record length 2147483647 (snaplen 262144) at byte offset 24`,
    );
  });

  it('reports a truncated last record as a warning after yielding the rest', async () => {
    const path = join(dir, 'cut.pcapng');
    const ng = writePcapng({
      interfaces: [{ linkType: 1 }],
      frames: FRAMES.map((f) => ({ ...f, iface: 0 })),
    });
    writeFileSync(path, ng.subarray(0, ng.length - 5));
    const reader = openCapture(path, { chunkSize: 100 });
    expect(await collect(reader)).toHaveLength(49);
    expect(reader.info.warnings).toHaveLength(1);
  });

  it('can only be iterated once', async () => {
    const reader = openCapture(pcapPath);
    await collect(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/only be iterated once/);
    expect(() => reader.batches()).toThrow(/only be iterated once/);
  });

  it('gives the same frames in per-chunk batches, and the same info', async () => {
    const want = summary(parseCaptureBytes(pcapBytes, pcapPath).frames);
    for (const chunkSize of [1, 100, undefined]) {
      const reader = openCapture(pcapPath, { chunkSize });
      const got: Frame[] = [];
      let batches = 0;
      for await (const batch of reader.batches()) {
        batches++;
        got.push(...batch);
      }
      expect(summary(got)).toEqual(want);
      expect(batches).toBe(Math.ceil(pcapBytes.length / (chunkSize ?? pcapBytes.length)));
      expect(reader.info).toMatchObject({ format: 'pcap', frames: 50, bytes: pcapBytes.length });
      expect(() => reader[Symbol.asyncIterator]()).toThrow(/only be iterated once/);
    }
  });
});

describe('readCaptureStream (stdin, pipes)', () => {
  const bytes = writePcapng({
    interfaces: [{ linkType: LinkType.LINUX_SLL, tsresol: 9 }],
    frames: FRAMES.map((f) => ({ ...f, iface: 0 })),
  });

  async function* chunks(size: number, pulled: { n: number }): AsyncGenerator<Uint8Array> {
    for (let off = 0; off < bytes.length; off += size) {
      pulled.n++;
      yield Buffer.from(bytes.subarray(off, off + size)); // Node streams hand out Buffers
    }
  }

  it('reads frames from an async byte source', async () => {
    const reader = readCaptureStream(chunks(333, { n: 0 }), 'stdin');
    const frames = await collect(reader);
    expect(summary(frames)).toEqual(summary(parseCaptureBytes(bytes, 'x').frames));
    expect(reader.info.format).toBe('pcapng');
  });

  it('pulls from the source only as frames are consumed (backpressure)', async () => {
    const pulled = { n: 0 };
    const reader = readCaptureStream(chunks(100, pulled), 'pipe');
    for await (const f of reader) {
      if (f.no === 2) break;
    }
    const total = Math.ceil(bytes.length / 100);
    expect(pulled.n).toBeLessThan(5);
    expect(pulled.n).toBeLessThan(total);
  });

  it('names the stream in errors', async () => {
    async function* junk() {
      yield new TextEncoder().encode('not a capture');
    }
    await expect(collect(readCaptureStream(junk(), '<stdin>'))).rejects.toThrow(
      '<stdin>: not a pcap or pcapng capture (magic 0x6e6f7420) at byte offset 0',
    );
  });
});

// Real captures (optional): ../shared/corpus from the repo root.
const corpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

describe.skipIf(!existsSync(join(corpus, 'MANIFEST.tsv')))('corpus captures', () => {
  const rows = existsSync(join(corpus, 'MANIFEST.tsv'))
    ? readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
        .filter((c) => c[0]?.startsWith('pcap/'))
    : [];

  it('reads every capture with the format and frame count its manifest states', async () => {
    let checked = 0;
    for (const [file, , , , , , , notes] of rows) {
      const m = /\[(pcapng|pcap)\/[^/\]]+\/(\d+) pkts\]/.exec(notes);
      if (m === null) continue;
      const reader = openCapture(join(corpus, file));
      const frames = await collect(reader);
      expect([file, reader.info.format, frames.length]).toEqual([file, m[1], Number(m[2])]);
      expect(reader.info.warnings, file).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('rejects the mixed-endian corrupt pcap with the offending record offset', async () => {
    const path = join(corpus, 'pcap/pkts_corrupt-mixed-endian-header.pcap');
    await expect(collect(openCapture(path))).rejects.toThrow(
      `${path}: impossible record length 587333632 (snaplen 65535) at byte offset 24`,
    );
  });

  it('sniffs pcapng content in a file named .pcap', async () => {
    const reader = openCapture(join(corpus, 'pcap/ndpi_http-on-sip-port-negative.pcap'));
    expect(await collect(reader)).toHaveLength(4);
    expect(reader.info.format).toBe('pcapng');
  });

  it('keeps nanosecond pcapng timestamps exact (if_tsresol 9)', async () => {
    const frames = await collect(openCapture(join(corpus, 'pcap/goffinet_sipp-uac-uas-load.pcapng')));
    expect(frames.some((f) => f.nsec % 1000 !== 0)).toBe(true);
    expect(frames.every((f) => Number.isInteger(f.nsec) && f.nsec >= 0 && f.nsec < 1e9)).toBe(true);
  });
});
