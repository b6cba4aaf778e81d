/**
 * Runs analysis-worker.ts for one capture and writes what it posts through a
 * CaptureWriter, one batch at a time (each acknowledged once written).
 * The worker starts from the build or the sources (src/worker-start.ts).
 */
import { writeBatch } from '../src/store/analysis-batches.js';
import type { CaptureWriter } from '../src/store/store.js';
import { startModuleWorker } from '../src/worker-start.js';
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
  const worker = startModuleWorker(import.meta.url, 'analysis-worker', { workerData: input });
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
