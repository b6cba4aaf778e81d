/**
 * `GET /api/captures/:id/calls/:callId/pcap`: the call's original frames,
 * read again from the capture file (streaming, stopping after the last one
 * wanted) and written as pcap with their timestamps and link type, or as
 * pcapng with one interface per link type when the frames have several.
 *
 * With `?with=7,9`, the frames of those calls too: `mergeFrames` makes one
 * list of the calls' frames, in frame order, each frame once.
 *
 * `GET /api/captures/:id/calls/pcap?filters`: the frames of every call the
 * filters match, which may be most of a big file: written as they are read
 * (src/capture/frame-export.ts `streamFrames`, shared with `sipscope
 * extract`), never held.
 */
import type { Frame } from '../src/capture/frame.js';
import { type FrameSource, framesFrom } from '../src/capture/frame-source.js';
import { encodePcapHeader, encodePcapRecord, type PcapWriteOptions } from '../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from '../src/capture/pcapng-writer.js';

export { streamFrames } from '../src/capture/frame-export.js';

export interface CallExport {
  format: 'pcap' | 'pcapng';
  /** The file, block by block (header first). */
  chunks: Uint8Array[];
  frames: number;
}

/** Reads `source` and keeps the frames numbered in `wanted` (ascending). */
export async function collectFrames(source: FrameSource, wanted: readonly number[]): Promise<Frame[]> {
  const keep = new Set(wanted);
  const last = wanted.length === 0 ? 0 : wanted[wanted.length - 1];
  const out: Frame[] = [];
  if (last === 0) return out;
  for await (const f of framesFrom(source, wanted[0])) {
    if (keep.has(f.no)) out.push({ ...f, data: f.data.slice() });
    if (f.no >= last) break;
  }
  return out;
}

/** The frame numbers of several calls as one ascending list, each frame once (calls may share a frame). */
export function mergeFrames(lists: readonly (readonly number[])[]): number[] {
  const all = lists.flat().sort((a, b) => a - b);
  return all.filter((f, i) => i === 0 || f !== all[i - 1]);
}

export function exportFrames(frames: readonly Frame[]): CallExport {
  const linkTypes = [...new Set(frames.map((f) => f.linkType))];
  if (linkTypes.length <= 1) {
    const opts: PcapWriteOptions = {
      linkType: linkTypes[0] ?? 1,
      // Nanosecond magic only when a timestamp needs it: µs captures stay µs.
      nanos: frames.some((f) => f.nsec % 1000 !== 0),
    };
    return {
      format: 'pcap',
      chunks: [encodePcapHeader(opts), ...frames.map((f) => encodePcapRecord(f, opts))],
      frames: frames.length,
    };
  }
  const ifaces: PcapngInterface[] = linkTypes.map((linkType) => ({ linkType, tsresol: 9 }));
  const chunks = [encodeShb(), ...ifaces.map((i) => encodeIdb(i))];
  for (const f of frames) {
    const iface = linkTypes.indexOf(f.linkType);
    chunks.push(
      encodeEpb({ iface, sec: f.sec, nsec: f.nsec, data: f.data, origLen: f.origLen }, ifaces[iface]),
    );
  }
  return { format: 'pcapng', chunks, frames: frames.length };
}
