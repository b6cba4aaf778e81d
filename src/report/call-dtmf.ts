/**
 * The digits a call carried, in the order they were sent: its RTP streams'
 * RFC 4733 events (media/dtmf-events.ts) and its SIP INFO digits
 * (sip/info-dtmf.ts) in one list, what `analyze --json` gives as a call's
 * `dtmf`, the API's call detail as `call.dtmf`, and the text report and call
 * story tell.
 */
import { type DtmfEvent, keysText } from '../media/dtmf-events.js';
import type { InfoDtmf } from '../sip/info-dtmf.js';

export interface CallDtmf {
  digit: string;
  /** Capture time of its first packet, or of the INFO (s). */
  ts: number;
  /** Frame of its first packet, or of the INFO. */
  frame: number;
  durationMs: number | null;
  method: 'rfc4733' | 'info';
  /** Who sent it: the stream's source, or the INFO's (`ip:port`). */
  src: string;
  /** The stream that carried it (rfc4733). */
  stream?: number;
  /** The INFO request that carried it (info). */
  message?: number;
  /** Its end was seen: an event packet with E set (rfc4733); always true for an INFO. */
  ended: boolean;
}

/** An INFO digit with the request that carried it. */
export interface InfoDigit extends InfoDtmf {
  message: number;
  src: string;
  ts: number;
  frame: number;
}

/** What a stream gives: its id and digits (RtpStreamRecord is one). */
export interface DtmfStream {
  id: number;
  src: string;
  dtmf?: readonly DtmfEvent[];
}

/** The digits of `streams` and `info` (one call's), by time, then stream or message id. */
export function callDtmf(streams: readonly DtmfStream[], info: readonly InfoDigit[]): CallDtmf[] {
  const out: CallDtmf[] = [];
  for (const s of streams)
    for (const e of s.dtmf ?? [])
      out.push({
        digit: e.digit,
        ts: e.ts,
        frame: e.frame,
        durationMs: e.durationMs,
        method: 'rfc4733',
        src: s.src,
        stream: s.id,
        ended: e.ended,
      });
  for (const d of info)
    out.push({
      digit: d.digit,
      ts: d.ts,
      frame: d.frame,
      durationMs: d.durationMs,
      method: 'info',
      src: d.src,
      message: d.message,
      ended: true,
    });
  return out.sort((a, b) => a.ts - b.ts || a.frame - b.frame);
}

/**
 * `1 2 3 4 # (RFC 4733, stream 3)`: the digits in order, a run of them from
 * one stream or by INFO under one note; a digit whose end was not seen is
 * marked `?` (`5?`).
 */
export function dtmfLine(digits: readonly CallDtmf[]): string {
  const parts: string[] = [];
  let run: CallDtmf[] = [];
  let note = '';
  const close = () => {
    if (run.length > 0) parts.push(`${keysText(run)} (${note})`);
    run = [];
  };
  for (const d of digits) {
    const n = d.method === 'info' ? 'SIP INFO' : `RFC 4733, stream ${d.stream}`;
    if (n !== note) {
      close();
      note = n;
    }
    run.push(d);
  }
  close();
  return parts.join(', ');
}
