/**
 * `sipscope serve --merge A B …` (src/cli/serve-files.ts), run as a command
 * from the sources: the files are one capture merged by time, with the
 * stats and files `sipscope analyze A B` finds; a restart finds it kept and
 * analyses nothing again; a file that is not a capture is the CLI's line
 * naming it and its byte offset, exit 1, before the server starts; --merge
 * with one file is exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { startServe, stopServe, waitFor } from '../helpers/serve-process.js';
import { rotated } from '../helpers/split-capture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sipscope-serve-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });

describe('sipscope serve --merge A B C', () => {
  const pieces = rotated(join(ROOT, 'samples/sipp-10-calls.pcap'), dir, 3);
  const data = join(dir, 'data');
  const link = /merged by time: (\S+)\/#\/captures\/(c\d+)\n/;

  it('is one capture merged by time, as analyze A B C reads the files; a restart finds it kept', async () => {
    const want = await analyzeCapture(pieces);
    let id = '';
    const s = await startServe(data, ['--merge', ...pieces], link);
    try {
      id = s.ready![2];
      const info = await waitFor(
        'the merged capture ready',
        async () => {
          const c = (await (await fetch(`${s.url}/api/captures/${id}`)).json()) as CaptureInfo;
          return c.status === 'ready' ? c : undefined;
        },
        30_000,
      );
      expect(info.name).toBe('sipp-10-calls.pcap-3-0.pcap + 2 more files');
      expect(info.stats).toEqual(want.stats);
      expect(info.source?.files?.map((f) => f.frames)).toEqual(want.source.files!.map((f) => f.frames));
      expect(((await (await fetch(`${s.url}/api/captures`)).json()) as unknown[]).length).toBe(1);
    } finally {
      await stopServe(s, 'SIGTERM');
    }
    const again = await startServe(data, ['--merge', ...pieces], link);
    try {
      expect(again.ready![2]).toBe(id);
      const list = (await (await fetch(`${again.url}/api/captures`)).json()) as CaptureInfo[];
      expect(list.map((c) => [c.id, c.status])).toEqual([[id, 'ready']]);
    } finally {
      await stopServe(again, 'SIGTERM');
    }
  }, 90_000);

  it('a second file that is not a capture: the line naming it and its byte offset, exit 1; one file: exit 2', () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a capture\n');
    const r = serve('--port', '0', '--memory', '--data', join(dir, 'bad'), '--merge', pieces[0], notes);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^sipscope serve: notes\.txt: not a pcap or pcapng capture \(magic 0x[0-9a-f]+\) at byte offset 0\n$/,
    );
    const one = serve('--port', '0', '--memory', '--merge', pieces[0]);
    expect(one.status).toBe(2);
    expect(one.stderr).toBe('sipscope serve: --merge takes two or more capture files\n');
  }, 60_000);
});
