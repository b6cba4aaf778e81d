/**
 * A call's DTMF digits in a live capture (src/live/call-digits.ts, the live
 * pipeline's `dtmf` event, `sipscope live`'s `== call N DTMF:` line): the
 * digits `analyze` gives as the call's `dtmf` — the RFC 4733 events of the
 * streams its SDP set up and the digits of its SIP INFO requests — given
 * once the call's streams are out, which on a running capture is a minute
 * after the call line (the streams' idle minute outlasts the call's 32 s
 * linger).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import { callDtmfLine } from '../../src/cli/live-command.js';
import { createLivePipeline, type LivePipelineOptions } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDtmf } from '../../src/report/call-dtmf.js';
import { edit, withBody } from '../analyze/flow-edit.js';
import { dtmfCall } from '../fixtures/flows/index.js';
import { pushFlow } from './hep-send.js';

const DTMF_CALL = fileURLToPath(new URL('../../samples/dtmf-call.pcap', import.meta.url));

/** A pipeline and what it said, in order, with the capture time each event came at. */
function pipeline(opts: LivePipelineOptions = {}) {
  const live = createLivePipeline(opts);
  const order: string[] = [];
  const at: Record<string, number> = {};
  const digits: Array<[number, CallDtmf[]]> = [];
  const note = (what: string) => {
    order.push(what);
    at[what] = live.stats().captureTime ?? Number.NaN;
  };
  live.on('call', (c) => note(`call ${c.id}`));
  live.on('stream', (s) => note(`stream ${s.id}`));
  live.on('dtmf', (call, d) => {
    note(`dtmf ${call}`);
    digits.push([call, d]);
  });
  return { live, order, at, digits };
}

describe('live: the digits of each call, as analyze gives them', () => {
  it('samples/dtmf-call.pcap read to its end: the call dtmf of analyze, after the call and its streams, in its wording', async () => {
    const want = await analyzeCapture(DTMF_CALL);
    const { live, order, digits } = pipeline({ clock: () => 0 });
    for await (const f of openCapture(DTMF_CALL)) live.pushFrame(f);
    live.end();
    expect(order).toEqual(['call 0', 'stream 0', 'stream 1', 'dtmf 0']);
    expect(digits).toEqual([[0, want.dtmf.get(0)]]);
    expect(digits[0][1].map((d) => [d.digit, d.method, d.stream ?? d.message])).toEqual([
      ['1', 'rfc4733', 0],
      ['2', 'rfc4733', 0],
      ['3', 'rfc4733', 0],
      ['4', 'rfc4733', 0],
      ['#', 'rfc4733', 0],
      ['9', 'rfc4733', 1],
      ['5', 'info', 5],
      ['*', 'info', 7],
    ]);
    // analyze --call 0 ends with "DTMF: 1 2 3 4 # (RFC 4733, stream 0), 9 (RFC 4733, stream 1), 5 * (SIP INFO)".
    expect(callDtmfLine(0, digits[0][1])).toBe(
      '== call 0 DTMF: 1 2 3 4 # (RFC 4733, stream 0), 9 (RFC 4733, stream 1), 5 * (SIP INFO)',
    );
  });

  it('on a running capture the digits wait for the streams: a minute after the call line, not with it', async () => {
    const wall = { now: 1_000_000 };
    const { live, order, at, digits } = pipeline({ clock: () => wall.now });
    for await (const f of openCapture(DTMF_CALL)) live.pushFrame(f);
    expect(order).toEqual([]);
    // A quiet link: capture time follows the wall clock, a second at a time, for three minutes.
    for (let i = 0; i < 180; i++) {
      wall.now += 1;
      live.tick();
    }
    expect(order).toEqual(['call 0', 'stream 0', 'stream 1', 'dtmf 0']);
    // The call's SDP messages are remembered idle + 2 s (62 s) after its hand-out: the digits come then.
    const wait = at['dtmf 0'] - at['call 0'];
    expect(wait).toBeGreaterThan(62);
    expect(wait).toBeLessThanOrEqual(63);
    expect(digits[0][1]).toHaveLength(8);
    live.end();
    expect(order).toHaveLength(4);
  });

  it('a call whose SDP set up no stream (no SDP): its INFO digits at once, with the call', () => {
    const flow = edit(
      edit(dtmfCall(), 0, (t) => withBody(t, '')),
      3,
      (t) => withBody(t, ''),
    );
    const wall = { now: 0 };
    const { live, order, digits } = pipeline({ clock: () => wall.now });
    pushFlow(live, flow);
    wall.now += 40;
    live.tick();
    expect(order).toEqual(['call 0', 'dtmf 0']);
    expect(callDtmfLine(0, digits[0][1])).toBe('== call 0 DTMF: 5 * (SIP INFO)');
    expect(digits[0][1][0]).toMatchObject({
      digit: '5',
      durationMs: 160,
      src: '10.0.0.1:5060',
      message: 5,
      frame: 6,
    });
  });

  it('a call without digits gives no dtmf event; what waits is counted, and nothing is kept when nobody listens', async () => {
    const { live, order } = pipeline({ clock: () => 0 });
    for await (const f of openCapture(
      fileURLToPath(new URL('../../samples/call-with-rtp.pcap', import.meta.url)),
    ))
      live.pushFrame(f);
    live.end();
    expect(order.filter((o) => o.startsWith('dtmf'))).toEqual([]);
    // Listened to: the call handed out waits (1) until its minute is over, then nothing is held.
    const wall = { now: 0 };
    const heard = pipeline({ clock: () => wall.now });
    for await (const f of openCapture(DTMF_CALL)) heard.live.pushFrame(f);
    expect(heard.live.stats().hot.digits).toBe(2); // the two INFO requests, their call in progress
    wall.now += 40;
    heard.live.tick();
    expect(heard.order).toEqual(['call 0']);
    expect(heard.live.stats().hot.digits).toBe(1);
    wall.now += 100;
    heard.live.tick();
    expect(heard.order.at(-1)).toBe('dtmf 0');
    expect(heard.live.stats().hot.digits).toBe(0);
    // Not listened to: the INFO digits and the streams are not kept.
    const quiet = createLivePipeline({ clock: () => wall.now });
    quiet.on('call', () => {});
    for await (const f of openCapture(DTMF_CALL)) quiet.pushFrame(f);
    wall.now += 40;
    quiet.tick();
    expect(quiet.stats().hot.digits).toBe(0);
  });

  it('digits from the wire are made safe for a terminal', () => {
    const d: CallDtmf = {
      digit: '\u001b[2J',
      ts: 1,
      frame: 1,
      durationMs: null,
      method: 'info',
      src: '10.0.0.1:5060',
      message: 2,
      ended: true,
    };
    expect(callDtmfLine(3, [d])).toBe('== call 3 DTMF: \\x1b[2J (SIP INFO)');
  });
});
