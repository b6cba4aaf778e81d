/**
 * Header text as stored and shown (src/store/sdp-summary.ts utf8Text): SIP
 * is UTF-8 (RFC 3261 §7.3.1 TEXT-UTF8), the parser reads bytes as latin1, and
 * utf8Text turns them back into the text they spell. ASCII takes a shortcut
 * (no JSON round trip); it must give what the round trip gives.
 */
import { describe, expect, it } from 'vitest';
import { jsonString } from '../../src/report/message-json.js';
import { utf8Slice, utf8Text } from '../../src/store/sdp-summary.js';

const roundTrip = (s: string): string => JSON.parse(jsonString(s)) as string;
const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('utf8Text: latin1-read header text as the UTF-8 it is (RFC 3261 §7.3.1)', () => {
  it('gives ASCII back unchanged, control characters, quotes and backslashes included', () => {
    const all = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    for (const s of ['', 'PCMU/8000', 'z9hG4bK-14223-1-0', all, '"quoted" \\ back\\slash', 'a'.repeat(300)]) {
      expect(utf8Text(s)).toBe(s);
      expect(utf8Text(s)).toBe(roundTrip(s));
      expect(utf8Slice(s)).toBe(s);
    }
  });

  it('decodes UTF-8 bytes read as latin1, as the JSON round trip does (invalid bytes included)', () => {
    for (const s of [
      latin1('Café Zoë'),
      latin1('Алиса <sip:alice@example.com>'),
      latin1('日本'),
      '\xff\xfe bad',
      'mixed \xc3',
    ]) {
      expect(utf8Text(s)).toBe(roundTrip(s));
      expect(utf8Slice(s)).toBe(roundTrip(s));
    }
    expect(utf8Text(latin1('Café'))).toBe('Café');
  });
});
