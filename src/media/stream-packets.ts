/**
 * The RTP packets of streams the analysis found, read again from their
 * capture file: what audio playback decodes (rtp-audio.ts). A stream is
 * known by its source → destination, SSRC and the frames of its first and
 * last packets (media-tracker.ts); the frames between are decoded and each
 * UDP datagram of that flow with a valid RTP header (RFC 3550 A.1) of that
 * SSRC is kept, its payload copied.
 */
import { FRAGMENT_LEAD, type FrameSpan, spanIndex } from '../capture/frame-export.js';
import { type FrameSource, framesFrom } from '../capture/frame-source.js';
import { createDecoder } from '../decode/decoder.js';
import { endpointString } from '../decode/payload.js';
import { parseRtp } from './rtp-header.js';
import type { RtpPacket } from './rtp-packet.js';
import { SrtpReceiver, type SrtpSetup } from './srtp.js';

export type { RtpPacket };

/** What finds a stream's packets (a subset of RtpStreamRecord): its flow and frames, and its SSRC. */
export interface StreamRef extends FrameSpan {
  /** "0x06C156FD", as the record has it. */
  ssrc: string;
  /**
   * SRTP: the sender's key (media-tracker.ts onStream, or sdes.ts
   * `recordedSetup` from the record's `srtp`): the payloads copied are the
   * clear ones of the packets that authenticate (RFC 3711), the others as
   * they are.
   */
  srtpKey?: SrtpSetup;
}

/** A stream as its record has it (an RtpStreamRecord is one): where its packets are and its payload types' codecs. */
export interface RecordedStream extends StreamRef {
  id: number;
  payloadTypes: readonly number[];
  codecs: readonly string[];
  /** The payload types inside its RFC 2198 packets and their codecs (media-tracker.ts `red`), when it had any. */
  red?: { readonly payloadTypes: readonly number[]; readonly codecs: readonly string[] };
}

/**
 * Each payload type's codec name ("PCMU/8000"), from the record's
 * payloadTypes and codecs (in the same order), and those its red packets'
 * blocks carried (RFC 2198), which its packets' own may not include.
 */
export function codecsOf(s: Pick<RecordedStream, 'payloadTypes' | 'codecs' | 'red'>): Map<number, string> {
  const m = new Map(s.payloadTypes.map((pt, i) => [pt, s.codecs[i]] as [number, string]));
  s.red?.payloadTypes.forEach((pt, i) => {
    if (!m.has(pt)) m.set(pt, s.red?.codecs[i] ?? String(pt));
  });
  return m;
}

export interface ReadOptions {
  /** Copy each packet's payload (default true); the analysis needs only its length. */
  payloads?: boolean;
  /**
   * Payload bytes copied at most, all streams together (default: no limit):
   * past it the packets of every stream stop there and `truncated` says so.
   * What a hostile capture can make one request hold.
   */
  maxPayloadBytes?: number;
  /** Packets kept at most, all streams together (default: no limit); past it, as `maxPayloadBytes`. */
  maxPackets?: number;
}

export interface StreamPacketsRead {
  /** One list per ref, in the refs' order, each in capture order. */
  streams: RtpPacket[][];
  /** `maxPayloadBytes` or `maxPackets` was reached: the lists end there. */
  truncated: boolean;
}

const NO_BYTES = new Uint8Array(0);

/** The packets of each stream of `refs` in `source` (a capture file, kept live frames), in capture order (one list per ref, same order). */
export async function readStreamPackets(
  source: FrameSource,
  refs: readonly StreamRef[],
  o: ReadOptions = {},
): Promise<StreamPacketsRead> {
  const out = refs.map((): RtpPacket[] => []);
  if (refs.length === 0) return { streams: out, truncated: false };
  const copy = o.payloads ?? true;
  const budget = o.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
  let copied = 0;
  let room = o.maxPackets ?? Number.POSITIVE_INFINITY;
  let stopped = false;
  // Decoded from a little before the first frame: the fragments of a first packet come before it.
  const { byFlow, first, last } = spanIndex(refs);
  const ssrcs = refs.map((r) => Number.parseInt(r.ssrc, 16));
  // One receiver a stream, fed its packets in capture order as the analysis was (its ROC runs the same).
  const srtp = refs.map((r) => (copy && r.srtpKey !== undefined ? new SrtpReceiver(r.srtpKey) : null));
  const decoder = createDecoder();
  for await (const f of framesFrom(source, first - FRAGMENT_LEAD)) {
    if (f.no > last || stopped) break;
    if (f.no < first - FRAGMENT_LEAD) continue;
    for (const p of decoder.push(f)) {
      if (p.transport !== 'udp' || p.frame < first) continue;
      const list = byFlow.get(`${endpointString(p.src)} ${endpointString(p.dst)}`);
      if (list === undefined) continue;
      // With P set, SRTP's padding count is encrypted (RFC 3711 §3.1): read in clear for a clear stream only.
      const padded = (p.bytes[0] & 0x20) !== 0;
      let h = parseRtp(p.bytes, padded);
      if (h === null) continue;
      for (const i of list) {
        const r = refs[i];
        if (h.ssrc !== ssrcs[i] || p.frame < r.firstFrame || p.frame > r.lastFrame) continue;
        if (padded && r.srtpKey === undefined && (h = parseRtp(p.bytes)) === null) break;
        const clear = srtp[i]?.unprotect(p.bytes, h.headerLength, true) ?? null;
        const length = clear === null ? h.payloadLength : clear.length;
        if ((copy && copied + length > budget) || room-- <= 0) {
          stopped = true;
          break;
        }
        if (copy) copied += length;
        out[i].push({
          frame: p.frame,
          ts: p.ts,
          sequence: h.sequence,
          timestamp: h.timestamp,
          payloadType: h.payloadType,
          marker: h.marker,
          payloadLength: length,
          // A copy: the frame's bytes are a view of a whole chunk of the file.
          payload:
            clear ?? (copy ? p.bytes.slice(h.headerLength, h.headerLength + h.payloadLength) : NO_BYTES),
        });
        break;
      }
    }
  }
  return { streams: out, truncated: stopped };
}
