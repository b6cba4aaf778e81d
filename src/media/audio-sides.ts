/**
 * How a call's RTP streams are split into the two ears of its stereo WAVE,
 * shared by the server, which makes the WAVE (audio-files.ts `callWav`), and
 * the web page, which names the ears beside the player
 * (web/src/media/audio-channels.ts): it cannot read the WAVE's headers from
 * an <audio> element. Pure: no file, no DOM.
 */
import { hostOf } from '../decode/payload.js';

/** Streams a call's WAVE mixes at most (the first by their first frame); the others are left out, said so. */
export const MAX_CALL_STREAMS = 16;

/**
 * The host whose streams go left: the caller's (`callerHost`, the source of
 * the call's first message) when a stream comes from or goes to it, else —
 * media through another address than the signalling, a relay — the host
 * that sent the first of `streams` (the caller gives them earliest first).
 */
export function leftHost(
  streams: ReadonlyArray<{ src: string; dst: string }>,
  callerHost: string | null,
): string {
  if (
    callerHost !== null &&
    streams.some((s) => hostOf(s.src) === callerHost || hostOf(s.dst) === callerHost)
  )
    return callerHost;
  return hostOf(streams[0].src);
}
