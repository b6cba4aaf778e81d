import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { FrameOrigins } from '../../src/capture/frame-origins.js';
import { LinkType } from '../../src/capture/link-types.js';
import { corruptLines, openCaptures, warningLines } from '../../src/capture/merge-captures.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { hasTshark } from '../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame whose bytes say which file and which frame of it it is (`tag`, e.g. "A3"). */
const frame = (tag: string, sec: number, nsec = 0) => ({ sec, nsec, data: new TextEncoder().encode(tag) });
const tagOf = (f: Frame) => new TextDecoder().decode(f.data);

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function merged(paths: string[], chunkSize?: number) {
  const reader = openCaptures(paths, { chunkSize });
  const out: Frame[] = [];
  for await (const f of reader) out.push(f);
  return { reader, frames: out };
}

describe('merging captures by time, as mergecap does by default', () => {
  const a = file('a.pcap', writePcap([frame('A1', 10), frame('A2', 12), frame('A3', 14)], { linkType: 1 }));
  const b = file(
    'b.pcapng',
    writePcapng({
      interfaces: [{ linkType: LinkType.RAW, tsresol: 9 }],
      frames: [
        { iface: 0, ...frame('B1', 11) },
        { iface: 0, ...frame('B2', 12) },
        { iface: 0, ...frame('B3', 13, 5) },
      ],
    }),
  );
  const c = file(
    'c.pcap.gz',
    gzipSync(writePcap([frame('C1', 9), frame('C2', 12)], { linkType: 1, nanos: true })),
  );

  it('puts the earliest frame first; on equal timestamps the file given last (as mergecap does), each file in its own order', async () => {
    for (const chunkSize of [16, 100, undefined]) {
      const { frames } = await merged([a, b, c], chunkSize);
      // At 12 s: C2 (last file), B2, then A2.
      expect(frames.map(tagOf)).toEqual(['C1', 'A1', 'B1', 'C2', 'B2', 'A2', 'B3', 'A3']);
      expect(frames.map((f) => f.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });

  it('keeps each file its link type and format (pcap, pcapng, gzip mixed)', async () => {
    const { reader, frames } = await merged([a, b, c]);
    expect(frames.map((f) => f.linkType)).toEqual([1, 1, 101, 1, 101, 1, 101, 1]);
    expect(frames.map((f) => f.sec)).toEqual([9, 10, 11, 12, 12, 12, 13, 14]);
    expect(reader.files.map((f) => [f.info.format, f.info.frames, f.info.linkTypes])).toEqual([
      ['pcap', 3, [1]],
      ['pcapng', 3, [101]],
      ['pcap', 2, [1]],
    ]);
    expect(reader.info).toMatchObject({ format: 'pcap', frames: 8, linkTypes: [1, 101] });
  });

  it('knows the file and the frame number there of every merged frame', async () => {
    const { reader, frames } = await merged([a, b, c]);
    const names = ['A', 'B', 'C'];
    for (const f of frames) {
      const o = reader.origins.of(f.no)!;
      expect(`${names[o.file]}${o.frame}`).toBe(tagOf(f));
    }
    expect(reader.origins.of(0)).toBeUndefined();
    expect(reader.origins.of(9)).toBeUndefined();
  });

  it('reads an empty capture (a header, no frame) as no frames, and goes on after a file that ends early', async () => {
    const empty = file('empty.pcap', writePcap([], { linkType: 1 }));
    const early = file('early.pcap', writePcap([frame('E1', 1)], { linkType: 1 }));
    const { frames, reader } = await merged([empty, a, early]);
    expect(frames.map(tagOf)).toEqual(['E1', 'A1', 'A2', 'A3']);
    expect(reader.files.map((f) => f.info.frames)).toEqual([0, 3, 1]);
  });

  it('keeps the frames before a truncated last record, warning about that file and its offset', async () => {
    const whole = writePcap([frame('T1', 11), frame('T2', 13)], { linkType: 1 });
    const cut = file('cut.pcap', whole.subarray(0, whole.length - 1));
    const { frames, reader } = await merged([a, cut]);
    expect(frames.map(tagOf)).toEqual(['A1', 'T1', 'A2', 'A3']);
    // Second record: after the 24-byte header and the first 16 + 2 byte record.
    expect(warningLines(reader.files)).toEqual([
      `${cut}: ${reader.files[1].info.warnings[0].message} at byte offset 42`,
    ]);
  });

  it('fails with the error of a second file that is not a capture, naming it, before any frame', async () => {
    const text = file('notes.txt', new TextEncoder().encode('these are not packets\n'));
    const reader = openCaptures([a, text]);
    const seen: Frame[] = [];
    const err = await (async () => {
      for await (const f of reader) seen.push(f);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).file).toBe(text);
    expect((err as Error).message).toContain(text);
    expect(seen).toEqual([]);
  });

  it('keeps the frames before a corrupt record, and the other files whole, naming the file and offset (as tshark stops at a damaged packet)', async () => {
    const bytes = writePcap([frame('X1', 11), frame('X2', 30)], { linkType: 1 }).slice();
    // The second record's captured length (at 24 + 16 + 2 + 8) set to 2^31: corrupt.
    new DataView(bytes.buffer).setUint32(24 + 18 + 8, 0x80000000, true);
    const bad = file('bad.pcap', bytes);
    const { reader, frames } = await merged([a, bad]);
    expect(frames.map(tagOf)).toEqual(['A1', 'X1', 'A2', 'A3']);
    const err = reader.files[1].info.corrupt;
    expect(err).toBeInstanceOf(CaptureError);
    expect(err?.file).toBe(bad);
    expect(err?.offset).toBe(42);
    expect(reader.files[0].info.corrupt).toBeUndefined();
    expect(corruptLines(reader.files)).toEqual([
      `${bad}: impossible record length 2147483648 (snaplen 262144) at byte offset 42: the 1 frame before it analysed, the rest of the file not read`,
    ]);
  });

  it('still fails a file whose first record is corrupt: nothing of it was good', async () => {
    const bytes = writePcap([frame('X1', 11)], { linkType: 1 }).slice();
    new DataView(bytes.buffer).setUint32(24 + 8, 0x80000000, true);
    const bad = file('bad-first.pcap', bytes);
    const err = await merged([a, bad]).catch((e) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).offset).toBe(24);
  });

  it.skipIf(!hasTshark)('gives the frames in the order and with the numbers of mergecap -w', async () => {
    // Interleaved with ties, three formats, in every order of the files.
    for (const order of [
      [a, b, c],
      [c, a, b],
      [b, c, a],
    ]) {
      const out = join(dir, 'mergecap.pcapng');
      execFileSync('mergecap', ['-w', out, ...order]);
      const want = parseCaptureBytes(readFileSync(out), out).frames.map((f) => [
        f.no,
        tagOf(f),
        f.sec,
        f.nsec,
      ]);
      const { frames } = await merged(order);
      expect(frames.map((f) => [f.no, tagOf(f), f.sec, f.nsec])).toEqual(want);
    }
  });
});

describe('FrameOrigins (runs of frames from one file)', () => {
  it('makes one run per file of a rotated capture and answers each frame', () => {
    const o = new FrameOrigins();
    let no = 0;
    for (let file = 0; file < 3; file++) for (let i = 1; i <= 100; i++) o.note(++no, file, i);
    expect(o.runCount).toBe(3);
    expect(o.of(1)).toEqual({ file: 0, frame: 1 });
    expect(o.of(100)).toEqual({ file: 0, frame: 100 });
    expect(o.of(101)).toEqual({ file: 1, frame: 1 });
    expect(o.of(300)).toEqual({ file: 2, frame: 100 });
  });

  it('refuses a frame noted out of order (a merge that skipped one is our bug)', () => {
    const o = new FrameOrigins();
    o.note(1, 0, 1);
    expect(() => o.note(3, 0, 2)).toThrow(/frame 3 noted after 1/);
  });
});
