/**
 * Wire text as the page shows it (web/src/visible.ts): control characters
 * visible as `\xNN` (as the CLI and tshark show them), bidi controls
 * (Unicode UAX #9 explicit formatting characters) shown as `\uNNNN` so they
 * cannot reorder anything, line breaks kept only where text is laid out in
 * lines; and the ladder and its text export showing the same.
 */
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../web/src/api/types.js';
import { layoutLadder, messageLabel } from '../../web/src/ladder/layout.js';
import { ladderText } from '../../web/src/ladder/text-export.js';
import { hasRtl, visibleLines, visibleText } from '../../web/src/visible.js';
import { A, B, call, msg } from './ladder-fixtures.js';

const HOSTILE = 'UA\x1b[31mRED\x07\x08\x00\u202eevil\u202c';

describe('visible wire text', () => {
  it('shows C0 and C1 controls and DEL as \\xNN, as the CLI does', () => {
    expect(visibleText(HOSTILE)).toBe('UA\\x1b[31mRED\\x07\\x08\\x00\\u202eevil\\u202c');
    expect(visibleText('a\x7fb\x85c\x9bd')).toBe('a\\x7fb\\x85c\\x9bd');
    expect(visibleText('line\r\nnext\tcol')).toBe('line\\x0d\\x0anext\\x09col');
  });

  it('shows every bidi formatting character (UAX #9) instead of letting it act', () => {
    const bidi = [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
    ];
    for (const c of bidi) {
      const out = visibleText(`x${String.fromCharCode(c)}y`);
      expect(out).toBe(`x\\u${c.toString(16).padStart(4, '0')}y`);
    }
    // An upload named with an RLO reads as sent, not reversed to pacp.jpg.
    expect(visibleText(decodeURIComponent('%E2%80%AEgpj.pcap'))).toBe('\\u202egpj.pcap');
  });

  it('keeps printable text, right-to-left letters and line layout as they are', () => {
    expect(visibleText('Bob <sip:bob@example.com> é ü 中文 שלום')).toBe(
      'Bob <sip:bob@example.com> é ü 中文 שלום',
    );
    expect(visibleLines('INVITE sip:b SIP/2.0\r\nVia: x\r\n\tfolded\n')).toBe(
      'INVITE sip:b SIP/2.0\r\nVia: x\r\n\tfolded\n',
    );
    // A bare CR would overwrite nothing in a page but hides where a line really ends.
    expect(visibleLines('a\rb\r\n')).toBe('a\\x0db\r\n');
    expect(visibleLines(HOSTILE)).toBe(visibleText(HOSTILE));
  });

  it('is idempotent, so text shown twice reads the same', () => {
    expect(visibleText(visibleText(HOSTILE))).toBe(visibleText(HOSTILE));
  });

  it('tells right-to-left text (to isolate) from the rest', () => {
    expect(hasRtl('שלום')).toBe(true);
    expect(hasRtl('مرحبا')).toBe(true);
    expect(hasRtl('hello 中文 é')).toBe(false);
  });
});

describe('the ladder shows wire text visibly', () => {
  const messages: MessageRow[] = [msg(0, 0, A, B, 'INVITE'), msg(1, 0.1, B, A, 180)];
  messages[1].reason = `Ringing\u202egnilaer\u202c\x07`;
  const hostileCall = { ...call, endpoints: [{ addr: B, label: HOSTILE }] } as unknown as typeof call;

  it('labels a reason phrase and a column User-Agent with their controls shown', () => {
    const l = layoutLadder(hostileCall, messages, []);
    expect(messageLabel(messages[1])).toBe('180 Ringing\\u202egnilaer\\u202c\\x07');
    expect(l.arrows[1].label).toBe('180 Ringing\\u202egnilaer\\u202c\\x07');
    expect(l.columns[1].subtitle).toBe(visibleText(HOSTILE));
  });

  it('writes the same in the text export as on screen', () => {
    const l = layoutLadder(hostileCall, messages, []);
    const c = {
      id: 0,
      kind: 'call',
      state: 'ringing',
      finalStatus: null,
      callIds: [`x\u202e1`],
      from: `"\x1b]0;t\x07" <sip:a@b>`,
      to: 'sip:b@c',
      links: [],
    } as never;
    const text = ladderText(c, messages, [], l);
    expect(text).toContain('180 Ringing\\u202egnilaer\\u202c');
    expect(text).toContain('Call-ID x\\u202e1');
    expect(text).toContain('"\\x1b]0;t\\x07" <sip:a@b>');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
  });
});
