/**
 * The installed command (package.json `bin`: the CLI bundled by esbuild,
 * `npm run build:cli`) analyses exactly as the sources do, and still reaches
 * the commands it loads on demand from beside it. Skipped when the build is
 * absent (`npm ci` builds it, through `prepare`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
});
