/** A call's digits in one list (RFC 4733 events of its streams and SIP INFO digits), its text line and its story sentence. */
import { describe, expect, it } from 'vitest';
import type { DtmfEvent } from '../../src/media/dtmf-events.js';
import { callDtmf, dtmfLine } from '../../src/report/call-dtmf.js';
import { dtmfStory } from '../../src/report/dtmf-story.js';

const event = (digit: string, ts: number, ended = true): DtmfEvent => ({
  digit,
  event: 0,
  ts,
  frame: Math.round(ts * 10),
  timestamp: 0,
  durationMs: 100,
  volume: 10,
  ended,
  packets: 4,
});

describe('callDtmf', () => {
  it('merges the streams and INFO digits by time, each with what carried it', () => {
    const digits = callDtmf(
      [
        { id: 3, src: '10.0.0.1:4000', dtmf: [event('1', 1), event('2', 3, false)] },
        { id: 4, src: '10.0.0.2:4002', dtmf: [] },
        { id: 5, src: '10.0.0.2:4002' },
      ],
      [{ digit: '#', durationMs: null, message: 9, src: '10.0.0.1:5060', ts: 2, frame: 20 }],
    );
    expect(digits.map((d) => [d.digit, d.method, d.stream ?? d.message, d.ended])).toEqual([
      ['1', 'rfc4733', 3, true],
      ['#', 'info', 9, true],
      ['2', 'rfc4733', 3, false],
    ]);
    expect(dtmfLine(digits)).toBe('1 (RFC 4733, stream 3), # (SIP INFO), 2? (RFC 4733, stream 3)');
  });
});

describe('dtmfStory', () => {
  const who = (a: string) => `[${a}]`;
  it('says who sent which digits and how, and how many ends were not seen', () => {
    const digits = callDtmf(
      [{ id: 0, src: 'A:1', dtmf: [event('1', 11), event('2', 12, false)] }],
      [{ digit: '5', durationMs: 160, message: 7, src: 'B:5060', ts: 13, frame: 130 }],
    );
    expect(dtmfStory(digits, who, 10)).toEqual([
      '[A:1] sent the DTMF digits 1 2 as RFC 4733 telephone events in RTP, from 1.00 s (one without its end packet: lost, or cut by the capture); [B:5060] sent the DTMF digit 5 in a SIP INFO request, from 3.00 s.',
    ]);
  });

  it('tells nothing of a call without digits', () => {
    expect(dtmfStory([], who, 0)).toEqual([]);
  });
});
