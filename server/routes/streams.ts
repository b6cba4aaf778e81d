/**
 * A call's RTP streams, their packets read again from the capture file (or
 * the frames a live capture keeps, capture/frame-source.ts):
 * `/api/captures/:id/calls/:callId/audio.wav` and
 * `…/calls/:callId/streams/:streamId/audio.wav`, the call's RTP as sound
 * (stereo, one direction a channel) or one stream (mono), 16-bit PCM WAVE
 * (src/media/audio-files.ts); `…/streams/:streamId/packets`, one stream
 * packet by packet (src/media/stream-analysis.ts). server/API.md "Calls".
 */
import { type Response, Router } from 'express';
import { CaptureError } from '../../src/capture/frame.js';
import { hostOf } from '../../src/decode/payload.js';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { AudioRefused } from '../../src/media/rtp-audio.js';
import { analyseRecordedStream } from '../../src/media/stream-analysis.js';
import type { CaptureService } from '../capture-service.js';
import { HttpError } from '../http-error.js';
import { withSrtpKeys } from '../stream-keys.js';
import { captureIdOf, fileGone, frameSourceOf, idParam, readableCapture } from './common.js';

export function streamsRouter(service: CaptureService): Router {
  const r = Router({ mergeParams: true });
  /**
   * One read-back at a time: a half-hour call's stereo WAVE took ~260 MB while
   * it was made (rtp-audio.ts MAX_AUDIO_SAMPLES), a long stream's packets tens
   * of MB; requests that come meanwhile wait their turn rather than add up.
   */
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };

  /** The call's streams and the file to read them from; 404 for an unknown call, 410 without a file. */
  async function callStreams(captureId: string, callIdParam: string | undefined) {
    const c = await readableCapture(service, captureId);
    const callId = idParam(callIdParam, 'call');
    const detail = await service.store.getCall(c.id, callId);
    if (detail === undefined) throw new HttpError(404, `no call ${callId} in capture ${c.id}`);
    const source = frameSourceOf(service, c, 'the RTP');
    const first = detail.messages[0];
    const callerHost = first === undefined ? null : hostOf(first.src);
    // SRTP streams get their SDES key back from the SDP that carried it, DTLS-SRTP ones from the key
    // log the capture is analysed with (server/stream-keys.ts).
    const streams = await withSrtpKeys(service.store, c.id, detail.streams, () => service.tlsKeyLog(c));
    return { c, source, callId, callerHost, streams };
  }

  r.get('/:callId/audio.wav', async (req, res) => {
    const { c, source, callId, callerHost, streams } = await callStreams(captureIdOf(req), req.params.callId);
    const out = await decoded(() => inTurn(() => callWav(source, streams, callerHost)), c.id);
    res.setHeader('X-Audio-Left', out.left.join(','));
    res.setHeader('X-Audio-Right', out.right.join(','));
    if (out.skipped.length > 0) res.setHeader('X-Audio-Skipped', out.skipped.map((s) => s.id).join(','));
    send(res, out, `call-${callId}.wav`);
  });

  r.get('/:callId/streams/:streamId/audio.wav', async (req, res) => {
    const { c, source, callId, streams } = await callStreams(captureIdOf(req), req.params.callId);
    const streamId = idParam(req.params.streamId, 'stream');
    const s = streams.find((x) => x.id === streamId);
    if (s === undefined) throw new HttpError(404, `no stream ${streamId} in call ${callId}`);
    send(res, await decoded(() => inTurn(() => streamWav(source, s)), c.id), `stream-${streamId}.wav`);
  });

  // Wireshark's RTP Stream Analysis: every packet with its delta, jitter, skew and status, a page at a time.
  r.get('/:callId/streams/:streamId/packets', async (req, res) => {
    const { c, source, callId, streams } = await callStreams(captureIdOf(req), req.params.callId);
    const streamId = idParam(req.params.streamId, 'stream');
    const s = streams.find((x) => x.id === streamId);
    if (s === undefined) throw new HttpError(404, `no stream ${streamId} in call ${callId}`);
    const offset = countParam(req.query.offset, 'offset', 0);
    const limit = Math.min(countParam(req.query.limit, 'limit', MAX_PACKETS), MAX_PACKETS);
    const a = await decoded(() => inTurn(() => analyseRecordedStream(source, s)), c.id);
    res.json({
      stream: streamId,
      clockRate: a.clockRate,
      summary: a.summary,
      total: a.packets.length,
      ...(a.truncated ? { truncated: true } : {}),
      offset,
      packets: a.packets.slice(offset, offset + limit),
    });
  });

  return r;
}

/** Packets a page of `…/packets` gives at most (~34 minutes of 20 ms packets, ~15 MB of JSON). */
const MAX_PACKETS = 100_000;

/** A whole number from the query string (`fallback` when absent), or 400 naming it. */
function countParam(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v))
    throw new HttpError(400, `${name} must be a whole number`);
  return Number(v);
}

/** The result of `make`: a stream that cannot be decoded is 415, a file that cannot be read again 410. */
async function decoded<T>(make: () => Promise<T>, captureId: string): Promise<T> {
  try {
    return await make();
  } catch (e) {
    if (e instanceof AudioRefused) throw new HttpError(415, e.message);
    // It was read whole once (the analysis): failing now, it was moved, deleted or changed since.
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof CaptureError || code === 'ENOENT' || code === 'EACCES') throw fileGone(captureId, e);
    throw e;
  }
}

function send(
  res: Response,
  out: { wav: Uint8Array; duration: number; truncated: boolean; undecodable: number; recovered: number },
  name: string,
): void {
  res.setHeader('Content-Type', 'audio/wav');
  // inline: an <audio> element plays it; the download link names the file.
  res.setHeader('Content-Disposition', `inline; filename="${name}"`);
  res.setHeader('X-Audio-Seconds', out.duration.toFixed(3));
  if (out.truncated) res.setHeader('X-Audio-Truncated', '1');
  // Packets the decoder refused (corrupt Opus), played as silence.
  if (out.undecodable > 0) res.setHeader('X-Audio-Undecodable', String(out.undecodable));
  // Packets lost played from a later packet's RFC 2198 redundant block.
  if (out.recovered > 0) res.setHeader('X-Audio-Recovered', String(out.recovered));
  res.end(Buffer.from(out.wav.buffer, out.wav.byteOffset, out.wav.byteLength));
}
