/**
 * gzip-compressed captures (src/capture/gzip.ts), sniffed by RFC 1952's
 * magic (ID1 0x1f, ID2 0x8b, §2.3.1) and decompressed as they are read, as
 * Wireshark opens `trace.pcap.gz`: the same frames as the plain file;
 * several members one after the other read as one stream (§2.2: "a gzip
 * file consists of a series of members"); a file cut short keeps what came
 * before the cut and says so; a member that is not deflate data fails with
 * a CaptureError naming the file and the offset.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureError, type Frame } from '../../src/capture/frame.js';
import { isGzip } from '../../src/capture/gzip.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { openCapture } from '../../src/capture/read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-gzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Incompressible-ish payloads, so the compressed file spans many read chunks.
let seed = 7;
const noise = (n: number) =>
  Uint8Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >>> 16;
  });
const FRAMES = Array.from({ length: 400 }, (_, i) => ({
  sec: 1700000000 + i,
  nsec: i * 1_000,
  data: noise(60 + (i % 300)),
}));

async function read(path: string, chunkSize?: number) {
  const reader = openCapture(path, { chunkSize });
  const frames: Frame[] = [];
  for await (const f of reader) frames.push(f);
  return { frames, info: reader.info };
}

const summary = (frames: Frame[]) =>
  frames.map((f) => [f.no, f.sec, f.nsec, f.linkType, Buffer.from(f.data).toString('hex')]);

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('gzip-compressed captures', () => {
  const pcap = writePcap(FRAMES, { linkType: LinkType.ETHERNET });
  const plain = write('plain.pcap', pcap);
  const gz = write('plain.pcap.gz', gzipSync(pcap));

  it('are told by their first two bytes, not their name', () => {
    expect(isGzip(gzipSync(pcap))).toBe(true);
    expect(isGzip(pcap)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });

  it('give the frames of the plain file, for small and default read chunks', async () => {
    const want = await read(plain);
    for (const chunkSize of [64, 4096, undefined]) {
      const got = await read(gz, chunkSize);
      expect(summary(got.frames)).toEqual(summary(want.frames));
      expect(got.info).toEqual(want.info);
    }
    // A compressed file named like a plain one, and a pcapng, too.
    const renamed = write('looks-plain.pcap', gzipSync(pcap));
    expect(summary((await read(renamed)).frames)).toEqual(summary(want.frames));
    const ng = writePcapng({
      interfaces: [{ linkType: LinkType.ETHERNET }],
      frames: FRAMES.map((f) => ({ ...f, iface: 0 })),
    });
    const ngGz = write('trace.pcapng.gz', gzipSync(ng));
    const got = await read(ngGz);
    expect(got.info.format).toBe('pcapng');
    expect(got.frames).toHaveLength(FRAMES.length);
  });

  it('a reader stopped after its first frame closes the file, plain or gzipped', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    // Warm up anything opened once (zlib, the first read).
    for await (const _ of openCapture(gz)) break;
    const before = fds();
    for (let i = 0; i < 30; i++) {
      for await (const _ of openCapture(gz)) break;
      for await (const _ of openCapture(plain)) break;
    }
    expect(fds() - before).toBeLessThan(5);
  });

  it('read several members one after the other as one stream (cat a.gz b.gz)', async () => {
    const cut = 5000;
    const two = Buffer.concat([gzipSync(pcap.subarray(0, cut)), gzipSync(pcap.subarray(cut))]);
    const got = await read(write('two-members.pcap.gz', two), 1024);
    expect(summary(got.frames)).toEqual(summary((await read(plain)).frames));
  });

  it('cut short: the frames before the cut are kept, and warnings say where it ends', async () => {
    const whole = gzipSync(pcap);
    const at = Math.floor(whole.length / 2);
    const got = await read(write('cut.pcap.gz', whole.subarray(0, at)), 4096);
    expect(got.frames.length).toBeGreaterThan(10);
    expect(got.frames.length).toBeLessThan(FRAMES.length);
    expect(summary(got.frames)).toEqual(summary((await read(plain)).frames.slice(0, got.frames.length)));
    expect(got.info.warnings[0]).toEqual({
      offset: at,
      message: expect.stringMatching(/^gzip stream ends early: the file is cut short/),
    });
  });

  it('a member that is not deflate data fails with the file and the offset', async () => {
    const bad = Buffer.from(gzipSync(pcap));
    bad[2] = 7; // CM: only 8 (deflate) is defined (RFC 1952 §2.3.1)
    const path = write('bad-method.pcap.gz', bad);
    const err = await read(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: gzip data is corrupt \\(.+\\) at byte offset \\d+$`,
      ),
    );
  });
});
