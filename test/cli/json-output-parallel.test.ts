/**
 * `analyze --json` with its `messages` array written by a worker thread
 * (cli/messages-worker.ts) while the main thread renders the rest: the bytes
 * are those of the one-thread writer, whatever the memory budget, and a
 * reader that goes away early ends the command quietly.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze-command.js';
import { PARALLEL_JSON, writeJsonReport, writeJsonReportInParallel } from '../../src/cli/json-output.js';
import { MessagesWorker } from '../../src/cli/messages-writer.js';
import { Output } from '../../src/cli/output.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { writeCallsCapture } from '../helpers/calls-capture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';
let capture = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-parallel-json-'));
  capture = join(dir, 'calls.pcap');
  writeCallsCapture(capture, 300);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The document as the one-thread writer makes it. */
function oneThread(r: AnalysisResult): Buffer {
  const parts: Buffer[] = [];
  const out = new Output((b) => parts.push(Buffer.from(b)));
  writeJsonReport(r, out);
  out.flush();
  return Buffer.concat(parts);
}

/** What `write(out)` puts into a file through an Output on its descriptor. */
async function throughFd(write: (out: Output) => Promise<unknown>): Promise<Buffer> {
  const file = join(dir, 'out.json');
  const fd = openSync(file, 'w');
  try {
    const out = new Output(null, fd);
    await write(out);
    out.flush();
  } finally {
    closeSync(fd);
  }
  return readFileSync(file);
}

describe('writeJsonReportInParallel', () => {
  it('hands the message table to the worker and writes the same bytes as one thread', async () => {
    const expected = oneThread(await analyzeCapture(capture));
    const r = await analyzeCapture(capture);
    expect(r.messages.length).toBe(2100);
    const got = await throughFd((out) =>
      writeJsonReportInParallel(r, out, new MessagesWorker(), { minMessages: 1, maxHeldBytes: 64 << 20 }),
    );
    // The table went to the worker: this thread did not write the messages.
    expect(r.messages.length).toBe(0);
    expect(got.length).toBe(expected.length);
    expect(got.equals(expected)).toBe(true);
    const doc = JSON.parse(got.toString('utf8'));
    expect(doc.messages).toHaveLength(2100);
    expect(doc.calls).toHaveLength(300);
  });

  it('past its memory budget, the rest of the document waits for the worker: same bytes', async () => {
    const expected = oneThread(await analyzeCapture(capture));
    for (const maxHeldBytes of [0, 200_000]) {
      const r = await analyzeCapture(capture);
      const got = await throughFd((out) =>
        writeJsonReportInParallel(r, out, new MessagesWorker(), { minMessages: 1, maxHeldBytes }),
      );
      expect(r.messages.length).toBe(0);
      expect(got.equals(expected)).toBe(true);
    }
  });

  it('below minMessages, or with an output that is not a file descriptor, one thread writes it', async () => {
    const expected = oneThread(await analyzeCapture(capture));
    const r = await analyzeCapture(capture);
    const got = await throughFd((out) =>
      writeJsonReportInParallel(r, out, new MessagesWorker(), { minMessages: 2101, maxHeldBytes: 64 << 20 }),
    );
    expect(r.messages.length).toBe(2100);
    expect(got.equals(expected)).toBe(true);

    const parts: Buffer[] = [];
    const sink = new Output((b) => parts.push(Buffer.from(b)));
    await writeJsonReportInParallel(r, sink, new MessagesWorker(), { minMessages: 1, maxHeldBytes: 0 });
    sink.flush();
    expect(r.messages.length).toBe(2100);
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
  });

  it('a worker that fails to start leaves the table here, and one thread writes it', async () => {
    const expected = oneThread(await analyzeCapture(capture));
    const r = await analyzeCapture(capture);
    const broken = new MessagesWorker('no-such-worker-module');
    const got = await throughFd((out) =>
      writeJsonReportInParallel(r, out, broken, { minMessages: 1, maxHeldBytes: 64 << 20 }),
    );
    expect(r.messages.length).toBe(2100);
    expect(got.equals(expected)).toBe(true);
    expect(await broken.ready()).toBe(false);
  });
});

describe('sipscope analyze --json on a file descriptor', () => {
  it('writes the same document with and without the worker', async () => {
    const single = await throughFd((out) =>
      runAnalyze([capture, '--json'], out, { ...PARALLEL_JSON, minFileBytes: Number.POSITIVE_INFINITY }),
    );
    const parallel = await throughFd((out) =>
      runAnalyze([capture, '--json'], out, {
        minCpus: 1,
        minFileBytes: 0,
        minMessages: 1,
        maxHeldBytes: 100_000,
      }),
    );
    expect(single.equals(oneThread(await analyzeCapture(capture)))).toBe(true);
    expect(parallel.equals(single)).toBe(true);
  });
});

/** `sipscope analyze FILE --json` from the sources, its stdout a pipe; `stopAfter`: bytes read before closing it. */
function runCli(file: string, stopAfter = Number.POSITIVE_INFINITY) {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'analyze', file, '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out: Buffer[] = [];
  let read = 0;
  let err = '';
  proc.stdout.on('data', (b: Buffer) => {
    out.push(b);
    read += b.length;
    if (read >= stopAfter) proc.stdout.destroy();
  });
  proc.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return new Promise<{ code: number | null; out: Buffer; err: string }>((resolve) =>
    proc.on('close', (code) => resolve({ code, out: Buffer.concat(out), err })),
  );
}

describe('sipscope analyze --json with stdout a pipe (a capture big enough for the worker by default)', () => {
  let big = '';
  beforeAll(() => {
    big = join(dir, 'big.pcap');
    // 16,800 messages, 6 MB: past both default thresholds.
    writeCallsCapture(big, 2400);
  });

  it('a reader that takes everything gets the one-thread bytes', async () => {
    const r = await runCli(big);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.equals(oneThread(await analyzeCapture(big)))).toBe(true);
  }, 60_000);

  it('a reader that goes away early (EPIPE) ends it quietly: exit 0, nothing on stderr', async () => {
    const r = await runCli(big, 1);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
