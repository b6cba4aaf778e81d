/**
 * Frames of a capture file written again as pcapng while the file is read:
 * what `GET /api/captures/:id/calls/pcap` and `sipscope extract` write, for
 * any number of frames (nothing is held but a byte per frame number).
 * pcapng because its interface blocks may come just before the first frame
 * of their link type, so the file is written in one pass whatever link
 * types the frames turn out to have.
 */
import { encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from './pcapng-writer.js';
import { openCapture } from './read-file.js';

/**
 * Writes the frames numbered in `wanted` (ascending) of `file` as pcapng
 * while reading it: the section header, each link type's interface block
 * before its first frame, each frame as it comes (`write` resolves when the
 * reader may go on). Returns how many frames it wrote.
 */
export async function streamFrames(
  file: string,
  wanted: readonly number[],
  write: (block: Uint8Array) => Promise<void>,
): Promise<number> {
  await write(encodeShb());
  const last = wanted.length === 0 ? 0 : wanted[wanted.length - 1];
  if (last === 0) return 0;
  // One byte a frame number up to the last wanted (1.2 MB for 1.2 million frames), not a Set of them.
  const keep = new Uint8Array(last + 1);
  for (const no of wanted) keep[no] = 1;
  const ifaces = new Map<number, { index: number; iface: PcapngInterface }>();
  let written = 0;
  for await (const f of openCapture(file)) {
    if (keep[f.no] === 1) {
      let i = ifaces.get(f.linkType);
      if (i === undefined) {
        i = { index: ifaces.size, iface: { linkType: f.linkType, tsresol: 9 } };
        ifaces.set(f.linkType, i);
        await write(encodeIdb(i.iface));
      }
      await write(
        encodeEpb({ iface: i.index, sec: f.sec, nsec: f.nsec, data: f.data, origLen: f.origLen }, i.iface),
      );
      written++;
    }
    if (f.no >= last) break;
  }
  return written;
}
