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
import { opusToc } from './opus-toc.js';

const RATE = 48_000;
/**
 * Samples the opusscript build decodes at most from one packet: its output
 * buffer holds 60 ms (MAX_FRAME_SIZE in its index.js). A longer packet (80,
 * 100, 120 ms, RFC 6716 §3.2.5) is not decoded: it is counted as undecodable.
 */
const MAX_DECODED = (RATE * 60) / 1000;
/** Bytes of a packet the opusscript build takes at most (its MAX_PACKET_SIZE: 1276 × 3). */
const MAX_PACKET_BYTES = 1276 * 3;

/** One stream's decoder: Opus is stateful (its prediction runs from packet to packet). */
export interface OpusDecoder {
  /**
   * Decodes one packet into `out` from `at` on, as many samples as fit;
   * returns how many it wrote, or null when the packet is not one libopus
   * decodes (corrupt, empty, longer than this build takes): nothing written.
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
  return {
    decode(packet, out, at) {
      const toc = opusToc(packet);
      if (toc === null || toc.samples > MAX_DECODED || packet.length > MAX_PACKET_BYTES) return null;
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
    },
    free() {
      if (freed) return;
      freed = true;
      d.delete();
    },
  };
}
