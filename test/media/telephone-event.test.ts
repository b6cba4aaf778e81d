/**
 * The RFC 4733 telephone-event payload (§2.3, Figure 1) field by field, and
 * the DTMF names of the event codes (§3.2, Table 3).
 */
import { describe, expect, it } from 'vitest';
import { eventName, parseTelephoneEvent } from '../../src/media/telephone-event.js';
import { hex } from '../helpers/packet-builders.js';

/** A copy of the reused result of the 4 bytes of `b` at `offset`. */
const parse = (b: Uint8Array, offset = 0, length = b.length - offset) => {
  const e = parseTelephoneEvent(b, offset, length);
  return e && { ...e };
};

describe('parseTelephoneEvent (RFC 4733 §2.3)', () => {
  it('reads event, E, volume and duration of an end packet', () => {
    // From goffinet_voip-extension-refer-transfer.pcap frame 222 (tshark: event 2, end, volume 10, duration 1512).
    const b = hex(`
      02      # event 2 (DTMF 2)
      8a      # E=1 R=0 volume=0b001010 (10: -10 dBm0)
      05e8    # duration 1512 timestamp units
    `);
    expect(parse(b)).toEqual({ event: 2, end: true, volume: 10, duration: 1512 });
  });

  it('reads a packet of an event in progress, R ignored (§2.3.3)', () => {
    const b = hex(`
      0b      # event 11 (#)
      7f      # E=0 R=1 volume=63
      00a0    # duration 160
    `);
    expect(parse(b)).toEqual({ event: 11, end: false, volume: 63, duration: 160 });
  });

  it('reads the event at the offset of the RTP payload and not the bytes after its 4', () => {
    const b = hex(`
      80 65 0001 00000640 00000011   # RTP header (PT 101), 12 bytes
      05 0a 0140                     # event 5, E=0, volume 10, duration 320
      ffffffff                       # bytes past the event (RFC 2198 would use another payload type)
    `);
    expect(parse(b, 12)).toEqual({ event: 5, end: false, volume: 10, duration: 320 });
  });

  it('refuses a truncated payload (fewer than 4 bytes) without reading past the packet', () => {
    const b = hex(`
      80 65 0001 00000640 00000011   # RTP header
      05 8a 01                       # 3 bytes of an event
    `);
    expect(parseTelephoneEvent(b, 12, 3)).toBeNull();
    // A length claiming more than the bytes there is clamped to the bytes.
    expect(parseTelephoneEvent(b, 12, 4)).toBeNull();
    expect(parseTelephoneEvent(b, -1, 4)).toBeNull();
  });
});

describe('eventName (RFC 4733 §3.2 Table 3)', () => {
  it('names 0 to 9 by their digit, 10 and 11 as star and pound, 12 to 15 as A to D, 16 as flash', () => {
    expect(Array.from({ length: 17 }, (_, i) => eventName(i))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '*',
      '#',
      'A',
      'B',
      'C',
      'D',
      'flash',
    ]);
  });

  it('names the other events by number', () => {
    expect(eventName(17)).toBe('17');
    expect(eventName(194)).toBe('194');
  });
});
