/**
 * Runs analysis-worker.ts for one capture and writes what it posts through a
 * CaptureWriter, one batch at a time (each acknowledged once written).
 * From the build, the worker is the compiled .js beside this file. From the
 * TypeScript sources (tests, `tsx`), it is the .ts file loaded through tsx's
 * loader, registered inside the worker: on Node 20 an `--import tsx` in the
 * worker's execArgv does not reach the worker's module loader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { writeBatch } from '../src/store/analysis-batches.js';
import type { CaptureWriter } from '../src/store/store.js';
import type { WorkerAck, WorkerInput, WorkerMessage } from './analysis-protocol.js';

export interface JobCallbacks {
  onProgress(progress: number): void;
}

export type JobOutcome =
  | { ok: true; warnings: string[] }
  | { ok: false; error: string }
  | { ok: false; cancelled: true; error: string };

export interface AnalysisJob {
  readonly done: Promise<JobOutcome>;
  /** Stops the worker; `done` resolves as cancelled and the writer is left to the caller. */
  cancel(): Promise<void>;
}

const fromSource = import.meta.url.endsWith('.ts');

/**
 * tsx's ESM loader API as a file URL, read from tsx's export map
 * (import.meta.resolve is missing under vitest, and require.resolve gives the
 * CommonJS build, which cannot register the ESM hooks).
 */
function tsxApi(): string {
  const req = createRequire(import.meta.url);
  const pkgFile = req.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api'].import.default)).href;
}

const WORKER_URL = new URL(fromSource ? './analysis-worker.ts' : './analysis-worker.js', import.meta.url);

/**
 * `writer` takes the batches the worker posts; with `input.sqlite` the worker
 * writes the database itself and `writer` is undefined (the caller marks the
 * capture failed if the worker dies without saying so).
 */
export function startAnalysisJob(
  input: WorkerInput,
  writer: CaptureWriter | undefined,
  cb: JobCallbacks,
): AnalysisJob {
  const worker = fromSource
    ? new Worker(
        `import(${JSON.stringify(tsxApi())})` +
          `.then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`,
        { eval: true, workerData: input },
      )
    : new Worker(WORKER_URL, { workerData: input });
  let cancelled = false;
  let settled = false;
  let chain: Promise<void> = Promise.resolve();
  let resolve!: (o: JobOutcome) => void;
  const done = new Promise<JobOutcome>((r) => (resolve = r));
  const settle = (o: JobOutcome): void => {
    if (settled) return;
    settled = true;
    resolve(o);
  };
  const fail = (error: string): void => {
    if (settled) return;
    chain = chain
      .then(() => writer?.fail(error))
      .catch(() => {})
      .then(() => settle({ ok: false, error }));
    void worker.terminate();
  };

  worker.on('message', (m: WorkerMessage) => {
    if (cancelled || settled) return;
    switch (m.type) {
      case 'progress':
        cb.onProgress(m.progress);
        return;
      case 'batch':
        chain = chain.then(async () => {
          if (cancelled || settled) return;
          try {
            if (writer === undefined) throw new Error('the worker sent a batch but writes the store itself');
            await writeBatch(writer, m.batch);
          } catch (e) {
            fail(`cannot store the analysis: ${(e as Error).message}`);
            return;
          }
          worker.postMessage({ type: 'ack' } satisfies WorkerAck);
        });
        return;
      case 'done':
        chain = chain.then(async () => {
          if (cancelled || settled) return;
          try {
            if (!m.stored) await writer?.finish(m.stats, m.source, m.warnings);
            settle({ ok: true, warnings: m.warnings });
          } catch (e) {
            fail(`cannot store the analysis: ${(e as Error).message}`);
          }
        });
        return;
      case 'failed':
        fail(m.error);
        return;
    }
  });
  worker.on('error', (e) => {
    if (!cancelled) fail(`internal error while analysing ${input.name}: ${e.message}`);
  });
  worker.on('exit', (code) => {
    if (cancelled || settled) return;
    // A clean exit comes after `done` or `failed`; let the chain finish first.
    void chain.then(() => {
      if (!settled) fail(`internal error while analysing ${input.name}: the worker exited (code ${code})`);
    });
  });

  return {
    done,
    async cancel() {
      if (settled) return;
      cancelled = true;
      settle({ ok: false, cancelled: true, error: 'cancelled' });
      await worker.terminate();
    },
  };
}
