/**
 * Header text is UTF-8 (RFC 3261 §7.3.1, §25.1 TEXT-UTF8). The parser holds
 * it as latin1 (one char per byte), and every text `sipscope analyze`
 * prints says it as sent: a User-Agent `Jürgen Дмитрий €` and a reason
 * phrase `Звонок` in the message list, the call's story and ladder, and
 * `--csv`; a finding that quotes a header value (`Max-Forwards: 7é`) in its
 * text and in `--json`. (Before, the terminal showed `JÃ¼rgen Ð\x94…`.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall, parsed } from '../fixtures/flows/index.js';
import { analyzeCollected } from '../helpers/analyze-output.js';

let out = '';
const runAnalyze = analyzeCollected(
  (s) => {
    out += s;
  },
  () => {},
);
beforeEach(() => {
  out = '';
});

const held = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** The basic call with UTF-8 in the caller's User-Agent, the 180's reason phrase and the INVITE's Max-Forwards. */
function utf8Capture(): string {
  const flow = basicCall({ n: 11 }).map((m, i) => {
    let text = Buffer.from(m.raw)
      .toString('latin1')
      .replace('User-Agent: AliceUA/1.0', `User-Agent: ${held('Jürgen Дмитрий €')}`)
      .replace('SIP/2.0 180 Ringing', `SIP/2.0 180 ${held('Звонок')}`);
    if (i === 0) text = text.replace('Max-Forwards: 70', `Max-Forwards: ${held('7é')}`);
    const c = parsed(text);
    c.source = m.source;
    return c;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'sipscope-utf8-')), 'utf8.pcap');
  writeFileSync(file, writePcap(flowToFrames(flow), { linkType: LinkType.ETHERNET }));
  return file;
}

describe('UTF-8 header text as sent (RFC 3261 §25.1)', () => {
  it('sipscope analyze FILE: the message list shows the reason phrase as sent', async () => {
    expect(await runAnalyze([utf8Capture()])).toBe(0);
    expect(out).toContain('SIP/2.0 180 Звонок');
    expect(out).not.toContain('Ð');
  });

  it('sipscope analyze FILE --call: the story names the User-Agent, the ladder the reason, the finding quotes the value', async () => {
    expect(await runAnalyze([utf8Capture(), '--call', '0'])).toBe(0);
    expect(out).toContain('Jürgen Дмитрий € (10.0.0.1:5060) called');
    expect(out).toContain('180 Звонок');
    expect(out).toContain('Max-Forwards "7é" is not a number');
    expect(out).not.toMatch(/Ã|Ð/);
  });

  it('--csv: the endpoints column names the User-Agent as sent', async () => {
    expect(await runAnalyze([utf8Capture(), '--csv'])).toBe(0);
    expect(out).toContain('10.0.0.1:5060 (Jürgen Дмитрий €)');
  });

  it('--json: the finding text quotes the value as sent, as the records already were', async () => {
    expect(await runAnalyze([utf8Capture(), '--json'])).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.findings.map((f: { text: string }) => f.text)).toContain(
      'Max-Forwards "7é" is not a number (RFC 3261 §20.22)',
    );
    expect(doc.messages[2].reason).toBe('Звонок');
    expect(doc.calls[0].endpoints[0].label).toBe('Jürgen Дмитрий €');
  });
});
