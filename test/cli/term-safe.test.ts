/**
 * Text from the wire, made safe for a terminal (src/cli/term-safe.ts): a
 * Call-ID, User-Agent or display name carrying terminal control sequences
 * (ESC ] 0 ; title BEL retitles the window, ESC [ 2 J clears the screen, CR
 * overwrites a line, U+009B is a C1 CSI) is printed with them as `\xNN`, as
 * tshark shows them, by every text output of `sipscope analyze`; JSON
 * escapes them itself (RFC 8259 §7) and CSV, data for a program, keeps them.
 * Bidi formatting characters (U+202E RLO and its kin, Unicode UAX #9) would
 * reorder the rest of the line in a terminal that implements bidi, as in a
 * page: they are shown as `\uNNNN`, the escaping the web UI applies.
 */
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { termSafe, termText } from '../../src/cli/term-safe.js';
import { analyzeToText } from '../helpers/analyze-output.js';
import { editedBasicCall } from '../helpers/edited-call.js';

const ESC = '\x1b]0;PWNED\x07\x1b[2J\r\u009b';
const SHOWN = '\\x1b]0;PWNED\\x07\\x1b[2J\\x0d\\x9b';

const analyze = analyzeToText();

/** The basic call with the sequences in its Call-ID and the caller's User-Agent (`userAgent`: its bytes, as latin1). */
function hostileCapture(userAgent = `Alice${ESC}`): string {
  return editedBasicCall({ n: 9, callId: `esc${ESC}@10.0.0.1` }, (text) =>
    text.replace('User-Agent: AliceUA/1.0', `User-Agent: ${userAgent}`),
  );
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('JSON for a terminal (Output.jsonTerminal)', () => {
  const bytesOf = (o: Output, s: string) => {
    let got = '';
    const out = new Output((b) => {
      got += Buffer.from(b).toString('latin1');
    });
    out.jsonTerminal = o.jsonTerminal;
    out.write(s);
    out.flush();
    return got;
  };
  it('writes DEL and U+0080–U+009F as \\u00XX (the same JSON), leaves other characters, and nothing when off', () => {
    const on = Object.assign(new Output(() => {}), { jsonTerminal: true });
    const text = JSON.stringify({ ua: 'a\u009b2J\u007f é ª\u0085' });
    const got = bytesOf(on, text);
    expect(got).toBe(Buffer.from('{"ua":"a\\u009b2J\\u007f é ª\\u0085"}', 'utf8').toString('latin1'));
    expect(JSON.parse(Buffer.from(got, 'latin1').toString('utf8'))).toEqual(JSON.parse(text));
    expect(bytesOf(new Output(() => {}), text)).toBe(Buffer.from(text, 'utf8').toString('latin1'));
  });

  it('a C1 character split across two buffers (0xC2 at the end of one) is escaped all the same', () => {
    const chunks: string[] = [];
    const out = new Output((b) => {
      chunks.push(Buffer.from(b).toString('latin1'));
    });
    out.jsonTerminal = true;
    const drain = (b: number[]) =>
      (out as unknown as { drain(b: Uint8Array): void }).drain(Uint8Array.from(b));
    drain([0x22, 0x61, 0xc2]);
    drain([0x9b, 0x62, 0xc2]);
    drain([0xaa, 0x22]);
    expect(chunks.join('')).toBe('"a\\u009bb\xc2\xaa"');
  });
});

describe('terminal-safe text', () => {
  it('escapes C0 and C1 controls and DEL as \\xNN; a report keeps its own line feeds and tabs', () => {
    expect(termSafe(`a${ESC}\n\tb\x7f`)).toBe(`a${SHOWN}\\x0a\\x09b\\x7f`);
    expect(termText(`a${ESC}\n\tb\x7f`)).toBe(`a${SHOWN}\n\tb\\x7f`);
    expect(termText('plain text, ünïcode → ok')).toBe('plain text, ünïcode → ok');
    // CSV's CRLF line ends stay; a lone CR (which would overwrite the line) does not.
    expect(termText('a,b\r\nc\rd\r\n')).toBe('a,b\r\nc\\x0dd\r\n');
  });

  it('shows the bidi formatting characters (LRE..RLO, LRI..PDI, LRM, RLM, ALM) as \\uNNNN, keeps right-to-left letters', () => {
    const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
    expect(termSafe(`x${bidi}y`)).toBe(
      'x\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061cy',
    );
    expect(termText(`evil\u202egpj.pcap\n`)).toBe('evil\\u202egpj.pcap\n');
    expect(termSafe('שלום Ahmad أحمد')).toBe('שלום Ahmad أحمد');
  });

  it('sipscope analyze FILE --call: a User-Agent with U+202E (RLO) cannot reverse the line it is printed on', async () => {
    expect(
      await analyze.run([
        hostileCapture(Buffer.from('Alice\u202eevil', 'utf8').toString('latin1')),
        '--call',
        '0',
      ]),
    ).toBe(0);
    expect(analyze.out).not.toContain('\u202e');
    expect(analyze.out).toContain('Alice\\u202eevil (10.0.0.1:5060) called');
  });

  it('sipscope analyze FILE: the message lines, the call list and the findings show the sequences, run none', async () => {
    const file = hostileCapture();
    expect(await analyze.run([file])).toBe(0);
    expect(analyze.out).not.toMatch(CONTROL);
    expect(analyze.out).toContain(`esc${SHOWN}@10.0.0.1`);
  });

  it('sipscope analyze FILE --call: the header, the story and the ladder too', async () => {
    expect(await analyze.run([hostileCapture(), '--call', '0'])).toBe(0);
    expect(analyze.out).not.toMatch(CONTROL);
    expect(analyze.out).toContain(`Call-ID esc${SHOWN}@10.0.0.1`);
    expect(analyze.out).toContain(`Alice${SHOWN} (10.0.0.1:5060) called`);
  });

  it('--json escapes them as JSON does (\\u001b), --csv keeps them byte for byte', async () => {
    const file = hostileCapture();
    expect(await analyze.run([file, '--json'])).toBe(0);
    expect(analyze.out).not.toMatch(CONTROL);
    // (The lone byte 0x9B is not UTF-8: JSON has U+FFFD there.)
    expect(JSON.parse(analyze.out).messages[0].callId).toBe('esc\x1b]0;PWNED\x07\x1b[2J\r\ufffd@10.0.0.1');
    analyze.clear();
    expect(await analyze.run([file, '--csv'])).toBe(0);
    expect(analyze.out).toContain('esc\x1b]0;PWNED\x07\x1b[2J');
  });

  it('a Request-URI and a Reason-Phrase with control sequences: the messages are kept, flagged malformed (RFC 3261 §25.1), shown escaped', async () => {
    // ESC without its CR: a bare CR ends the start line (as Wireshark reads it).
    const seq = '\x1b]0;PWNED\x07\x1b[2J\u009b';
    const shown = '\\x1b]0;PWNED\\x07\\x1b[2J\\x9b';
    const file = editedBasicCall({ n: 9 }, (text, i) =>
      i === 0
        ? text.replace(/^INVITE sip:/, `INVITE sip:${seq}`)
        : text.replace('SIP/2.0 180 Ringing', `SIP/2.0 180 Ring${seq}ing`),
    );
    expect(await analyze.run([file, '--json'])).toBe(0);
    const doc = JSON.parse(analyze.out);
    const clean = editedBasicCall({ n: 9 }, (text) => text);
    analyze.clear();
    expect(await analyze.run([clean, '--json'])).toBe(0);
    expect(doc.messages).toHaveLength(JSON.parse(analyze.out).messages.length);
    expect(doc.messages[0]).toMatchObject({ method: 'INVITE', malformed: true });
    const ringing = doc.messages.find((m: { status?: number }) => m.status === 180);
    expect(ringing).toMatchObject({ malformed: true });
    const rules = (id: number) =>
      doc.findings
        .filter((f: { messages: number[] }) => f.messages.includes(id))
        .map((f: { rule: string }) => f.rule);
    expect(rules(0)).toContain('uri.malformed');
    expect(rules(ringing.id)).toContain('start-line.malformed');
    analyze.clear();
    expect(await analyze.run([file])).toBe(0);
    expect(analyze.out).not.toMatch(CONTROL);
    expect(analyze.out).toContain(`INVITE sip:${shown}`);
    expect(analyze.out).toContain(`180 Ring${shown}ing`);
  });
});
