/**
 * Header text is UTF-8 (RFC 3261 §7.3.1, §25.1 TEXT-UTF8). The parser holds
 * it as latin1 (one char per byte), and every text `sipscope analyze`
 * prints says it as sent: a User-Agent `Jürgen Дмитрий €` and a reason
 * phrase `Звонок` in the message list, the call's story and ladder, and
 * `--csv`; a finding that quotes a header value (`Max-Forwards: 7é`) in its
 * text and in `--json`. (Before, the terminal showed `JÃ¼rgen Ð\x94…`.)
 */
import { describe, expect, it } from 'vitest';
import { analyzeToText } from '../helpers/analyze-output.js';
import { editedBasicCall } from '../helpers/edited-call.js';

const analyze = analyzeToText();

const held = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** The basic call with UTF-8 in the caller's User-Agent, the 180's reason phrase and the INVITE's Max-Forwards. */
function utf8Capture(): string {
  return editedBasicCall({ n: 11 }, (text, i) => {
    const t = text
      .replace('User-Agent: AliceUA/1.0', `User-Agent: ${held('Jürgen Дмитрий €')}`)
      .replace('SIP/2.0 180 Ringing', `SIP/2.0 180 ${held('Звонок')}`);
    return i === 0 ? t.replace('Max-Forwards: 70', `Max-Forwards: ${held('7é')}`) : t;
  });
}

describe('UTF-8 header text as sent (RFC 3261 §25.1)', () => {
  it('sipscope analyze FILE: the message list shows the reason phrase as sent', async () => {
    expect(await analyze.run([utf8Capture()])).toBe(0);
    expect(analyze.out).toContain('SIP/2.0 180 Звонок');
    expect(analyze.out).not.toContain('Ð');
  });

  it('sipscope analyze FILE --call: the story names the User-Agent, the ladder the reason, the finding quotes the value', async () => {
    expect(await analyze.run([utf8Capture(), '--call', '0'])).toBe(0);
    expect(analyze.out).toContain('Jürgen Дмитрий € (10.0.0.1:5060) called');
    expect(analyze.out).toContain('180 Звонок');
    expect(analyze.out).toContain('Max-Forwards "7é" is not a number');
    expect(analyze.out).not.toMatch(/Ã|Ð/);
  });

  it('--csv: the endpoints column names the User-Agent as sent', async () => {
    expect(await analyze.run([utf8Capture(), '--csv'])).toBe(0);
    expect(analyze.out).toContain('10.0.0.1:5060 (Jürgen Дмитрий €)');
  });

  it('--json: the finding text quotes the value as sent, as the records already were', async () => {
    expect(await analyze.run([utf8Capture(), '--json'])).toBe(0);
    const doc = JSON.parse(analyze.out);
    expect(doc.findings.map((f: { text: string }) => f.text)).toContain(
      'Max-Forwards "7é" is not a number (RFC 3261 §20.22)',
    );
    expect(doc.messages[2].reason).toBe('Звонок');
    expect(doc.calls[0].endpoints[0].label).toBe('Jürgen Дмитрий €');
  });
});
