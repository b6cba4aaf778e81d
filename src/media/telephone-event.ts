/**
 * One RFC 4733 telephone-event payload (§2.3, Figure 1):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * and the names of the DTMF events (§3.2, Table 3).
 */

export interface TelephoneEvent {
  /** The event code, 0–255. */
  event: number;
  /** E: "the current packet covers the end of the event" (§2.3.2). */
  end: boolean;
  /** The volume field, 0–63: the power level as −dBm0 (§2.3.4; 0 for events without one). */
  volume: number;
  /** In timestamp units, from the event's start (the packet's RTP timestamp) to this packet's end (§2.3.5). */
  duration: number;
}

/** RFC 4733 §2.3: the payload is 4 bytes. */
export const TELEPHONE_EVENT_BYTES = 4;

/** The one object parseTelephoneEvent fills: no allocation per packet. */
const out: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };

/**
 * The event of the `length` payload bytes at `offset` of `bytes`, or null
 * when fewer than 4 are there (a truncated packet). Bytes past the first
 * event are not read: RFC 4733 carries more events in a packet only through
 * RFC 2198 redundancy, a payload type of its own. The R bit is ignored, as
 * §2.3.3 tells receivers to.
 *
 * The result is ONE REUSED OBJECT, valid until the next call.
 */
export function parseTelephoneEvent(
  bytes: Uint8Array,
  offset: number,
  length: number,
): TelephoneEvent | null {
  if (offset < 0 || length < TELEPHONE_EVENT_BYTES || offset + TELEPHONE_EVENT_BYTES > bytes.length)
    return null;
  const b1 = bytes[offset + 1];
  out.event = bytes[offset];
  out.end = (b1 & 0x80) !== 0;
  out.volume = b1 & 0x3f;
  out.duration = (bytes[offset + 2] << 8) | bytes[offset + 3];
  return out;
}

/** RFC 4733 §3.2 Table 3: 10 and 11 are `*` and `#`, 12–15 are A–D, 16 is flash. */
const DTMF_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D', 'flash'];

/** The DTMF name of an event code, or the code as a number string for the other events (tones of RFC 4734). */
export function eventName(event: number): string {
  return event >= 0 && event < DTMF_NAMES.length ? DTMF_NAMES[event] : String(event);
}
