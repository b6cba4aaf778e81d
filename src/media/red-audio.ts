/**
 * RFC 2198 redundancy played (rtp-audio.ts): a packet of a payload type
 * mapped to `red` is played as its primary block (RFC 2198 §3: the last
 * block, "the primary encoding", at the packet's timestamp), and where
 * packets were lost, the redundant blocks of the next packet received
 * that fall between the packets on either side of the gap are played in
 * their place, each at the packet's timestamp minus its offset: what a
 * receiver of §4 does ("if the primary encoding is lost, the redundant
 * encoding may be used"). A redundant block of the same time as a packet
 * received is a copy and is left out, so a packet is never played twice.
 *
 * Wireshark's RTP Player does not decode RED: it looks the codec up by the
 * name of the packet's payload type (ui/rtp_media.c decode_rtp_packet,
 * `find_codec("red")`) and registers none for it, so a RED stream plays as
 * silence there (its rtp_rfc2198 dissector shows the blocks, the player does
 * not use them). This plays the primaries, and fills from the copies what
 * loss left silent; `recovered` counts the packets filled.
 *
 * Pure (no file, no libopus): the web page may import it with rtp-audio.ts.
 */
import { parseRed } from './red.js';
import type { RtpPacket } from './rtp-packet.js';

export interface RedUnwrapped {
  /** The packets, those of red payload types replaced by their primary block (others as they were). */
  packets: RtpPacket[];
  /** The redundant blocks of each primary, oldest first, as packets of their own payload type and timestamp. */
  copies: Map<RtpPacket, RtpPacket[]>;
  /** Red payloads that did not parse (red.ts): left as they were, played as silence. */
  malformed: number;
}

/** Whether a codec name ("red/8000", "RED/48000/2") is RFC 2198 redundancy. */
export const isRed = (codec: string | undefined): boolean => codec !== undefined && /^red\//i.test(codec);

/** Each packet of a payload type `codecs` names red, as its primary block with its redundant blocks kept aside. */
export function unwrapRed(packets: readonly RtpPacket[], codecs: ReadonlyMap<number, string>): RedUnwrapped {
  const copies = new Map<RtpPacket, RtpPacket[]>();
  let malformed = 0;
  const out = packets.map((p) => {
    if (!isRed(codecs.get(p.payloadType))) return p;
    const red = parseRed(p.payload, 0, p.payload.length);
    if (red === null) {
      malformed++;
      return p;
    }
    const block = (i: number): RtpPacket => {
      const b = red.blocks[i];
      const payload = p.payload.subarray(b.start, b.start + b.length);
      return {
        ...p,
        payloadType: b.pt,
        timestamp: (p.timestamp - b.offset) >>> 0,
        payloadLength: payload.length,
        payload,
      };
    };
    const primary = block(red.count - 1);
    if (red.count > 1)
      copies.set(
        primary,
        Array.from({ length: red.count - 1 }, (_, i) => block(i)),
      );
    return primary;
  });
  return { packets: out, copies, malformed };
}

/** A packet in its place in the sequence (rtp-audio.ts's Placed): run of sequence numbers and extended sequence. */
interface Sequenced {
  p: RtpPacket;
  run: number;
  ext: number;
}

/**
 * `list` (in sequence order, duplicates out) with, before each packet that
 * follows a gap in the sequence numbers, as many of its redundant blocks
 * as packets were lost (the latest), those whose timestamp lies strictly
 * between the packets before and after the gap and that `ticks` plays;
 * and before the first packet, the copies leadIn finds. `recovered`: how
 * many were put in. `ticks`: a block's length in RTP timestamp units, null
 * when it is not played (telephone events, comfort noise, another clock);
 * `clock`: the stream's RTP clock rate.
 */
export function recoverLost<T extends Sequenced>(
  list: readonly T[],
  copies: ReadonlyMap<RtpPacket, readonly RtpPacket[]>,
  ticks: (p: RtpPacket) => number | null,
  clock: number,
): { list: T[]; recovered: number } {
  if (copies.size === 0 || list.length === 0) return { list: [...list], recovered: 0 };
  const out: T[] = leadIn(list[0], copies.get(list[0].p) ?? [], ticks, clock);
  let recovered = out.length;
  let prev: T | undefined;
  for (const x of list) {
    const blocks = copies.get(x.p);
    const lost = prev !== undefined && prev.run === x.run ? x.ext - prev.ext - 1 : 0;
    if (blocks !== undefined && prev !== undefined && lost > 0) {
      const after = prev.p.timestamp;
      const fill = blocks.filter(
        (c) =>
          ticks(c) !== null && ((c.timestamp - after) | 0) > 0 && ((x.p.timestamp - c.timestamp) | 0) > 0,
      );
      for (const c of fill.slice(-lost)) {
        out.push({ ...x, p: c });
        recovered++;
      }
    }
    out.push(x);
    prev = x;
  }
  return { list: out, recovered };
}

/**
 * The copies the stream's first packet (`first`, the lowest sequence number
 * received) carries of packets before it, oldest first: RFC 2198 blocks have
 * no sequence numbers, so a copy is taken for packet first.seq − k only when
 * the copies tile back from the first packet without a gap or overlap (the
 * latest ends exactly at the first packet's timestamp, each older one
 * exactly where the next starts: one packet a frame, as RFC 2198 senders
 * send), and is played; the walk stops at the first that does not.
 * Telephone events (a timestamp that stays put) and comfort noise are not
 * played. Each is given the arrival time of the first packet less its
 * offset at `clock`, so the audio starts that much earlier and the rest of
 * the stream stays where it was (rtp-audio.ts stereo places a stream by its
 * first sample's time).
 */
function leadIn<T extends Sequenced>(
  first: T,
  blocks: readonly RtpPacket[],
  ticks: (p: RtpPacket) => number | null,
  clock: number,
): T[] {
  const out: T[] = [];
  let end = first.p.timestamp;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const c = blocks[i];
    const n = ticks(c);
    if (n === null || n <= 0 || ((end - c.timestamp) | 0) !== n) break;
    const before = (first.p.timestamp - c.timestamp) >>> 0;
    out.unshift({ ...first, p: { ...c, ts: first.p.ts - before / clock } });
    end = c.timestamp;
  }
  return out;
}
