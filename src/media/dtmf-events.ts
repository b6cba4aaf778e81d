/**
 * The digits of one RTP stream's RFC 4733 telephone events: its event
 * packets grouped into events, one digit each, as a receiver of RFC 4733
 * §2.5.2 would play them out.
 *
 * RFC 4733 §2.3.1: "The RTP timestamp ... [reflects] the time at which the
 * event began"; every packet of one event carries it, its duration growing
 * (a long press is one event, however many packets). §2.5.1.4: "the final
 * packet for each event ... SHOULD be sent a total of three times": those
 * copies are one digit, not three. §2.5.1.2 sets the marker bit on the first
 * packet of an event; senders repeat that packet too (the Honeynet VoIP
 * challenge's phone sends it three times, marker set each time), so a marker
 * on a packet of the event being played is a copy of its start, and a
 * marker starts a new event only once that event has ended and the packet's
 * duration goes back below what was seen (a sender reusing the timestamp).
 * An event whose end packets were all lost still counts, unended: the next
 * event (a new timestamp) or the end of the stream closes it.
 *
 * RFC 2198 redundancy (red.ts, stream-red.ts), which RFC 4733 names for
 * sending several events' packets in one, carries copies of earlier event
 * packets in later ones, each block at the packet's timestamp minus its
 * offset (RFC 2198 §3): retransmissions by another way. A
 * redundant block joins the event of its timestamp and code (up to
 * REDUNDANT_LOOKBACK events back: it may follow the next digit's start),
 * so it is never a digit twice, and one whose own packets were all lost
 * still gives its digit (or its end). A packet counts once for an event
 * however many of its blocks hold it.
 *
 * Bounded: past MAX_DTMF_EVENTS a stream's further events are counted, not kept.
 */
import { eventName, type TelephoneEvent } from './telephone-event.js';

/** One event (one digit) of a stream. */
export interface DtmfEvent {
  /** `0`–`9`, `*`, `#`, `A`–`D`, `flash` (RFC 4733 §3.2), else the event code as a number string. */
  digit: string;
  /** The event code. */
  event: number;
  /** Capture time of its first packet (s). */
  ts: number;
  /** Frame of its first packet (1-based). */
  frame: number;
  /** Its RTP timestamp (the event's start, §2.3.1). */
  timestamp: number;
  /** The longest duration field of its packets (the final one) in ms; null when the clock rate is unknown. */
  durationMs: number | null;
  /** Its volume field (−dBm0, §2.3.4) in its first packet. */
  volume: number;
  /** A packet with the E bit was seen (§2.3.2); false when every end packet was lost. */
  ended: boolean;
  /** Packets of it received (retransmissions and RFC 2198 packets holding a copy of it included). */
  packets: number;
}

/** `1 2 3 #`: digits in order, one whose end was not seen marked `5?` (the CLI and the web say it so). */
export function keysText(events: ReadonlyArray<Pick<DtmfEvent, 'digit' | 'ended'>>): string {
  return events.map((e) => (e.ended ? e.digit : `${e.digit}?`)).join(' ');
}

/** Events kept per stream (a digit a packet for hours is not an IVR). */
export const MAX_DTMF_EVENTS = 1000;

/** Events back a redundant block (RFC 2198) is looked for in: it is a copy of one of the latest. */
const REDUNDANT_LOOKBACK = 4;

interface Open extends DtmfEvent {
  duration: number;
  /** The frame last counted in `packets`. */
  counted: number;
}

export class DtmfEvents {
  private readonly list: Open[] = [];
  /** Events past MAX_DTMF_EVENTS. */
  dropped = 0;
  /** Event packets shorter than the 4 bytes of an event (truncated): flagged, not decoded. */
  malformed = 0;

  /** `rate`: the telephone-event clock rate (Hz, from its a=rtpmap), null when unknown. */
  constructor(private readonly rate: number | null) {}

  /**
   * One event packet, in capture order (`e` null: it was too short to
   * decode); `redundant`: a redundant block of an RFC 2198 packet, at the
   * timestamp its offset gives (its marker is the packet's: pass false).
   */
  add(
    e: TelephoneEvent | null,
    timestamp: number,
    marker: boolean,
    frame: number,
    ts: number,
    redundant = false,
  ): void {
    if (e === null) {
      this.malformed++;
      return;
    }
    const cur = this.of(e.event, timestamp, marker, e.duration, redundant ? REDUNDANT_LOOKBACK : 2);
    if (cur !== undefined) {
      if (cur.counted !== frame) cur.packets++;
      cur.counted = frame;
      if (e.duration > cur.duration) cur.duration = e.duration;
      if (e.end) cur.ended = true;
      return;
    }
    if (this.list.length >= MAX_DTMF_EVENTS) {
      this.dropped++;
      return;
    }
    this.list.push({
      digit: eventName(e.event),
      event: e.event,
      ts,
      frame,
      timestamp,
      durationMs: null,
      volume: e.volume,
      ended: e.end,
      packets: 1,
      duration: e.duration,
      counted: frame,
    });
  }

  /**
   * The event this packet belongs to: the latest (or, for a copy of an end
   * packet that came late, the one before it; for a redundant block, one of
   * the latest `back`) with its timestamp and code.
   */
  private of(
    event: number,
    timestamp: number,
    marker: boolean,
    duration: number,
    back: number,
  ): Open | undefined {
    const n = this.list.length;
    for (let i = n - 1; i >= 0 && i >= n - back; i--) {
      const o = this.list[i];
      if (o.timestamp !== timestamp || o.event !== event) continue;
      // The same timestamp reused for a new press: a marked start after the event ended, shorter than it.
      if (marker && o.ended && duration < o.duration) return undefined;
      return o;
    }
    return undefined;
  }

  /** Events received so far. */
  get size(): number {
    return this.list.length;
  }

  /** The events, in order of their first packet, durations in ms. */
  events(): DtmfEvent[] {
    return this.list.map(({ duration, counted, ...e }) => ({
      ...e,
      durationMs: this.rate === null ? null : Math.round((duration / this.rate) * 10000) / 10,
    }));
  }
}
