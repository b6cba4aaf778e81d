/**
 * The analysis of one capture file in a worker thread, so the server keeps
 * answering while a big file is read. Started by analysis-job.ts with a
 * WorkerInput; posts WorkerMessages (analysis-protocol.ts).
 *
 * Progress: a first pass only walks the file's records to count frames
 * (cheap next to SIP parsing, and a file that is not a capture fails there at
 * once); the analysis then reports the frame it has reached of that count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { withClockAdvice } from '../src/capture/clock-warning-words.js';
import { CaptureError } from '../src/capture/frame.js';
import { namedLine } from '../src/capture/merge-captures.js';
import { openCapture } from '../src/capture/read-file.js';
import { analyzeCapture } from '../src/report/analyze-capture.js';
import { analysisBatches, collectMessageExtras } from '../src/store/analysis-batches.js';
import type { CaptureSource } from '../src/store/store.js';
import { readTlsKeyOptions, type TlsKeyOptions } from '../src/tls/key-options.js';
import { withGiveKeys } from '../src/tls/tls-warning.js';
import {
  MAX_BATCHES_IN_FLIGHT,
  PROGRESS_INTERVAL_MS,
  type WorkerInput,
  type WorkerMessage,
} from './analysis-protocol.js';
import { keptShift } from './time-shifts.js';

const COUNT_SHARE = 0.1;
const ANALYSE_SHARE = 0.8;

const port = parentPort;
if (port === null) throw new Error('analysis-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;

let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (m: { type: string }) => {
  if (m.type !== 'ack') return;
  inFlight--;
  wake?.();
  wake = null;
});

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let lastProgress = 0;
function progress(p: number, force = false): void {
  const now = Date.now();
  if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
  lastProgress = now;
  post({ type: 'progress', progress: Math.min(1, Math.max(0, p)) });
}

/**
 * The TLS key material of `serve --tls-keylog/--tls-key`, read again for each
 * analysis (a key log grows), with the keys uploaded with the capture
 * (server/capture-keys.ts; checked when they came, so only a file gone since
 * fails here: its path, in the data directory, is not said).
 */
function tlsKeys(): TlsKeyOptions {
  const k = readTlsKeyOptions(input.tls?.keyLog, input.tls?.rsaKeys);
  if (typeof k === 'string')
    throw new KeysError(`${input.name}: not analysed: the TLS keys given to sipscope serve: ${k}`);
  const up = input.captureTls;
  if (up === undefined) return k;
  const own = readTlsKeyOptions(up.keyLog, up.rsaKeys);
  if (typeof own === 'string')
    throw new KeysError(`${input.name}: not analysed: the TLS keys uploaded with it cannot be read any more`);
  const logs = [k.tlsKeyLog, own.tlsKeyLog].filter((t) => t !== undefined);
  const keys = [...(k.tlsRsaKeys ?? []), ...(own.tlsRsaKeys ?? [])];
  return {
    ...(logs.length > 0 && { tlsKeyLog: logs.join('\n') }),
    ...(keys.length > 0 && { tlsRsaKeys: keys }),
  };
}

/**
 * A warning as the API shows it: the TLS one names how an upload is given its
 * keys, the clock one how a merged upload's clocks are aligned.
 */
function uploadWarning(w: string): string {
  const keys = input.giveKeys === undefined ? w : withGiveKeys(w, input.giveKeys);
  return input.alignClocks === undefined ? keys : withClockAdvice(keys, input.alignClocks);
}

class KeysError extends Error {}

/** The files to read: one, or several merged by time. */
const paths = input.files ?? [input.file];
/** Each file's time shift (null: none), as kept with the capture (server/time-shifts.ts). */
const timeShifts = paths.map((_, k) => keptShift(input.timeShifts?.[k] ?? undefined));
/** What each is called where a line names it (the names the user gave them). */
const names = paths.map((p, k) => input.names?.[k] ?? (k === 0 ? input.name : p));

/** `line`, starting with a file's path (or all of them), naming the file(s) as the user knows them instead. */
const named = (line: string): string => namedLine(line, paths, names);

/** The CLI's line (`<file>: <reason> at byte offset N`) naming the file as the user knows it. */
function errorLine(e: CaptureError): string {
  return named(e.message);
}

async function countFrames(size: number): Promise<number> {
  let n = 0;
  let before = 0;
  for (const path of paths) {
    const reader = openCapture(path);
    for await (const _ of reader) {
      if (++n % 4096 === 0) progress((COUNT_SHARE * (before + reader.info.bytes)) / Math.max(1, size));
    }
    before += reader.info.bytes;
  }
  return n;
}

/**
 * Straight into the SQLite database: memory follows the calls in progress,
 * not the file, and the inserts run on a thread of their own beside this one.
 */
async function runSqlite(db: string, captureId: string): Promise<void> {
  const { openSqliteWriterThread } = await import('../src/store/sqlite-writer-thread.js');
  const { analyzeToStore } = await import('../src/store/analyze-to-store.js');
  const r = await analyzeToStore(paths, await openSqliteWriterThread({ db, captureId }), {
    name: names[0],
    names,
    batchSize: input.batchSize,
    onProgress: (p) => progress(p),
    timeShifts,
    // Stored as the API shows them: the database has them before this thread says it is done.
    warningText: uploadWarning,
    ...tlsKeys(),
  });
  post({
    type: 'done',
    stats: r.stats,
    source: r.source,
    warnings: r.warnings,
    stored: true,
  });
}

async function run(): Promise<void> {
  if (input.sqlite !== undefined) return runSqlite(input.sqlite.db, input.sqlite.captureId);
  const { stat } = await import('node:fs/promises');
  let size = 0;
  for (const path of paths) {
    try {
      size += (await stat(path)).size;
    } catch {
      // openCapture names the problem below.
    }
  }
  const total = await countFrames(size);
  progress(COUNT_SHARE, true);
  const extras = collectMessageExtras();
  const result = await analyzeCapture(paths.length === 1 ? paths[0] : paths, {
    ...tlsKeys(),
    timeShifts,
    onMessage(msg, id, table) {
      extras.onMessage(msg, id, table);
      if (msg.source !== null)
        progress(COUNT_SHARE + (ANALYSE_SHARE * msg.source.frame) / Math.max(1, total));
    },
  });
  progress(COUNT_SHARE + ANALYSE_SHARE, true);
  const size_ = input.batchSize;
  const parts = (n: number) => Math.ceil(n / size_);
  const batches =
    parts(result.messages.length) +
    parts(result.transactions.length) +
    parts(result.dialogs.length) +
    parts(result.calls.length) +
    parts(result.findings.length) +
    parts(result.streams.length);
  let sent = 0;
  for (const batch of analysisBatches(result, extras, size_)) {
    while (inFlight >= MAX_BATCHES_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    inFlight++;
    const transfer = batch.kind === 'messages' ? batch.items.map((m) => m.raw.buffer as ArrayBuffer) : [];
    post({ type: 'batch', batch }, transfer);
    sent++;
    progress(COUNT_SHARE + ANALYSE_SHARE + ((1 - COUNT_SHARE - ANALYSE_SHARE) * sent) / Math.max(1, batches));
  }
  while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  post({
    type: 'done',
    stats: result.stats,
    source: sourceNamed(result.source),
    // A file corrupt after good frames is shown with the capture, which holds what came before it.
    warnings: [...result.errors, ...result.warnings].map((w) => uploadWarning(named(w))),
  });
}

/** The analysis's `source` with each file called by the name the user gave it. */
function sourceNamed(source: CaptureSource): CaptureSource {
  const out: CaptureSource = { ...source, file: names[0] };
  if (source.files !== undefined)
    out.files = source.files.map((f, k) => ({ ...f, file: names[k] ?? f.file }));
  return out;
}

run().then(
  () => port.close(),
  (e: unknown) => {
    const error =
      e instanceof CaptureError
        ? errorLine(e)
        : e instanceof KeysError
          ? e.message
          : `internal error while analysing ${input.name}: ${e instanceof Error ? e.message : String(e)}`;
    post({ type: 'failed', error });
    port.close();
  },
);
