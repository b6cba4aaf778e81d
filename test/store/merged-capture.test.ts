/**
 * A capture merged by time from several files (capture/merge-captures.ts)
 * in the stores: analysed straight into SQLite or memory (analyze-to-store.ts)
 * it answers exactly as the reference path (analyzeCapture on the same files,
 * as `sipscope analyze A B` reads them), each message with the file its frame
 * came from and its number there; message bytes kept by place are read back
 * from that file; the files are kept with the capture across a reopen.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureFileRef, Store } from '../../src/store/store.js';
import { damagedPcap } from '../helpers/damaged-pcap.js';
import { interleaved, rotated } from '../helpers/split-capture.js';
import { dump, reference } from './capture-dump.js';
import { SAMPLES_DIR } from './store-suite.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-merged-store-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refs = (paths: readonly string[]): CaptureFileRef[] =>
  paths.map((p) => ({ path: p, name: basename(p), size: statSync(p).size }));

async function mergedInto(store: Store, paths: readonly string[]) {
  const files = refs(paths);
  const size = files.reduce((n, f) => n + f.size, 0);
  const c = await store.createCapture({ name: 'merged', size, path: paths[0], files });
  await analyzeToStore(paths, await store.openWriter(c.id));
  return c.id;
}

const SPLITS = [
  ['sipp-10-calls.pcap', 'rotated in 3', (f: string) => rotated(f, dir, 3)],
  ['sipp-10-calls.pcap', 'side by side in 2', (f: string) => interleaved(f, dir, 2)],
  ['call-with-rtp.pcap', 'side by side in 2', (f: string) => interleaved(f, dir, 2)],
  ['tcp-call.pcap', 'rotated in 2', (f: string) => rotated(f, dir, 2)],
  ['fragmented-invite.pcap', 'side by side in 3', (f: string) => interleaved(f, dir, 3)],
] as const;

describe('a capture merged from several files in the stores', { timeout: 60_000 }, () => {
  for (const [sample, how, split] of SPLITS) {
    it(`${sample} ${how}: SQLite and memory answer as analyzeCapture on the same files`, async () => {
      const paths = split(join(SAMPLES_DIR, sample));
      const want = await reference(paths);
      expect(want.source?.files?.length).toBe(paths.length);
      expect(want.messages.every((m) => m?.row.file !== undefined && m.row.fileFrame! > 0)).toBe(true);
      const sqlite = openSqliteStore({ file: join(dir, `${sample}-${paths.length}-${how}.db`) });
      const memory = createMemoryStore();
      try {
        for (const store of [sqlite, memory]) {
          const id = await mergedInto(store, paths);
          expect(await dump(store, id)).toEqual(want);
        }
      } finally {
        await sqlite.close();
        await memory.close();
      }
    });
  }

  it('a file corrupt after good frames: both stores keep what came before it, as analyzeCapture does, and warn naming it', async () => {
    const [good, split] = interleaved(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
    // The 21st record of the second file gets an impossible captured length: its first 20 frames are good.
    const { bytes, offset: at } = damagedPcap(readFileSync(split), 20);
    const bad = join(dir, 'damaged.pcap');
    writeFileSync(bad, bytes);
    const paths = [good, bad];
    const want = await reference(paths);
    const sqlite = openSqliteStore({ file: join(dir, 'damaged.db') });
    const memory = createMemoryStore();
    try {
      for (const store of [sqlite, memory]) {
        const files = refs(paths);
        const c = await store.createCapture({ name: 'damaged', size: 1, path: good, files });
        const r = await analyzeToStore(paths, await store.openWriter(c.id));
        expect(r.warnings).toEqual([
          `${bad}: impossible record length 2147483647 (snaplen 262144) at byte offset ${at}: the 20 frames before it analysed, the rest of the file not read`,
        ]);
        expect(await dump(store, c.id)).toEqual(want);
      }
    } finally {
      await sqlite.close();
      await memory.close();
    }
  });

  it('reads each message by place from the file its frame came from, and keeps the files across a reopen', async () => {
    const paths = interleaved(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
    const file = join(dir, 'reopen.db');
    const s = openSqliteStore({ file });
    const id = await mergedInto(s, paths);
    const want = await dump(s, id);
    await s.close();
    // By place, from both files: none of these UDP messages is stored as a copy.
    const db = new Database(file, { readonly: true });
    const placed = db
      .prepare(
        'SELECT file, count(*) AS n FROM messages WHERE raw IS NULL AND raw_off IS NOT NULL GROUP BY file',
      )
      .all() as Array<{ file: number; n: number }>;
    db.close();
    expect(placed).toEqual([
      { file: 0, n: 30 },
      { file: 1, n: 30 },
    ]);
    const again = openSqliteStore({ file });
    expect((await again.getCapture(id))!.files).toEqual(refs(paths));
    expect(await dump(again, id)).toEqual(want);
    // A message of the second file: its bytes are that file's, at its frame there.
    const m = (await again.getMessage(id, 1))!;
    expect(m.row.file).toBe(1);
    expect(Buffer.from(m.raw).toString('latin1')).toMatch(/^SIP\/2\.0 |^[A-Z]+ sip:/);
    await again.close();
  });

  it('opens a database from before captures of several files: its captures read as before, merged ones can be added', async () => {
    const file = join(dir, 'older.db');
    const one = join(SAMPLES_DIR, 'basic-call.pcap');
    const s = openSqliteStore({ file });
    const c = await s.createCapture({ name: 'basic-call.pcap', size: statSync(one).size, path: one });
    await analyzeToStore(one, await s.openWriter(c.id));
    const before = await dump(s, c.id);
    await s.close();
    // The database as the sipscope before the migration left it.
    const db = new Database(file);
    db.exec(
      'ALTER TABLE captures DROP COLUMN files; ALTER TABLE messages DROP COLUMN file; ALTER TABLE messages DROP COLUMN file_frame;',
    );
    db.pragma(`user_version = ${MIGRATIONS.findIndex((m) => m.name === 'captures of several files')}`);
    db.close();
    const again = openSqliteStore({ file });
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(await dump(again, c.id)).toEqual(before);
    expect((await again.getCapture(c.id))!.files).toBeUndefined();
    expect(before.messages[0]!.raw.length).toBeGreaterThan(0);
    const paths = rotated(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
    const id = await mergedInto(again, paths);
    expect(await dump(again, id)).toEqual(await reference(paths));
    await again.close();
  });
});
