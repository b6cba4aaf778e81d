/**
 * The installed command (package.json `bin`: the CLI bundled by esbuild,
 * `npm run build:cli`) analyses exactly as the sources do, and still reaches
 * the commands it loads on demand from beside it. Skipped when the build is
 * absent (`npm ci` builds it, through `prepare`).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../src/cli/json-output.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = root + JSON.parse(readFileSync(`${root}package.json`, 'utf8')).bin.sipscope;
const built = existsSync(bin);

describe.skipIf(!built)(`the installed command (${built ? 'built' : 'not built: run npm run build'})`, () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });

  it('analyze --json gives the document the sources give, byte for byte', async () => {
    const file = `${root}samples/proxied-call-two-interfaces.pcapng`;
    let want = '';
    writeJsonReport(await analyzeCapture(file), (s) => {
      want += s;
    });
    const r = run('analyze', file, '--json');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(want);
  });

  it('analyze - reads standard input (tcpdump -w - | sipscope analyze -), gzip-compressed or not', async () => {
    const file = `${root}samples/basic-call.pcap`;
    const result = await analyzeCapture(file);
    let want = '';
    writeJsonReport({ ...result, source: { ...result.source, file: '-' } }, (s) => {
      want += s;
    });
    for (const input of [readFileSync(file), gzipSync(readFileSync(file))]) {
      const r = spawnSync(process.execPath, [bin, 'analyze', '-', '--json'], {
        cwd: root,
        input,
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(want);
    }
  });

  it('loads the commands it does not bundle (rules, lint) and reports a bad capture as the CLI does', () => {
    const rules = run('rules', 'cseq.response-mismatch');
    expect(rules.status).toBe(0);
    expect(rules.stdout).toMatch(/RFC 3261 §8\.2\.6\.2/);
    const bad = run('analyze', `${root}README.md`);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/README\.md: not a pcap or pcapng capture .* at byte offset 0/);
  });

  it('runs as an executable through its #! line, whose Node options reach Node', () => {
    const first = readFileSync(bin, 'utf8').split('\n')[0];
    expect(first).toBe(readFileSync(`${root}src/cli/main.ts`, 'utf8').split('\n')[0]);
    expect(first).toMatch(/^#!\/usr\/bin\/env -S node /);
    // As the kernel runs it: env gets the rest of the line as one argument, then the script's.
    const env = spawnSync(
      '/usr/bin/env',
      [first.slice('#!/usr/bin/env '.length), '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'],
      { encoding: 'utf8' },
    );
    expect(env.status).toBe(0);
    const flags = first.split(' ').slice(3);
    expect(flags.length).toBeGreaterThan(0);
    // execArgv: the options, then `-e` and its code.
    expect(JSON.parse(env.stdout).slice(0, flags.length)).toEqual(flags);
    const direct = spawnSync(bin, ['rules', 'cseq.response-mismatch'], { cwd: root, encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toMatch(/RFC 3261 §8\.2\.6\.2/);
  });

  it("answers `COMMAND --help` and `help COMMAND` with that command's help, exit 0, before parsing its options", () => {
    for (const args of [
      ['serve', '--help'],
      ['help', 'serve'],
      ['live', '-h', '--no-such-option'],
    ]) {
      const r = run(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: sipscope (serve|live) /);
      expect(r.stderr).toBe('');
    }
    const unknown = run('help', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'nope'/);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a standard output that cannot be written (a full disk, ENOSPC) ends every command with one line and exit 2, never a stack',
    () => {
      const file = `${root}samples/call-with-rtp.pcap`;
      const full = openSync('/dev/full', 'w');
      try {
        for (const args of [
          ['analyze', file],
          ['analyze', file, '--json'],
          ['analyze', file, '--call', '0'],
          ['lint', `${root}samples/README.md`],
          ['rules'],
          ['--help'],
        ]) {
          const r = spawnSync(process.execPath, [bin, ...args], {
            cwd: root,
            encoding: 'utf8',
            stdio: ['ignore', full, 'pipe'],
          });
          expect({ args, status: r.status }).toEqual({ args, status: 2 });
          expect(r.stderr).toBe(
            'sipscope: cannot write the output (standard output): ENOSPC: no space left on device, write\n',
          );
        }
      } finally {
        closeSync(full);
      }
    },
  );
});
