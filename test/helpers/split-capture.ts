/**
 * A capture cut into several pcap files, as tcpdump rotates one (`-C`, `-G`:
 * pieces one after the other) or as two hosts capture the two legs of a
 * call (frames side by side in time): written with the project's own pcap
 * writer, nanosecond timestamps, so that the pieces hold exactly the frames
 * and times of the whole.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import type { Frame } from '../../src/capture/frame.js';
import { writePcap } from '../../src/capture/pcap-writer.js';

/** The frames of `file`, each given to piece `pieceOf(frame, index)`, written to `dir`; the pieces' paths. */
export function splitCapture(
  file: string,
  dir: string,
  pieces: number,
  pieceOf: (f: Frame, i: number) => number,
): string[] {
  const frames = parseCaptureBytes(readFileSync(file), file).frames;
  const parts: Frame[][] = Array.from({ length: pieces }, () => []);
  for (const [i, f] of frames.entries()) parts[pieceOf(f, i)].push(f);
  return parts.map((part, k) => {
    const p = join(dir, `${basename(file)}-${pieces}-${k}.pcap`);
    writeFileSync(p, writePcap(part, { linkType: frames[0].linkType, nanos: true }));
    return p;
  });
}

/** Rotated: `pieces` runs of consecutive frames. */
export const rotated = (file: string, dir: string, pieces: number): string[] => {
  const n = parseCaptureBytes(readFileSync(file), file).frames.length;
  return splitCapture(file, dir, pieces, (_f, i) => Math.min(pieces - 1, Math.floor((i * pieces) / n)));
};

/** Side by side: frame i to piece i mod `pieces` (the merge interleaves them back). */
export const interleaved = (file: string, dir: string, pieces: number): string[] =>
  splitCapture(file, dir, pieces, (_f, i) => i % pieces);
