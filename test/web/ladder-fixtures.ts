/** Messages and RTP streams for the ladder's pure tests (layout, RTP rows, row navigation). */
import type { MessageRow, RtpStream } from '../../web/src/api/types.js';

export const A = '10.0.0.1:5060';
export const B = '10.0.0.2:5060';
/** The call fields the layout reads. */
export const call = { callIds: ['x'], links: [], endpoints: [] };

/** A message row: `what` a method, or a status code (200 OK, else Ringing). */
export function msg(id: number, ts: number, src: string, dst: string, what: string | number): MessageRow {
  const head =
    typeof what === 'number' ? { status: what, reason: what === 200 ? 'OK' : 'Ringing' } : { method: what };
  return { id, frame: id + 1, ts, src, dst, callId: 'x', transport: 'udp', ...head } as unknown as MessageRow;
}

/** A 10.24 s PCMA stream of 512 packets from `start`, none lost, unless `o` says otherwise. */
export function rtp(
  id: number,
  start: number,
  src: string,
  dst: string,
  o: Partial<RtpStream> = {},
): RtpStream {
  return {
    id,
    ssrc: `0x0000000${id}`,
    src,
    dst,
    media: 'audio',
    codecs: ['PCMA/8000'],
    setup: 0,
    reverse: true,
    call: 0,
    firstFrame: 10,
    lastFrame: 500,
    packets: 512,
    bytes: 81920,
    expected: 512,
    lost: 0,
    lostPercent: 0,
    sequenceErrors: 0,
    start,
    end: start + 10.24,
    durationMs: 10240,
    minDeltaMs: 20,
    meanDeltaMs: 20,
    maxDeltaMs: 20,
    meanJitterMs: 0.1,
    maxJitterMs: 0.5,
    ...o,
  } as RtpStream;
}

/**
 * A stream with no figures of its own: no delta or jitter (too few packets),
 * no payload type seen, and none of what older servers did not send
 * (`reverse`, `setupDirection`, `answered`); `o` gives the rest.
 */
export function bareStream(
  id: number,
  start: number,
  src: string,
  dst: string,
  o: Partial<RtpStream> = {},
): RtpStream {
  const { reverse: _reverse, ...s } = rtp(id, start, src, dst, {
    minDeltaMs: null,
    meanDeltaMs: null,
    maxDeltaMs: null,
    meanJitterMs: null,
    maxJitterMs: null,
    payloadTypes: [],
    markers: 0,
    ...o,
  });
  return s;
}
