/**
 * How much audio an Opus packet holds, read from its table-of-contents byte
 * (RFC 6716 §3.1) without decoding it: what rtp-audio.ts lays a packet out
 * by before the decoder (opus.ts) says how many samples it made. Pure: no
 * libopus, so the web page can import it through rtp-audio.ts.
 *
 * An RTP payload is one Opus packet (RFC 7587 §4.2) and its timestamp runs
 * at 48,000 Hz for every mode and audio bandwidth (§4.1): the durations
 * here are in samples at 48 kHz.
 */

/**
 * Frame duration in samples at 48 kHz by `config` (the TOC's top five bits),
 * RFC 6716 §3.1 Table 2: SILK-only NB, MB, WB (10, 20, 40, 60 ms each),
 * Hybrid SWB, FB (10, 20 ms), CELT-only NB, WB, SWB, FB (2.5, 5, 10, 20 ms).
 */
const FRAME_SAMPLES: readonly number[] = [
  ...[0, 1, 2].flatMap(() => [480, 960, 1920, 2880]),
  ...[0, 1].flatMap(() => [480, 960]),
  ...[0, 1, 2, 3].flatMap(() => [120, 240, 480, 960]),
];

/** RFC 6716 §3.2.5 R5: "the total duration contained within a packet MUST be no more than 120 ms". */
export const OPUS_MAX_PACKET_SAMPLES = 5760;

export interface OpusToc {
  /** Samples at 48 kHz of each frame (120 for 2.5 ms … 2,880 for 60 ms). */
  frameSamples: number;
  /** Frames in the packet: code 0 one, codes 1 and 2 two, code 3 the count M of its second byte. */
  frames: number;
  /** frameSamples × frames. */
  samples: number;
  /** The s bit: the packet is coded stereo (it decodes to mono all the same). */
  stereo: boolean;
}

/**
 * The TOC of an Opus packet, or null when it cannot be one: empty (RFC 6716
 * §3.4 R1, "Packets are at least one byte"), a code 3 packet without its
 * frame-count byte, a count of 0 (R5), or more than 120 ms (R5).
 */
export function opusToc(packet: Uint8Array): OpusToc | null {
  if (packet.length < 1) return null;
  const toc = packet[0];
  const frameSamples = FRAME_SAMPLES[toc >> 3];
  const code = toc & 0x03;
  let frames = code === 0 ? 1 : 2;
  if (code === 3) {
    if (packet.length < 2) return null;
    frames = packet[1] & 0x3f;
    if (frames === 0) return null;
  }
  const samples = frameSamples * frames;
  if (samples > OPUS_MAX_PACKET_SAMPLES) return null;
  return { frameSamples, frames, samples, stereo: (toc & 0x04) !== 0 };
}
