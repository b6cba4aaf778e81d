/**
 * Frames of a capture file written again as pcapng while the file is read:
 * what `GET /api/captures/:id/calls/pcap` and `sipscope extract` write, for
 * any number of frames (nothing is held but a byte per frame number).
 * pcapng because its interface blocks may come just before the first frame
 * of their link type, so the file is written in one pass whatever link
 * types the frames turn out to have.
 */
import { createDecoder } from '../decode/decoder.js';
import { endpointString } from '../decode/payload.js';
import { encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from './pcapng-writer.js';
import { openCapture } from './read-file.js';

/** UDP datagrams `src` → `dst` (endpoint strings) from frame `firstFrame` to `lastFrame`: an RTP stream. */
export interface FrameSpan {
  src: string;
  dst: string;
  firstFrame: number;
  lastFrame: number;
}

/**
 * Writes the frames numbered in `wanted` (ascending) of `file` as pcapng
 * while reading it: the section header, each link type's interface block
 * before its first frame, each frame as it comes (`write` resolves when the
 * reader may go on). With `spans`, the frames of those RTP streams too:
 * each frame in their range is decoded and kept when it carries a datagram
 * of one of them (its completing frame: a fragmented datagram's earlier
 * fragments are not). Returns how many frames it wrote.
 */
export async function streamFrames(
  file: string,
  wanted: readonly number[],
  write: (block: Uint8Array) => Promise<void>,
  spans: readonly FrameSpan[] = [],
): Promise<number> {
  await write(encodeShb());
  const lastWanted = wanted.length === 0 ? 0 : wanted[wanted.length - 1];
  const media = spanIndex(spans);
  const last = Math.max(lastWanted, media.last);
  if (last === 0) return 0;
  // One byte a frame number up to the last wanted (1.2 MB for 1.2 million frames), not a Set of them.
  const keep = new Uint8Array(lastWanted + 1);
  for (const no of wanted) keep[no] = 1;
  const decoder = media.last > 0 ? createDecoder() : null;
  const ifaces = new Map<number, { index: number; iface: PcapngInterface }>();
  let written = 0;
  for await (const f of openCapture(file)) {
    let take = f.no <= lastWanted && keep[f.no] === 1;
    if (!take && decoder !== null && f.no >= media.first && f.no <= media.last)
      for (const p of decoder.push(f)) {
        if (p.transport !== 'udp') continue;
        const list = media.byFlow.get(`${endpointString(p.src)} ${endpointString(p.dst)}`);
        if (list?.some((x) => p.frame >= x.firstFrame && p.frame <= x.lastFrame)) take = true;
      }
    if (take) {
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

/** The spans by `src dst`, and the frame range they cover (0, 0 for none). */
function spanIndex(spans: readonly FrameSpan[]) {
  const byFlow = new Map<string, FrameSpan[]>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const s of spans) {
    const k = `${s.src} ${s.dst}`;
    const list = byFlow.get(k);
    if (list === undefined) byFlow.set(k, [s]);
    else list.push(s);
    if (s.firstFrame < first) first = s.firstFrame;
    if (s.lastFrame > last) last = s.lastFrame;
  }
  return { byFlow, first, last };
}
