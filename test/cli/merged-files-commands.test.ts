/**
 * extract and audio on a capture given as several files (merged by time,
 * capture/merge-captures.ts): the same pcapng and the same WAVE as from the
 * unsplit file, the frames read back from all pieces in merged order.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { runAudio } from '../../src/cli/audio-command.js';
import { runExtract } from '../../src/cli/extract-command.js';
import { spyOutput } from '../helpers/spy-output.js';

const RTP = new URL('../../samples/call-with-rtp.pcap', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sipscope-merged-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let err = '';
spyOutput((t) => {
  err += t;
});

/** The sample cut in pieces of `size` frames, as pcap files. */
function pieces(size: number): string[] {
  const { frames } = parseCaptureBytes(readFileSync(RTP), RTP);
  const out: string[] = [];
  for (let i = 0; i * size < frames.length; i++) {
    const p = join(dir, `piece-${i}.pcap`);
    writeFileSync(
      p,
      writePcap(frames.slice(i * size, (i + 1) * size), { linkType: frames[0].linkType, nanos: true }),
    );
    out.push(p);
  }
  return out;
}

/** What `editcap -t -0.05` makes of `piece` (its frames moved 50 ms back), written beside it. */
function shiftedBack(piece: string): string {
  const { frames } = parseCaptureBytes(readFileSync(piece), piece);
  const moved = frames.map((f) =>
    f.nsec >= 50_000_000
      ? { ...f, nsec: f.nsec - 50_000_000 }
      : { ...f, sec: f.sec - 1, nsec: f.nsec + 950_000_000 },
  );
  const out = piece.replace(/\.pcap$/, '-shifted.pcap');
  writeFileSync(out, writePcap(moved, { linkType: frames[0].linkType, nanos: true }));
  return out;
}

const framesIn = (path: string) =>
  parseCaptureBytes(readFileSync(path), path).frames.map((f) => [
    f.sec,
    f.nsec,
    Buffer.from(f.data).toString('hex'),
  ]);

describe('extract and audio on several files', () => {
  const parts = pieces(500);

  it('extract writes the frames of the chosen calls from all files, in merged order, as from the whole file', async () => {
    const whole = join(dir, 'whole.pcapng');
    const merged = join(dir, 'merged.pcapng');
    expect(await runExtract([RTP, '-o', whole])).toBe(0);
    expect(await runExtract([...parts, '-o', merged, '--state', 'completed'])).toBe(0);
    expect(parts.length).toBe(4);
    const want = framesIn(whole);
    expect(want.length).toBeGreaterThan(1000);
    expect(framesIn(merged)).toEqual(want);
  });

  it('audio makes the same WAVE of a call from the pieces as from the whole file', async () => {
    const a = join(dir, 'whole.wav');
    const b = join(dir, 'merged.wav');
    expect(await runAudio([RTP, '--call', '0', '-o', a])).toBe(0);
    expect(await runAudio([...parts, '--call', '0', '-o', b])).toBe(0);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
    expect(readFileSync(a).length).toBeGreaterThan(44);
  });

  it('audio --time-shift gives the WAVE of the files shifted beforehand (as editcap -t shifts them)', async () => {
    const pre = shiftedBack(parts[1]);
    const a = join(dir, 'preshifted.wav');
    const b = join(dir, 'time-shift.wav');
    expect(await runAudio([parts[0], pre, ...parts.slice(2), '--call', '0', '-o', a])).toBe(0);
    expect(await runAudio([...parts, '--time-shift', '1=-0.05', '--call', '0', '-o', b])).toBe(0);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
  });

  it('extract --time-shift writes what mergecap writes of the files shifted beforehand (editcap -t): moved times, merged order', async () => {
    const pre = shiftedBack(parts[1]);
    const a = join(dir, 'preshifted.pcapng');
    const b = join(dir, 'time-shift.pcapng');
    expect(await runExtract([parts[0], pre, ...parts.slice(2), '-o', a])).toBe(0);
    expect(await runExtract([...parts, '--time-shift', '1=-0.05', '-o', b])).toBe(0);
    const want = framesIn(a);
    expect(framesIn(b)).toEqual(want);
    // The shift changed the file written: piece 1's frames moved, and mixed with piece 0's.
    expect(want).not.toEqual(framesIn(join(dir, 'whole.pcapng')));
    err = '';
    expect(await runExtract([...parts, '--time-shift', '9=1', '-o', b])).toBe(2);
    expect(err).toMatch(
      /^sipscope extract: --time-shift "9=1": "9" is neither a file given nor a file index/,
    );
  });

  it('both refuse standard input among the files', async () => {
    err = '';
    expect(await runExtract(['-', parts[0], '-o', join(dir, 'x.pcapng')])).toBe(2);
    expect(await runAudio([parts[0], '-', '--call', '0', '-o', join(dir, 'x.wav')])).toBe(2);
    expect(err.match(/not standard input/g)?.length).toBe(2);
  });
});
