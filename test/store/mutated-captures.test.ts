/**
 * Bad input never crashes anything and never loses what was good (DESIGN.md
 * convention 4), and the two ways of analysing a file give the same answers
 * on any file, not only on well-made ones: captures with bytes overwritten
 * anywhere after the file header (a flipped bit, or one of the bytes SIP
 * framing turns on: CR, LF, ':', ';', ',', '"', '<', space, NUL, 0xff) go
 * through the reference path (analyzeCapture, then the memory store) and the
 * streaming one (analyzeToStore into SQLite, with random batch sizes, calls
 * parked at once or never, calls handed out one by one at the end). Each
 * either rejects the file with the same CaptureError line (file and byte
 * offset) or answers, and then every call, call detail, message (row and
 * bytes), finding and statistic must be equal.
 *
 * fast-check prints the seed and the smallest mutation list of a failure;
 * SIPSCOPE_FUZZ_RUNS=N runs more cases (a one-off campaign on the corpus:
 * 10,000 cases per path without a difference, README "Tests").
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/frame.js';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';
import { dump, reference } from './capture-dump.js';
import { writeFixtureCaptures } from './fixture-captures.js';
import { SAMPLE_FILES, SAMPLES_DIR } from './store-suite.js';

const RUNS = Number(process.env.SIPSCOPE_FUZZ_RUNS ?? 25);
/** Bytes of a pcap file header (a pcapng's first block is longer: its later bytes are fair game). */
const FILE_HEADER = 24;
const FRAMING = [0x0d, 0x0a, 0x3a, 0x3b, 0x2c, 0x22, 0x3c, 0x20, 0x00, 0xff];

/** One overwrite: at a fraction of the bytes after the header, a flipped bit (0–7) or a framing byte (8–17). */
const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  op: fc.nat(17),
});

function mutated(bytes: Buffer, edits: Array<{ at: number; op: number }>): Buffer {
  const b = Buffer.from(bytes);
  for (const { at, op } of edits) {
    const i = FILE_HEADER + Math.floor(at * (b.length - FILE_HEADER));
    b[i] = op < 8 ? b[i] ^ (1 << op) : FRAMING[op - 8];
  }
  return b;
}

/** The answer of `run`, or the CaptureError line it rejected the file with; anything else thrown fails the test. */
async function outcome<T>(run: () => Promise<T>): Promise<{ ok: T } | { rejected: string }> {
  try {
    return { ok: await run() };
  } catch (e) {
    if (e instanceof CaptureError) return { rejected: e.message };
    throw e;
  }
}

let dir: string;
let sqlite: SqliteStore;
let files: Array<{ name: string; bytes: Buffer }>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-mutated-'));
  sqlite = openSqliteStore({ file: join(dir, 'store.db') });
  const mixed = writeFixtureCaptures(dir).mixed;
  files = [...SAMPLE_FILES.map((f) => join(SAMPLES_DIR, f)), mixed].map((f) => ({
    name: f,
    bytes: readFileSync(f),
  }));
});
afterAll(async () => {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** Checks one mutated capture: the same rejection, or the same answers, by both paths. */
async function sameAnswers(
  source: Buffer,
  edits: Array<{ at: number; op: number }>,
  opts: { batchSize: number; parkAfter: number | undefined; endPart: number | undefined },
): Promise<void> {
  const file = join(dir, `m${n++}.pcap`);
  writeFileSync(file, mutated(source, edits));
  const want = await outcome(() => reference(file));
  const c = await sqlite.createCapture({ name: file, size: statSync(file).size, path: file });
  const got = await outcome(async () => {
    await analyzeToStore(file, await sqlite.openWriter(c.id), opts);
    return dump(sqlite, c.id);
  });
  expect(got).toEqual(want);
  await sqlite.deleteCapture(c.id);
  rmSync(file);
}

const options = fc.record({
  batchSize: fc.integer({ min: 1, max: 64 }),
  parkAfter: fc.constantFrom(0, undefined),
  endPart: fc.constantFrom(1, undefined),
});

describe('mutated captures: no crash, and analyzeToStore answers as the reference path', () => {
  it('on the bundled samples and the mixed capture of named flows, bytes overwritten after the header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 12 }),
        options,
        async (k, edits, opts) => sameAnswers(files[k % files.length].bytes, edits, opts),
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('catches a difference: the check is not blind (a call whose finding count is changed afterwards differs)', async () => {
    const file = files[0].name;
    const want = await reference(file);
    const c = await sqlite.createCapture({ name: file, size: statSync(file).size, path: file });
    await analyzeToStore(file, await sqlite.openWriter(c.id));
    const got = await dump(sqlite, c.id);
    expect(got).toEqual(want);
    const changed = {
      ...got,
      calls: got.calls.map((x, i) => (i === 0 ? { ...x, findingCount: x.findingCount + 1 } : x)),
    };
    expect(changed).not.toEqual(want);
    await sqlite.deleteCapture(c.id);
  });
});

const corpusDir = join(CORPUS_DIR, 'pcap');
const corpusFiles = corpusPresent
  ? readdirSync(corpusDir)
      .filter((f) => /\.(pcap|pcapng)$/.test(f))
      .map((f) => join(corpusDir, f))
      .filter((f) => statSync(f).size < 200_000)
  : [];

describe.skipIf(!corpusPresent)('mutated corpus captures (optional: ../shared/corpus)', () => {
  it('no crash, and analyzeToStore answers as the reference path', async () => {
    const bytes = corpusFiles.map((f) => readFileSync(f));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 12 }),
        options,
        async (k, edits, opts) => sameAnswers(bytes[k % bytes.length], edits, opts),
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
