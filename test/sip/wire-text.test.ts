/**
 * Wire text as sent (src/sip/wire-text.ts). RFC 3261 §7.3.1 and §25.1: SIP
 * header text is UTF-8 (TEXT-UTF8); the parser holds it as latin1, one char
 * per byte, so every place that shows it decodes the UTF-8 sequences and
 * keeps the rest: our own words (`§`, `·`, `→`) and bytes that are no UTF-8.
 */
import { describe, expect, it } from 'vitest';
import { wireText } from '../../src/sip/wire-text.js';

const held = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('wireText: UTF-8 held as latin1, read as sent (RFC 3261 §25.1 TEXT-UTF8)', () => {
  it('decodes 2-, 3- and 4-byte sequences', () => {
    expect(wireText(held('Jürgen Дмитрий € 𝄞'))).toBe('Jürgen Дмитрий € 𝄞');
  });

  it('keeps our own words around the quoted pieces: § (a lone continuation byte), ·, → and —', () => {
    expect(
      wireText(`Max-Forwards "${held('7é')}" is not a number (RFC 3261 §20.22), 64·T1 → 32 s — ok`),
    ).toBe('Max-Forwards "7é" is not a number (RFC 3261 §20.22), 64·T1 → 32 s — ok');
  });

  it('keeps a byte that is not UTF-8 as the latin1 char it is (a legacy UA sending latin1 é), and C1 bytes as they are', () => {
    expect(wireText('Jos\u00e9 \u009b')).toBe('Jos\u00e9 \u009b');
    // A lead byte with too few continuations, an overlong form (C0 80), a surrogate (ED A0 80).
    expect(wireText('\u00e2\u0082 \u00c0\u0080 \u00ed\u00a0\u0080')).toBe(
      '\u00e2\u0082 \u00c0\u0080 \u00ed\u00a0\u0080',
    );
  });

  it('changes nothing on ASCII and on text decoded already', () => {
    expect(wireText('INVITE sip:bob@example.com SIP/2.0')).toBe('INVITE sip:bob@example.com SIP/2.0');
    const once = wireText(held('Jürgen'));
    expect(wireText(once)).toBe(once);
  });
});
