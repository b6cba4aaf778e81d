/**
 * `serve --live-pcap DIR`: the ring of pcapng files the live frames are
 * written to (server/live-pcap.ts). Files rotate at their size, only the
 * newest are kept, and each reads back with the project's own reader: the
 * same frames, in order, with their link types and nanosecond times.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keptRing, LivePcapRing } from '../../server/live-pcap.js';
import type { Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { openCapture } from '../../src/capture/read-file.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** Frames of `n` basic calls as a live capture hands them out (Ethernet, numbered, nanoseconds). */
function liveFrames(n: number): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < n; i++) {
    for (const f of flowToFrames(basicCall({ n: i + 1, t0: T0 + i }))) {
      out.push({
        no: out.length + 1,
        sec: f.sec,
        nsec: f.nsec + 123,
        linkType: LinkType.ETHERNET,
        data: f.data,
        origLen: f.data.length,
        iface: 0,
        fileOffset: 0,
      });
    }
  }
  return out;
}

async function readAll(path: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const f of openCapture(path)) frames.push(f);
  return frames;
}

describe('live pcapng ring', () => {
  it('rotates at the file size, keeps the newest files, and each reads back frame for frame', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir, fileBytes: 8_000, files: 3 });
    await ring.open();
    const frames = liveFrames(20);
    for (const f of frames) ring.write(f);
    await ring.close();
    const st = ring.stats();
    expect(st.frames).toBe(frames.length);
    expect(st.dropped).toBe(0);
    expect(st.files).toBeGreaterThan(3);
    // Each file with its list of frame numbers beside it (`.frames`).
    const files = readdirSync(dir)
      .filter((n) => n.endsWith('.pcapng'))
      .sort();
    expect(files).toHaveLength(3);
    expect(st.kept.map((p) => p.slice(dir.length + 1))).toEqual(files);
    for (const f of files) expect(f).toMatch(/^sipscope-live-\d{8}T\d{6}-\d+\.pcapng$/);
    // Every kept file but the last one passed the size before it was closed.
    for (const f of files.slice(0, -1)) expect(statSync(join(dir, f)).size).toBeGreaterThanOrEqual(8_000);
    const back: Frame[] = [];
    for (const f of st.kept) back.push(...(await readAll(f)));
    const tail = frames.slice(frames.length - back.length);
    expect(back.length).toBeGreaterThan(0);
    expect(back.map((f) => [f.sec, f.nsec, f.linkType, Buffer.from(f.data).toString('hex')])).toEqual(
      tail.map((f) => [f.sec, f.nsec, f.linkType, Buffer.from(f.data).toString('hex')]),
    );
  });

  it('gives each (interface, link type) met in a file its own interface block', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir });
    await ring.open();
    const [a, b] = liveFrames(1);
    ring.write(a);
    // A second interface with another link type (the bytes do not matter to the ring).
    ring.write({ ...b, iface: 1, linkType: LinkType.RAW });
    await ring.close();
    const back = await readAll(ring.stats().kept[0]);
    expect(back.map((f) => [f.iface, f.linkType])).toEqual([
      [0, LinkType.ETHERNET],
      [1, LinkType.RAW],
    ]);
  });

  /** What `frames(first)` gives back: each frame's number and bytes. */
  async function readBack(ring: LivePcapRing, first: number): Promise<Array<[number, string]>> {
    const out: Array<[number, string]> = [];
    for await (const f of ring.frames(first)) out.push([f.no, Buffer.from(f.data).toString('hex')]);
    return out;
  }
  const numbered = (frames: Frame[]): Array<[number, string]> =>
    frames.map((f) => [f.no, Buffer.from(f.data).toString('hex')]);

  it('reads the kept frames back numbered as the live capture numbered them, from any frame on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir, fileBytes: 8_000, files: 3 });
    await ring.open();
    // Numbers with holes, as when HEP packets take numbers between captured frames.
    const frames = liveFrames(20).map((f, i) => ({ ...f, no: 1 + i + 3 * Math.floor(i / 7) }));
    for (const f of frames) ring.write(f);
    // While the last file is open (and the one before may still be writing): all that was written.
    const open = await readBack(ring, 0);
    await ring.close();
    let kept = 0;
    for (const p of ring.stats().kept) kept += (await readAll(p)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(frames.length);
    const want = numbered(frames.slice(frames.length - kept));
    expect(open).toEqual(want);
    expect(await readBack(ring, 0)).toEqual(want);
    const from = want[5][0];
    expect(await readBack(ring, from)).toEqual(want.slice(5));
    expect(await readBack(ring, frames[frames.length - 1].no + 1)).toEqual([]);
  });

  it('leaves out the frames it dropped and those of files deleted since', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir, fileBytes: 8_000, files: 2 });
    await ring.open();
    const frames = liveFrames(6);
    for (const f of frames.slice(0, 10)) ring.write(f);
    // A frame whose time pcapng cannot write (past 64 bits of nanoseconds) is dropped, counted; the rest go on.
    ring.write({ ...frames[10], sec: 2 ** 40 });
    for (const f of frames.slice(11)) ring.write(f);
    await ring.close();
    expect(ring.stats().dropped).toBe(1);
    const back = await readBack(ring, 0);
    const want = numbered(frames.filter((f) => f.no !== 11)).slice(-back.length);
    expect(back).toEqual(want);
    // The oldest kept file deleted by hand (as rotation deletes them): its frames are gone, no error.
    const oldest = ring.stats().kept[0];
    const inOldest = (await readAll(oldest)).length;
    rmSync(oldest);
    expect(await readBack(ring, 0)).toEqual(back.slice(inOldest));
  });

  it('a first frame of an interface it cannot write leaves the file readable: the interface block comes with the next', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir });
    await ring.open();
    const frames = liveFrames(1).slice(0, 3);
    // Past 64 bits of nanoseconds: dropped, counted.
    ring.write({ ...frames[0], sec: 2 ** 40 });
    ring.write(frames[1]);
    ring.write(frames[2]);
    await ring.close();
    expect(ring.stats().dropped).toBe(1);
    expect(await readBack(ring, 0)).toEqual(numbered(frames.slice(1)));
  });

  it('leaves each closed file its frame numbers, so that a later server reads them back by number (keptRing)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir, fileBytes: 8_000, files: 3 });
    ring.nameFor('c9');
    await ring.open();
    const frames = liveFrames(20).map((f, i) => ({ ...f, no: 1 + i + 3 * Math.floor(i / 7) }));
    for (const f of frames) ring.write(f);
    await ring.close();
    const names = readdirSync(dir).sort();
    // Three files kept, each with its list; the rotated-out ones were deleted with theirs.
    expect(names.filter((n) => n.endsWith('.pcapng'))).toHaveLength(3);
    expect(names.filter((n) => n.endsWith('.pcapng.frames'))).toHaveLength(3);
    for (const n of names) expect(n).toMatch(/^sipscope-live-c9-\d{8}T\d{6}-\d+\.pcapng(\.frames)?$/);
    const want = await readBack(ring, 0);
    const later = await keptRing(dir, 'c9');
    expect(later).not.toBeNull();
    const back: Array<[number, string]> = [];
    for await (const f of later!(want[4][0])) back.push([f.no, Buffer.from(f.data).toString('hex')]);
    expect(back).toEqual(want.slice(4));
    // Another capture's ring, or none: nothing.
    expect(await keptRing(dir, 'c1')).toBeNull();
    expect(await keptRing(join(dir, 'nowhere'), 'c9')).toBeNull();
    // A file without its list (the one open when the process was killed) is left out.
    const newest = names.filter((n) => n.endsWith('.pcapng')).pop()!;
    rmSync(join(dir, `${newest}.frames`));
    const partial: number[] = [];
    for await (const f of (await keptRing(dir, 'c9'))!(0)) partial.push(f.no);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial).toEqual(want.map(([no]) => no).slice(0, partial.length));
    expect(partial.length).toBeLessThan(want.length);
  });

  it('a kept file damaged since it was written gives the frames before the damage and says where, for the ring and for a later server', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir, fileBytes: 8_000, files: 3 });
    ring.nameFor('c4');
    await ring.open();
    const frames = liveFrames(20);
    for (const f of frames) ring.write(f);
    await ring.close();
    const whole = await readBack(ring, 0);
    const oldest = ring.stats().kept[0];
    const inOldest = (await readAll(oldest)).length;
    // The 4th Enhanced Packet Block (type 6) of the oldest file given an impossible Block Total Length.
    const bytes = readFileSync(oldest);
    let at = 0;
    for (let epbs = 0; ; at += bytes.readUInt32LE(at + 4))
      if (bytes.readUInt32LE(at) === 6 && ++epbs === 4) break;
    bytes.writeUInt32LE(0x7ffffff0, at + 4);
    writeFileSync(oldest, bytes);
    const warned: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: string) => void warned.push(line));
    try {
      // The frames before it, then every frame of the next files: nothing good is lost.
      const back = await readBack(ring, 0);
      expect(back).toEqual([...whole.slice(0, 3), ...whole.slice(inOldest)]);
      expect(ring.stats().lastError).toMatch(
        new RegExp(
          `^${oldest}: .* at byte offset ${at}: ${inOldest - 3} frames of it after that not read back$`,
        ),
      );
      const later: number[] = [];
      for await (const f of (await keptRing(dir, 'c4'))!(0)) later.push(f.no);
      expect(later).toEqual(back.map(([no]) => no));
      expect(warned).toHaveLength(2);
      for (const w of warned) expect(w).toBe(`sipscope: live pcap ring: ${ring.stats().lastError}`);
      // Asked from the next file on: the damaged one is not read, nothing said.
      expect(await readBack(ring, whole[inOldest][0])).toEqual(whole.slice(inOldest));
      expect(warned).toHaveLength(2);
    } finally {
      warn.mockRestore();
    }
  });

  it('is named for its capture only before its first file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const ring = new LivePcapRing({ dir });
    await ring.open();
    ring.write(liveFrames(1)[0]);
    expect(() => ring.nameFor('c2')).toThrow('the ring is named before its first file');
    await ring.close();
  });

  it('says which directory it cannot create', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(new LivePcapRing({ dir: join(file, 'ring') }).open()).rejects.toThrow(
      /^--live-pcap .*a-file\/ring: .*ENOTDIR/,
    );
  });
});
