/**
 * The --live-pcap ring read back (server/live-pcap.ts `frames`) while the
 * ring deletes its oldest file: the deletion may land between any look at
 * the file and its open. Here it lands just before the open (node:fs/promises'
 * `open` wrapped to delete the file first), after any check that it was
 * there, as rotation may on a busy link: the file's frames are missing, no
 * error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const race = vi.hoisted(() => ({ victim: '' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      // The ring's rotation deletes the file just before the reader opens it.
      if (args[0] === race.victim) {
        race.victim = '';
        await real.rm(args[0] as string, { force: true });
      }
      return real.open(...args);
    },
  };
});

const { LivePcapRing } = await import('../../server/live-pcap.js');
const { LinkType } = await import('../../src/capture/link-types.js');
const { openCapture } = await import('../../src/capture/read-file.js');

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('live pcapng ring read back while it deletes', () => {
  it('a file deleted between a check and its open is left out, not an error that cuts the read short', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-ring-race-'));
    const ring = new LivePcapRing({ dir, fileBytes: 2_000, files: 3 });
    await ring.open();
    for (let i = 0; i < 40; i++)
      ring.write({
        no: i + 1,
        sec: 1_700_000_000 + i,
        nsec: 0,
        linkType: LinkType.ETHERNET,
        data: new Uint8Array(200).fill(i),
        origLen: 200,
        iface: 0,
        fileOffset: 0,
      });
    await ring.close();
    const kept = ring.stats().kept;
    expect(kept).toHaveLength(3);
    const inFirst: number[] = [];
    for await (const f of openCapture(kept[0])) inFirst.push(f.data[0] + 1);
    const all: number[] = [];
    for await (const f of ring.frames(0)) all.push(f.no);
    // The oldest file goes as it is opened.
    race.victim = kept[0];
    const back: number[] = [];
    for await (const f of ring.frames(0)) back.push(f.no);
    expect(back).toEqual(all.slice(inFirst.length));
    expect(back.length).toBeGreaterThan(0);
  });
});
