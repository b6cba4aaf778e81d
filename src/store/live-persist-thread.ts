/**
 * A PersistSink (live-persist.ts) whose SQLite work runs on a thread of its
 * own (live-persist-worker.ts, on its own connection to the database file),
 * so writing a live capture's ended calls never holds up the live pipeline
 * or the API on the main thread. One batch is in flight at a time (the
 * persister waits for each); an error on the thread rejects that batch.
 */
import { startModuleWorker } from '../worker-start.js';
import type { PersistSink } from './live-persist.js';
import type { PersistOp } from './live-persist-sql.js';

/** What the thread answers: `ready` once, then `ack` or `error` per batch (`gone`: the capture was deleted). */
export type PersistReply =
  | { type: 'ready' }
  | { type: 'ack' }
  | { type: 'error'; message: string; gone: boolean };

/** The thread holds one batch at a time. */
const LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** Starts the thread for capture number `cap` of database `db`; rejects when it cannot open it. */
export async function openPersistThread(db: string, cap: number): Promise<PersistSink> {
  const data = { db, cap };
  const worker = startModuleWorker(import.meta.url, 'live-persist-worker', {
    workerData: data,
    resourceLimits: LIMITS,
  });
  let waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let exited: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    waiting = { resolve, reject };
  });
  const settle = (e: Error | null): void => {
    const w = waiting;
    waiting = null;
    if (w === null) return;
    // Idle, the thread does not keep the process alive; a batch being written does (a clean stop waits for it).
    worker.unref();
    if (e === null) w.resolve();
    else w.reject(e);
  };
  worker.on('message', (m: PersistReply) => {
    if (m.type === 'error') {
      const e = new Error(m.message);
      if (m.gone) e.name = 'CaptureGoneError';
      settle(e);
    } else settle(null);
  });
  worker.on('error', (e) => {
    exited ??= e;
    settle(e);
  });
  worker.on('exit', (code) => {
    exited ??= new Error(`the live capture's SQLite writer thread exited (code ${code})`);
    settle(exited);
  });
  try {
    await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return {
    write(op: PersistOp): Promise<void> {
      if (exited !== null) return Promise.reject(exited);
      if (waiting !== null) return Promise.reject(new Error('a batch is already being written'));
      const done = new Promise<void>((resolve, reject) => {
        waiting = { resolve, reject };
      });
      worker.ref();
      worker.postMessage(op);
      return done;
    },
    async close(): Promise<void> {
      exited ??= new Error('the live capture writer is closed');
      await worker.terminate();
    },
  };
}
