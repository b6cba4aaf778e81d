/**
 * `sipscope lint` and `sipscope rules`: output, filters and exit codes
 * (0 clean, 1 error-level finding, 2 usage or unreadable file).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RULES } from '../../src/analyze/registry.js';
import { runLint } from '../../src/cli/lint-command.js';
import { runRules } from '../../src/cli/rules-command.js';
import { spyOutput } from '../helpers/spy-output.js';
import { INVITE, OPTIONS } from './fixtures.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
});
spyOutput(
  (s) => {
    err += s;
  },
  (s) => {
    out += s;
  },
);

const dir = mkdtempSync(join(tmpdir(), 'sipscope-lint-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.from(text, 'latin1'));
  return p;
}
const BAD = INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 314159 OPTIONS').replace(
  'branch=z9hG4bK776asdhds',
  'branch=776asdhds',
);

describe('sipscope lint', () => {
  it('a message of 200,000 headers is reported header by header, not a stack overflow', async () => {
    const many = INVITE.replace('Max-Forwards: 70', `Max-Forwards: 70\r\n${'X-A: b\r\n'.repeat(200_000)}`);
    expect([0, 1]).toContain(await runLint([file('many.txt', many), '--datagram']));
    expect(out.split('\n').filter((l) => l === '    X-A: b')).toHaveLength(200_000);
    expect(err).toBe('');
  });

  it('a clean file: each message with its headers, exit 0', async () => {
    const code = await runLint([file('clean.txt', `${INVITE}\r\n${OPTIONS}`)]);
    expect(code).toBe(0);
    expect(out).toContain('2 messages');
    expect(out).toContain('#1  line 1  INVITE sip:bob@biloxi.example.com SIP/2.0');
    expect(out).toContain('    CSeq: 63104 OPTIONS');
    expect(out).toContain('[body: 156 bytes, application/sdp]');
    expect(out).toContain('0 errors, 0 warnings, 0 info');
    expect(err).toBe('');
  });

  it('an error-level finding: printed under its message with rule, RFC and input line; exit 1', async () => {
    const code = await runLint([file('bad.txt', `${OPTIONS}\r\n${BAD}`)]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /error {3}cseq\.method-mismatch {2}\[RFC 3261 §8\.1\.1\.5\] {2}line 18: CSeq method OPTIONS/,
    );
    expect(out).toContain('1 error, 1 warning, 0 info');
  });

  it('--severity and --rule filter what is printed and what decides the exit code', async () => {
    expect(await runLint(['--rule', 'via.', file('bad2.txt', BAD)])).toBe(0);
    expect(out).toContain('via.branch-no-cookie');
    expect(out).not.toContain('cseq.method-mismatch');
    out = '';
    expect(
      await runLint(['--severity', 'error', '--rule', 'via.', '--rule', 'cseq.', file('bad3.txt', BAD)]),
    ).toBe(1);
    expect(out).not.toContain('via.branch-no-cookie');
  });

  it('--json prints {messages, findings}', async () => {
    expect(await runLint(['--json', file('bad4.txt', BAD)])).toBe(1);
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual(['messages', 'findings']);
    expect(doc.messages[0]).toMatchObject({ index: 0, line: 1, kind: 'request', method: 'INVITE' });
    expect(doc.messages[0].headers[0]).toMatchObject({ name: 'Via', offset: 43 });
    expect(doc.findings.map((f: { rule: string }) => f.rule).sort()).toEqual([
      'cseq.method-mismatch',
      'via.branch-no-cookie',
    ]);
  });

  it('UTF-8 in the message is shown as text, control characters escaped', async () => {
    const text = OPTIONS.replace('From: Alice', 'From: "\xd0\xbd\xd0\xbe \\\x07"');
    expect(await runLint([file('utf8.txt', text)])).toBe(0);
    expect(out).toContain('From: "но \\\\x07"');
  });

  it('usage errors and unreadable files exit 2 with one line on stderr', async () => {
    expect(await runLint([])).toBe(2);
    expect(await runLint(['--severity', 'fatal', file('x.txt', OPTIONS)])).toBe(2);
    expect(await runLint(['--rule', 'nosuch.', file('y.txt', OPTIONS)])).toBe(2);
    expect(await runLint([join(dir, 'missing.txt')])).toBe(2);
    expect(await runLint(['--bogus', 'x'])).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(5);
    expect(err).toContain('ENOENT');
  });
});

describe('sipscope rules', () => {
  it('prints the catalogue: every rule id with severity, RFC and title', async () => {
    expect(await runRules([])).toBe(0);
    for (const r of RULES)
      expect(out).toMatch(new RegExp(`^${r.id.replace('.', '\\.')} +${r.severity} +`, 'm'));
    expect(out).toContain(`${RULES.length} rules`);
  });

  it('with an ID prints the RFC sentence and the explanation', async () => {
    expect(await runRules(['to.tag-missing'])).toBe(0);
    expect(out).toContain('to.tag-missing: Response other than 100 without a To tag');
    expect(out).toContain('RFC 3261 §8.2.6.2');
    expect(out).toContain('"However, if the To header field in the request did not contain a tag,');
    expect(out).toContain('100 Trying');
  });

  it('a prefix lists the matching rules; --json gives the catalogue data', async () => {
    expect(await runRules(['content-length.', '--json'])).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.map((r: { id: string }) => r.id)).toEqual([
      'content-length.invalid',
      'content-length.mismatch',
      'content-length.missing-on-stream',
    ]);
    expect(doc[0]).toMatchObject({ severity: 'error', scope: 'message', rfc: { ref: 'RFC 3261 §20.14' } });
  });

  it('an unknown ID exits 2', async () => {
    expect(await runRules(['nope'])).toBe(2);
    expect(out).toBe('');
    expect(err).toContain("no rule matches 'nope'");
  });

  it('an unknown ID is echoed with its control characters escaped', async () => {
    expect(await runRules(['\x1b[31mnope\x07'])).toBe(2);
    expect(err).toContain("no rule matches '\\x1b[31mnope\\x07'");
    expect(err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });
});
