/**
 * Digits sent in SIP INFO: application/dtmf-relay (`Signal=5` and
 * `Duration=160`) and application/dtmf (the digit alone); every other INFO
 * and message is none.
 */
import { describe, expect, it } from 'vitest';
import { infoDtmf } from '../../src/sip/info-dtmf.js';
import { parsed, sipText } from '../fixtures/flows/builder.js';

const HEADERS: Array<readonly [string, string]> = [
  ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinfo1'],
  ['From', '<sip:alice@example.com>;tag=a1'],
  ['To', '<sip:ivr@example.com>;tag=i1'],
  ['Call-ID', 'dtmf@10.0.0.1'],
  ['CSeq', '2 INFO'],
];

const info = (type: string, body: string, method = 'INFO') =>
  parsed(sipText(`${method} sip:ivr@10.0.0.2 SIP/2.0`, [...HEADERS, ['Content-Type', type]], body));

describe('infoDtmf', () => {
  it('reads Signal and Duration (ms) of application/dtmf-relay', () => {
    expect(infoDtmf(info('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'))).toEqual({
      digit: '5',
      durationMs: 160,
    });
  });

  it('reads a body with spaces, colons, LF line ends, a lower-case key and a Content-Type parameter', () => {
    expect(infoDtmf(info('Application/DTMF-Relay; charset=utf-8', 'signal : #\nDuration= 250\n'))).toEqual({
      digit: '#',
      durationMs: 250,
    });
  });

  it('reads the digit alone of application/dtmf, with no duration', () => {
    expect(infoDtmf(info('application/dtmf', '*\r\n'))).toEqual({ digit: '*', durationMs: null });
  });

  it('names a Signal given as an RFC 4733 event code (11: #, 16: flash) and upper-cases a to d', () => {
    expect(infoDtmf(info('application/dtmf-relay', 'Signal=11'))?.digit).toBe('#');
    expect(infoDtmf(info('application/dtmf-relay', 'Signal=16'))?.digit).toBe('flash');
    expect(infoDtmf(info('application/dtmf', 'c'))?.digit).toBe('C');
  });

  it('keeps a Signal it does not know as sent, cut to 16 characters', () => {
    expect(infoDtmf(info('application/dtmf-relay', `Signal=${'x'.repeat(40)}`))?.digit).toBe('x'.repeat(16));
  });

  it('gives no duration for a Duration that is not a number', () => {
    expect(infoDtmf(info('application/dtmf-relay', 'Signal=1\r\nDuration=-5'))).toEqual({
      digit: '1',
      durationMs: null,
    });
  });

  it('is none for a body without a Signal, another Content-Type, an empty body or another method', () => {
    expect(infoDtmf(info('application/dtmf-relay', 'Duration=160'))).toBeNull();
    expect(infoDtmf(info('application/media_control+xml', '<media_control/>'))).toBeNull();
    expect(infoDtmf(info('application/dtmf', ''))).toBeNull();
    expect(infoDtmf(info('application/dtmf-relay', 'Signal=5', 'MESSAGE'))).toBeNull();
  });
});
