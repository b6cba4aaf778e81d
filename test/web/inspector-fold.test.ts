/**
 * Very long header values folded in the inspector (web/src/inspector/fold.ts):
 * RFC 3261 §7.3 puts no limit on a header's length, so a 20 kB Subject is
 * valid SIP and must not fill five screens; its size is said in bytes, as on
 * the wire (UTF-8).
 */
import { describe, expect, it } from 'vitest';
import { FOLD_HEAD, FOLD_OVER, foldLong } from '../../web/src/inspector/fold.js';

describe('folding long header values', () => {
  it('leaves an ordinary value whole', () => {
    expect(foldLong('Alice <sip:alice@example.com>;tag=1')).toBeNull();
    expect(foldLong('x'.repeat(FOLD_OVER))).toBeNull();
  });

  it('folds a 20,000-byte Subject to its start and says its size in bytes', () => {
    const f = foldLong(`Subject: ${'S'.repeat(20_000)}`);
    expect(f).not.toBeNull();
    expect(f?.head).toBe(`Subject: ${'S'.repeat(FOLD_HEAD - 9)}`);
    expect(f?.bytes).toBe(20_009);
  });

  it('counts UTF-8 bytes and never cuts a surrogate pair in half', () => {
    const text = `${'a'.repeat(FOLD_HEAD - 1)}${'😀'.repeat(600)}`;
    const f = foldLong(text);
    expect(f?.head).toBe('a'.repeat(FOLD_HEAD - 1));
    expect(f?.bytes).toBe(FOLD_HEAD - 1 + 600 * 4);
  });
});
