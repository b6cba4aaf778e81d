/**
 * Frames of a capture file written again as pcapng while the file is read:
 * what `GET /api/captures/:id/calls/pcap` and `sipscope extract` write, for
 * any number of frames (nothing is held per frame).
 * pcapng because its interface blocks may come just before the first frame
 * of their link type, so the file is written in one pass whatever link
 * types the frames turn out to have.
 */
import { createDecoder } from '../decode/decoder.js';
import { endpointString } from '../decode/payload.js';
import type { Frame } from './frame.js';
import { type FrameSource, framesFrom } from './frame-source.js';
import { encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from './pcapng-writer.js';

/** UDP datagrams `src` → `dst` (endpoint strings) from frame `firstFrame` to `lastFrame`: an RTP stream. */
export interface FrameSpan {
  src: string;
  dst: string;
  firstFrame: number;
  lastFrame: number;
}

/**
 * How far back from a frame that completes a datagram its earlier IP
 * fragments are looked for (they are sent back to back): frames decoded
 * before a stream's first, and frames of its range that carried nothing
 * whole kept in case a later frame completes them. stream-packets.ts reads
 * streams back with the same lead.
 */
export const FRAGMENT_LEAD = 64;

/**
 * Writes the frames numbered in `wanted` (ascending) of `source` as pcapng
 * while reading it: the section header, each link type's interface block
 * before its first frame, each frame as it comes (`write` resolves when the
 * reader may go on). With `spans`, the frames of those RTP streams too:
 * each frame in their range is decoded and kept when it carries a datagram
 * of one of them — an IP-fragmented one with all its fragments, the earlier
 * ones written just before the one that completed it (they were read while
 * it was not yet known whose they were). Returns how many frames it wrote.
 */
export async function streamFrames(
  source: FrameSource,
  wanted: readonly number[],
  write: (block: Uint8Array) => Promise<void>,
  spans: readonly FrameSpan[] = [],
): Promise<number> {
  await write(encodeShb());
  const lastWanted = wanted.length === 0 ? 0 : wanted[wanted.length - 1];
  const media = spanIndex(spans);
  const last = Math.max(lastWanted, media.last);
  if (last === 0) return 0;
  // The frames come in ascending order, as `wanted` is: a cursor walks it (nothing held per frame
  // number — a live capture's numbers pass 4.3 billion in a few days, past any typed array).
  let next = 0;
  const decoder = media.last > 0 ? createDecoder() : null;
  const ifaces = new Map<number, { index: number; iface: PcapngInterface }>();
  const held = new Map<number, Frame>();
  let written = 0;
  const put = async (f: Frame) => {
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
  };
  const from = Math.min(wanted.length === 0 ? last : wanted[0], media.first - FRAGMENT_LEAD);
  for await (const f of framesFrom(source, from)) {
    while (next < wanted.length && wanted[next] < f.no) next++;
    let take = next < wanted.length && wanted[next] === f.no;
    // Decoded from a little before the streams' first frame: the fragments of a first packet come before it.
    if (decoder !== null && f.no >= media.first - FRAGMENT_LEAD && f.no <= media.last) {
      const payloads = decoder.push(f);
      let fragments: number[] | undefined;
      for (const p of payloads) {
        if (take || p.transport !== 'udp' || p.frame < media.first) continue;
        const list = media.byFlow.get(`${endpointString(p.src)} ${endpointString(p.dst)}`);
        if (list?.some((i) => p.frame >= spans[i].firstFrame && p.frame <= spans[i].lastFrame)) {
          take = true;
          if (p.frames.length > 1) fragments = p.frames;
        }
      }
      if (fragments !== undefined)
        for (const no of fragments) {
          const g = held.get(no);
          if (g === undefined || no === f.no) continue;
          held.delete(no);
          // Not written already as a SIP frame (a wanted frame is never held).
          await put(g);
        }
      if (!take && payloads.length === 0) {
        // Perhaps a fragment of a datagram to come: a copy (its bytes are a view of the file's chunk).
        held.set(f.no, { ...f, data: f.data.slice() });
        if (held.size > FRAGMENT_LEAD) held.delete(held.keys().next().value as number);
      }
    }
    if (take) await put(f);
    if (f.no >= last) break;
  }
  return written;
}

/**
 * The places of `spans` by `src dst` (endpoint strings, as a decoded
 * datagram's are written), and the frames they cover from `first` to `last`
 * (Infinity and 0 for none).
 */
export function spanIndex(spans: readonly FrameSpan[]): {
  byFlow: Map<string, number[]>;
  first: number;
  last: number;
} {
  const byFlow = new Map<string, number[]>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  spans.forEach((s, i) => {
    const k = `${s.src} ${s.dst}`;
    const list = byFlow.get(k);
    if (list === undefined) byFlow.set(k, [i]);
    else list.push(i);
    if (s.firstFrame < first) first = s.firstFrame;
    if (s.lastFrame > last) last = s.lastFrame;
  });
  return { byFlow, first, last };
}
