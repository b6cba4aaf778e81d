/**
 * `--time-shift` and the measured clock offsets on the command line: the
 * summary says each file's clock against file 0's and the shift applied, a
 * warning on stderr says the shift that would put answers after their
 * requests, a bad value is one line on stderr and exit 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTwoHosts } from '../capture/two-hosts.js';
import { basicCall } from '../fixtures/flows/index.js';
import { analyzeToTexts } from '../helpers/analyze-output.js';

const cli = analyzeToTexts();
const runAnalyze = cli.run;

const dir = mkdtempSync(join(tmpdir(), 'sipscope-time-shift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [a, b] = writeTwoHosts(dir, 'cli', basicCall(), { theta: 2.315, delay: 0.0004 });

describe('sipscope analyze A B with clocks 2.315 s apart', () => {
  it('says file 1 clock against file 0 in the summary and warns with the shift to give', async () => {
    expect(await runAnalyze([a, b])).toBe(0);
    expect(cli.out).toContain(
      '  file 1: clock 2.315 s ahead of file 0 (7 messages seen in both, one-way delay 0.4 ms)',
    );
    expect(cli.err).toBe(
      `sipscope: warning: ${b}: clock 2.315 s ahead of ${a} (7 messages seen in both, one-way delay 0.4 ms): answers may show before their requests; shift it back with --time-shift 1=-2.315 or analyze --align\n`,
    );
  });

  it('--time-shift 1=-2.315: the shift is said, the clocks level, no warning', async () => {
    expect(await runAnalyze([a, b, '--time-shift', '1=-2.315'])).toBe(0);
    expect(cli.out).toMatch(
      / {2}file 1: .*, times shifted by -2\.315 s\n {2}file 1: clock level with file 0 \(7 messages seen in both, one-way delay 0\.4 ms\)/,
    );
    expect(cli.err).toBe('');
  });

  it('--json gives each file its clock (null for file 0) and its shift', async () => {
    expect(await runAnalyze([a, b, '--json', '--time-shift', `${b}=-2`])).toBe(0);
    const files = JSON.parse(cli.out).source.files;
    expect(files[0].clock).toBeNull();
    expect(files[1].timeShiftSeconds).toBe(-2);
    expect(files[1].clock.directions).toBe(2);
    expect(files[1].clock.samples).toBe(7);
    expect(Math.abs(files[1].clock.offsetSeconds - 0.315)).toBeLessThan(1e-6);
  });

  it('a bad --time-shift is one line on stderr, exit 2, nothing on stdout', async () => {
    for (const bad of ['2=1', '1=soon', 'nope']) {
      cli.clear();
      expect(await runAnalyze([a, b, '--time-shift', bad])).toBe(2);
      expect(cli.out).toBe('');
      expect(cli.err).toMatch(/^sipscope analyze: --time-shift[^\n]*\n$/);
    }
  });

  it('--align measures the offset in a first pass and analyses with it undone: the summary says so, no warning', async () => {
    expect(await runAnalyze([a, b, '--align'])).toBe(0);
    expect(cli.out).toContain(
      'clocks aligned on file 0 (--align): file 1 moved by -2.315 s (its clock 2.315 s ahead of file 0 (7 messages seen in both, one-way delay 0.4 ms))',
    );
    expect(cli.out).toMatch(/times shifted by -2\.315 s\n {2}file 1: clock level with file 0/);
    expect(cli.err).toBe('');
  });

  it('--align orders the messages as --time-shift with the measured offset does (RFC 3261 §17.2.1: the 100 answers the INVITE)', async () => {
    expect(await runAnalyze([a, b, '--align', '--json'])).toBe(0);
    const aligned = JSON.parse(cli.out);
    cli.clear();
    expect(await runAnalyze([a, b, '--json', '--time-shift', '1=-2.315'])).toBe(0);
    const shifted = JSON.parse(cli.out);
    expect(aligned.messages).toEqual(shifted.messages);
    const what = aligned.messages.map(
      (m: { method?: string; status?: number }) => m.method ?? String(m.status),
    );
    expect(what.lastIndexOf('INVITE')).toBeLessThan(what.indexOf('100'));
  });

  it('--align wants several files and no --time-shift', async () => {
    expect(await runAnalyze([a, '--align'])).toBe(2);
    expect(cli.err).toBe('sipscope analyze: --align aligns the clocks of several files: give two or more\n');
    cli.clear();
    expect(await runAnalyze([a, b, '--align', '--time-shift', '1=1'])).toBe(2);
    expect(cli.err).toBe(
      'sipscope analyze: --align measures the shifts itself: it goes without --time-shift\n',
    );
  });
});
