/**
 * Opus decoding (RFC 6716) with libopus compiled to WebAssembly (the npm
 * package opusscript), for the audio of WebRTC calls: what rtp-audio.ts
 * decodes an Opus stream with. The WebAssembly (~300 kB) is loaded the
 * first time loadOpus() is called, by whoever plays an Opus stream
 * (audio-files.ts), never by `analyze` or a capture without Opus.
 *
 * Decoded at 48 kHz (RFC 7587 §4.1: the RTP clock is 48,000 whatever the
 * audio bandwidth) into mono, as sipscope's audio is mono a stream: stereo
 * is signalled in each packet (the TOC byte's s bit, RFC 6716 §3.1), and
 * libopus mixes a stereo packet down itself when its decoder has one
 * channel, whatever the SDP's `opus/48000/2` or sprop-stereo say.
 */
import type OpusScript from 'opusscript';
import { opusFrames } from './opus-frames.js';
import { OPUS_MAX_PACKET_SAMPLES, opusToc } from './opus-toc.js';

const RATE = 48_000;
/**
 * Samples the opusscript build decodes at most from one packet: its output
 * buffer holds 60 ms (MAX_FRAME_SIZE in its index.js). A longer packet (80,
 * 100, 120 ms, RFC 6716 §3.2.5) is split into its frames (opus-frames.ts),
 * each decoded as a packet of its own (see decodeLong).
 */
const MAX_DECODED = (RATE * 60) / 1000;
/** Bytes of a packet the opusscript build takes at most (its MAX_PACKET_SIZE: 1276 × 3). */
const MAX_PACKET_BYTES = 1276 * 3;

/** One stream's decoder: Opus is stateful (its prediction runs from packet to packet). */
export interface OpusDecoder {
  /**
   * Decodes one packet into `out` from `at` on, as many samples as fit;
   * returns how many it wrote, or null when the packet is not one libopus
   * decodes (corrupt, empty, invalid by RFC 6716 §3.4): nothing written.
   */
  decode(packet: Uint8Array, out: Int16Array, at: number): number | null;
  /** Frees its WebAssembly memory: the decoder is not usable after. */
  free(): void;
}

export interface OpusLibrary {
  /** A new decoder at 48 kHz, mono. */
  decoder(): OpusDecoder;
}

let loading: Promise<OpusLibrary> | undefined;

/** libopus, loaded once (the first call compiles the WebAssembly; later ones share it). */
export function loadOpus(): Promise<OpusLibrary> {
  loading ??= import('opusscript').then(
    ({ default: Opus }): OpusLibrary => ({ decoder: () => opusDecoder(new Opus(RATE, 1)) }),
  );
  return loading;
}

function opusDecoder(d: OpusScript): OpusDecoder {
  let freed = false;
  /** 120 ms, where a long packet's frames are decoded before any is written out. */
  let scratch: Int16Array | undefined;

  /** One libopus call: the samples it made written into `out` from `at`, as many as fit; null if refused. */
  function decodeOne(packet: Uint8Array, out: Int16Array, at: number): number | null {
    if (packet.length > MAX_PACKET_BYTES) return null;
    let pcm: Uint8Array;
    try {
      // It copies the bytes in (a Uint8Array will do: no Buffer, which the web build has no type of).
      pcm = d.decode(packet as Parameters<OpusScript['decode']>[0]);
    } catch {
      // libopus's OPUS_INVALID_PACKET and the like (opusscript throws "Decode error: …").
      return null;
    }
    // 16-bit little-endian samples (libopus's opus_int16 in WebAssembly's memory).
    const v = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const n = Math.max(0, Math.min(pcm.byteLength >> 1, out.length - at));
    for (let i = 0; i < n; i++) out[at + i] = v.getInt16(2 * i, true);
    return n;
  }

  /**
   * A packet of more than 60 ms: each of its frames re-wrapped as a code 0
   * packet (the TOC byte with its c bits cleared, then the frame, RFC 6716
   * §3.2.2) and decoded in order by the same decoder, which is what libopus
   * does with a packet's frames in one call (opus_decode_native calls
   * opus_decode_frame on each in turn), so the prediction runs on as it
   * would. All or nothing, as one call is: a frame refused refuses the
   * packet, nothing written (the frames before it did move the state on, as
   * in libopus).
   */
  function decodeLong(packet: Uint8Array, out: Int16Array, at: number): number | null {
    const frames = opusFrames(packet);
    if (frames === null) return null;
    scratch ??= new Int16Array(OPUS_MAX_PACKET_SAMPLES);
    let made = 0;
    for (const f of frames) {
      const one = new Uint8Array(1 + f.length);
      one[0] = packet[0] & 0xfc;
      one.set(f, 1);
      const n = decodeOne(one, scratch, made);
      if (n === null) return null;
      made += n;
    }
    const n = Math.max(0, Math.min(made, out.length - at));
    if (n > 0) out.set(scratch.subarray(0, n), at);
    return n;
  }

  return {
    decode(packet, out, at) {
      const toc = opusToc(packet);
      if (toc === null) return null;
      return toc.samples > MAX_DECODED ? decodeLong(packet, out, at) : decodeOne(packet, out, at);
    },
    free() {
      if (freed) return;
      freed = true;
      d.delete();
    },
  };
}
