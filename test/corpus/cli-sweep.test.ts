/**
 * The robustness sweep, kept (README "Development"): bad input never crashes
 * the CLI and never reaches the terminal raw. Every corpus capture under
 * 1 MB goes through `sipscope analyze` (the text report, and the ladder of
 * its first call) and every RFC 4475 / RFC 5118 torture message through
 * `sipscope lint` and `sipscope analyze` (a message file is not a capture).
 * Each must end with its documented exit code (analyze 0 or 2, lint 0 or 1),
 * an error as one line on stderr naming the file (and the byte offset when
 * the file is not a capture), and no control character on the text output
 * but line feeds and tabs (the term-safe output, src/cli/term-safe.ts).
 * Skipped when ../shared/corpus is absent.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLint } from '../../src/cli/lint-command.js';
import { analyzeToTexts } from '../helpers/analyze-output.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

const cli = analyzeToTexts();

/** C0 controls but LF and TAB, DEL and the C1 controls: none may reach a terminal. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const list = (dir: string, max: number): string[] =>
  corpusPresent
    ? readdirSync(join(CORPUS_DIR, dir))
        .map((f) => join(CORPUS_DIR, dir, f))
        .filter((f) => statSync(f).size < max)
    : [];
const CAPTURES = list('pcap', 1 << 20);
const TORTURE = list('torture', 1 << 20);
const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);

/** stderr's lines other than warnings: none, or one naming `file`. */
function errorLines(file: string): string[] {
  const lines = cli.err.split('\n').filter((l) => l !== '' && !l.startsWith('sipscope: warning: '));
  expect(lines.length).toBeLessThanOrEqual(1);
  for (const l of lines) expect(l).toContain(file);
  return lines;
}

describe.skipIf(!corpusPresent)(
  'the CLI on every corpus file: documented exits, one-line errors, term-safe text',
  () => {
    it.each(CAPTURES.map((f) => [name(f), f]))('analyze %s (text, and --call 0)', async (_n, file) => {
      const code = await cli.run([file]);
      expect([0, 2]).toContain(code);
      const lines = errorLines(file);
      if (code === 2) expect(lines[0]).toMatch(/ at byte offset \d+$/);
      expect(cli.out).not.toMatch(CONTROL);
      if (code !== 0) return;
      cli.clear();
      const ladder = await cli.run([file, '--call', '0']);
      expect([0, 2]).toContain(ladder);
      errorLines(file);
      expect(cli.out).not.toMatch(CONTROL);
    });

    it.each(TORTURE.map((f) => [name(f), f]))(
      'lint %s, and analyze refusing it as not a capture',
      async (_n, file) => {
        expect([0, 1]).toContain(await runLint([file]));
        expect(cli.out).toMatch(/^#1 {2}line 1 {2}/m);
        expect(cli.out).not.toMatch(CONTROL);
        expect(cli.err).toBe('');
        cli.clear();
        expect(await cli.run([file])).toBe(2);
        expect(cli.out).toBe('');
        expect(errorLines(file)[0]).toMatch(/not a pcap or pcapng capture .*at byte offset 0$/);
      },
    );
  },
);
