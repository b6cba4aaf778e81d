/** The heading line of a call's messages as text: capture time to the microsecond, in UTC. */
import { describe, expect, it } from 'vitest';
import { messageText, utcMicros } from '../../server/message-text.js';
import type { MessageRow } from '../../src/store/rows.js';

describe('messages as text', () => {
  it('prints capture time to the microsecond, carrying a rounded-up second', () => {
    expect(utcMicros(1_700_000_000.000123)).toBe('2023-11-14 22:13:20.000123');
    expect(utcMicros(1_700_000_000 + 0.9999996)).toBe('2023-11-14 22:13:21.000000');
    expect(utcMicros(0)).toBe('1970-01-01 00:00:00.000000');
  });

  it('heads the message text and ends it with a line break; invalid UTF-8 becomes U+FFFD', () => {
    const row = {
      id: 7,
      ts: 1_700_000_000.5,
      src: '10.0.0.1:5060',
      dst: '[2001:db8::1]:5060',
      transport: 'udp',
      frame: 9,
      retransmission: true,
    } as MessageRow;
    const raw = new Uint8Array([
      ...Buffer.from('OPTIONS sip:x SIP/2.0\r\nSubject: '),
      0xff,
      ...Buffer.from('\r\n\r\n'),
    ]);
    expect(messageText(row, raw)).toBe(
      '#7  2023-11-14 22:13:20.500000 UTC  10.0.0.1:5060 -> [2001:db8::1]:5060  UDP  frame 9  (retransmission)\n' +
        'OPTIONS sip:x SIP/2.0\r\nSubject: \uFFFD\r\n\r\n',
    );
    expect(messageText({ ...row, retransmission: false }, Buffer.from('x'))).toMatch(/frame 9\nx\n$/);
  });
});
