/**
 * `sipscope serve FILE...` (src/cli/serve-files.ts), run as a command from
 * the sources: the captures named are analysed and listed, gzipped or not,
 * with a link each printed; a restart on the same data directory finds
 * them kept (same path and size) and analyses nothing again; a missing file
 * is one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { startServe, stopServe, waitFor } from '../helpers/serve-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sipscope-serve-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Info {
  id: string;
  name: string;
  status: string;
  stats: Record<string, unknown> | null;
}

async function captures(url: string): Promise<Info[]> {
  return (await (await fetch(`${url}/api/captures`)).json()) as Info[];
}

describe('sipscope serve FILE...', () => {
  const plain = join(dir, 'tcp-call.pcap');
  copyFileSync(join(ROOT, 'samples/tcp-call.pcap'), plain);
  const gz = join(dir, 'basic-call.pcap.gz');
  writeFileSync(gz, gzipSync(readFileSync(join(ROOT, 'samples/basic-call.pcap'))));
  const data = join(dir, 'data');
  const links =
    /tcp-call\.pcap: (\S+)\/#\/captures\/(c\d+)\n[\s\S]*basic-call\.pcap\.gz: \S+\/#\/captures\/(c\d+)\n/;

  it('analyses and lists the captures named, gzipped or not, and prints a link to each', async () => {
    const s = await startServe(data, [plain, gz], links);
    try {
      const [, url, plainId, gzId] = s.ready!;
      expect(url).toBe(s.url);
      const ready = await waitFor(
        'both captures ready',
        async () => {
          const list = await captures(s.url);
          return list.length === 2 && list.every((c) => c.status === 'ready') ? list : undefined;
        },
        30_000,
      );
      const byId = new Map(ready.map((c) => [c.id, c]));
      expect(byId.get(plainId)?.name).toBe('tcp-call.pcap');
      expect(byId.get(gzId)?.name).toBe('basic-call.pcap.gz');
      expect(byId.get(plainId)?.stats).toEqual((await analyzeCapture(plain)).stats);
      expect(byId.get(gzId)?.stats).toEqual(
        (await analyzeCapture(join(ROOT, 'samples/basic-call.pcap'))).stats,
      );
    } finally {
      await stopServe(s, 'SIGTERM');
    }
  }, 60_000);

  it('a restart on the same data directory finds them kept and analyses nothing again', async () => {
    const s = await startServe(data, [plain, gz], links);
    try {
      const list = await captures(s.url);
      expect(list.map((c) => c.id).sort()).toEqual([s.ready![2], s.ready![3]].sort());
      expect(list.every((c) => c.status === 'ready')).toBe(true);
    } finally {
      await stopServe(s, 'SIGTERM');
    }
  }, 60_000);

  it('a file that is not there: one line, exit 2', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', join(dir, 'nope.pcap')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`sipscope serve: ${join(dir, 'nope.pcap')}: no such file\n`);
  });
});
