/**
 * WAVE files of the RTP streams the analysis found, their packets read again
 * from the capture (its file, or the frames a live capture kept: capture/frame-source.ts): one stream as mono, a call's streams as stereo (its
 * two directions, one a channel). What `sipscope audio` writes and the web
 * UI plays (`GET …/calls/:callId/audio.wav`, `…/streams/:streamId/audio.wav`).
 */
import type { FrameSource } from '../capture/frame-source.js';
import { hostOf } from '../decode/payload.js';
import { leftHost, MAX_CALL_STREAMS } from './audio-sides.js';
import { loadOpus, type OpusLibrary } from './opus.js';
import { AudioRefused, MAX_AUDIO_SAMPLES, type StreamAudio, stereo, streamAudio } from './rtp-audio.js';
import { codecsOf, type RecordedStream, readStreamPackets } from './stream-packets.js';
import { encodeWav } from './wav.js';

export interface StreamWav {
  wav: Uint8Array;
  /** Seconds. */
  duration: number;
  rate: number;
  truncated: boolean;
  /** Packets their decoder refused (corrupt Opus), played as silence (rtp-audio.ts `undecodable`). */
  undecodable: number;
  /** Packets lost played from a later packet's RFC 2198 redundant block (rtp-audio.ts `recovered`). */
  recovered: number;
}

export interface CallWav extends StreamWav {
  /** Stream ids in the left channel: those the caller's host sent (`callWav`). */
  left: number[];
  /** The others. */
  right: number[];
  /** Streams left out, with why (a codec not decoded here, no packets). */
  skipped: Array<{ id: number; reason: string }>;
}

/**
 * Payload bytes read back for one request at most, all its streams together:
 * twice what half an hour of two-way G.711 holds. A capture whose call has
 * more (many streams, an hour of L16) is played as far as that goes.
 */
export const MAX_AUDIO_PAYLOAD = 4 * MAX_AUDIO_SAMPLES;

/** One stream as mono 16-bit PCM. Throws AudioRefused when it cannot be decoded. */
export async function streamWav(source: FrameSource, stream: RecordedStream): Promise<StreamWav> {
  const read = await readStreamPackets(source, [stream], { maxPayloadBytes: MAX_AUDIO_PAYLOAD });
  const a = streamAudio(read.streams[0], codecsOf(stream), undefined, await opusFor([stream]));
  return {
    wav: encodeWav(a.samples, a.rate, 1),
    duration: a.samples.length / a.rate,
    rate: a.rate,
    truncated: a.truncated || read.truncated,
    undecodable: a.undecodable,
    recovered: a.recovered,
  };
}

/** libopus when one of `streams` has an Opus payload type (`opus/48000/2`, also inside red), loaded only then. */
async function opusFor(streams: readonly RecordedStream[]): Promise<OpusLibrary | undefined> {
  const any = streams.some((s) => [...codecsOf(s).values()].some((c) => /^opus\//i.test(c)));
  return any ? loadOpus() : undefined;
}

/**
 * A call's streams as stereo: left, what the caller's host sent (audio-sides.ts `leftHost`);
 * right, the rest (what it received, and any other leg). The frames are read
 * once for all of them. Throws AudioRefused when none can be decoded.
 */
export async function callWav(
  source: FrameSource,
  streams: readonly RecordedStream[],
  callerHost: string | null = null,
): Promise<CallWav> {
  if (streams.length === 0) throw new AudioRefused('the call has no RTP streams');
  const skipped: CallWav['skipped'] = [];
  const byStart = [...streams].sort((x, y) => x.firstFrame - y.firstFrame || x.id - y.id);
  for (const s of byStart.slice(MAX_CALL_STREAMS))
    skipped.push({ id: s.id, reason: `more than ${MAX_CALL_STREAMS} streams in the call: play it alone` });
  const mixed = byStart.slice(0, MAX_CALL_STREAMS);
  const read = await readStreamPackets(source, mixed, { maxPayloadBytes: MAX_AUDIO_PAYLOAD });
  const decoded: Array<{ s: RecordedStream; a: StreamAudio }> = [];
  const opus = await opusFor(mixed);
  mixed.forEach((s, i) => {
    try {
      decoded.push({ s, a: streamAudio(read.streams[i], codecsOf(s), undefined, opus) });
    } catch (e) {
      if (!(e instanceof AudioRefused)) throw e;
      skipped.push({ id: s.id, reason: e.message });
    }
  });
  if (decoded.length === 0)
    throw new AudioRefused(`no stream of the call can be played: ${skipped.map((x) => x.reason).join('; ')}`);
  decoded.sort((x, y) => x.a.start - y.a.start || x.s.id - y.s.id);
  const speaker = leftHost(
    decoded.map((d) => d.s),
    callerHost,
  );
  const left = decoded.filter((d) => hostOf(d.s.src) === speaker);
  const right = decoded.filter((d) => hostOf(d.s.src) !== speaker);
  const mix = stereo(
    left.map((d) => d.a),
    right.map((d) => d.a),
  );
  return {
    wav: encodeWav(mix.samples, mix.rate, 2),
    duration: mix.samples.length / 2 / mix.rate,
    rate: mix.rate,
    truncated: mix.truncated || read.truncated,
    undecodable: decoded.reduce((n, d) => n + d.a.undecodable, 0),
    recovered: decoded.reduce((n, d) => n + d.a.recovered, 0),
    left: left.map((d) => d.s.id),
    right: right.map((d) => d.s.id),
    skipped,
  };
}
