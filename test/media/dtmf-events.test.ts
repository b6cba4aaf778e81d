/**
 * Telephone-event packets grouped into digits (RFC 4733 §2.3.1, §2.5.1):
 * one event per RTP timestamp, its copies and its growing duration one
 * digit, an event whose end was lost still a digit.
 */
import { describe, expect, it } from 'vitest';
import { DtmfEvents, MAX_DTMF_EVENTS } from '../../src/media/dtmf-events.js';
import type { TelephoneEvent } from '../../src/media/telephone-event.js';

/** One packet as the tracker hands it over: event, E, duration; RTP timestamp, marker; frame and time. */
interface Pkt {
  event: number;
  end?: boolean;
  duration: number;
  timestamp: number;
  marker?: boolean;
  volume?: number;
}

/** Feeds `packets` (frames 1, 2, … 20 ms apart from t = 10 s) to a tracker of an 8000 Hz telephone-event. */
function group(packets: ReadonlyArray<Pkt | null>, rate: number | null = 8000) {
  const d = new DtmfEvents(rate);
  packets.forEach((p, i) => {
    const e: TelephoneEvent | null =
      p === null
        ? null
        : { event: p.event, end: p.end ?? false, volume: p.volume ?? 10, duration: p.duration };
    d.add(e, p?.timestamp ?? 0, p?.marker ?? false, i + 1, 10 + i * 0.02);
  });
  return d;
}

/** The packets of one key press: a marked start, growing durations, the end sent three times (§2.5.1.4). */
function press(event: number, timestamp: number, steps = 5, endCopies = 3): Pkt[] {
  const out: Pkt[] = [];
  for (let i = 1; i <= steps; i++) out.push({ event, timestamp, duration: 160 * i, marker: i === 1 });
  for (let i = 0; i < endCopies; i++) out.push({ event, timestamp, duration: 160 * steps + 160, end: true });
  return out;
}

describe('DtmfEvents: packets grouped into digits (RFC 4733 §2.5)', () => {
  it('counts an end packet sent three times as one digit (§2.5.1.4)', () => {
    const d = group(press(5, 1000));
    expect(d.events()).toEqual([
      {
        digit: '5',
        event: 5,
        ts: 10,
        frame: 1,
        timestamp: 1000,
        durationMs: 120, // 960 units at 8000 Hz
        volume: 10,
        ended: true,
        packets: 8,
      },
    ]);
  });

  it('keeps a digit whose end packets were all lost, ended by the next event, unended', () => {
    const d = group([...press(1, 1000, 4, 0), ...press(2, 5000)]);
    const e = d.events();
    expect(e.map((x) => [x.digit, x.ended, x.durationMs])).toEqual([
      ['1', false, 80], // its last packet said 640 units
      ['2', true, 120],
    ]);
    expect(e[1].frame).toBe(5);
  });

  it('keeps a digit whose end was lost at the end of the stream', () => {
    const e = group(press(9, 1000, 3, 0)).events();
    expect(e.map((x) => [x.digit, x.ended, x.packets])).toEqual([['9', false, 3]]);
  });

  it('is one event for a long press: the duration keeps growing under one timestamp (§2.3.5)', () => {
    const e = group(press(0, 1000, 150)).events();
    expect(e).toHaveLength(1);
    expect(e[0].durationMs).toBe(3020); // 151 × 160 units
    expect(e[0].packets).toBe(153);
  });

  it('tells two presses of the same key apart by their timestamps (§2.3.1)', () => {
    const e = group([...press(4, 1000), ...press(4, 3000)]).events();
    expect(e.map((x) => [x.digit, x.timestamp, x.frame])).toEqual([
      ['4', 1000, 1],
      ['4', 3000, 9],
    ]);
  });

  it('takes a marked start sent three times as the start of one event, not three', () => {
    // As the phone of the Honeynet VoIP challenge sends it: the first packet thrice, marker set.
    const start = { event: 2, timestamp: 184560, duration: 160, marker: true };
    const e = group([start, start, start, ...press(2, 184560, 4).slice(1)]).events();
    expect(e).toHaveLength(1);
    expect(e[0].packets).toBe(9);
  });

  it('starts a new event at a marked packet reusing the timestamp of an event that ended', () => {
    const e = group([...press(7, 1000), { event: 7, timestamp: 1000, duration: 160, marker: true }]).events();
    expect(e.map((x) => [x.digit, x.ended])).toEqual([
      ['7', true],
      ['7', false],
    ]);
  });

  it('puts a late copy of an end packet with its event, after the next event started', () => {
    const first = press(3, 1000);
    const late = first.pop()!;
    const e = group([...first, ...press(6, 4000, 2, 1), late]).events();
    expect(e.map((x) => [x.digit, x.packets])).toEqual([
      ['3', 8],
      ['6', 3],
    ]);
  });

  it('names an event code outside the DTMF table by number (RFC 4734 tones, fax)', () => {
    // heplify_fax-t38-reinvite-megaco.pcap: event 194, end set, volume 0, duration 0, three copies.
    const p = { event: 194, timestamp: 146984, duration: 0, end: true, volume: 0, marker: true };
    const e = group([p, { ...p, marker: false }, { ...p, marker: false }]).events();
    expect(e).toEqual([
      {
        digit: '194',
        event: 194,
        ts: 10,
        frame: 1,
        timestamp: 146984,
        durationMs: 0,
        volume: 0,
        ended: true,
        packets: 3,
      },
    ]);
  });

  it('flags a truncated event packet and goes on with the digits around it', () => {
    const d = group([...press(1, 1000, 2), null, ...press(8, 2000, 2)]);
    expect(d.malformed).toBe(1);
    expect(d.events().map((x) => x.digit)).toEqual(['1', '8']);
  });

  it('gives no duration in ms when the clock rate is unknown', () => {
    expect(group(press(5, 1000), null).events()[0].durationMs).toBeNull();
  });

  it('keeps at most MAX_DTMF_EVENTS events a stream and counts the rest', () => {
    const packets: Pkt[] = [];
    for (let i = 0; i < MAX_DTMF_EVENTS + 5; i++)
      packets.push({ event: i % 10, timestamp: i * 1000, duration: 160, end: true });
    const d = group(packets);
    expect(d.size).toBe(MAX_DTMF_EVENTS);
    expect(d.dropped).toBe(5);
  });
});
