/**
 * What the analysis worker and the thread that owns the store say to each
 * other. The worker posts progress, then the analysis as batches, each
 * acknowledged once written, with at most MAX_BATCHES_IN_FLIGHT unacknowledged
 * (so a slow store holds the worker back instead of queueing the capture).
 */
import type { AnalysisStats } from '../src/report/analysis-stats.js';
import type { AnalysisBatch } from '../src/store/analysis-batches.js';
import type { CaptureSource } from '../src/store/store.js';

export interface WorkerInput {
  /** The capture file to read (the first of `files` when there are several). */
  file: string;
  /** What error messages call it (the name the user gave it). */
  name: string;
  /**
   * A capture merged by time from several files (capture/merge-captures.ts):
   * their paths in merge order, and the names the user gave each (`names[0]`
   * is what `source.file` says; `name` is the capture's name).
   */
  files?: string[];
  names?: string[];
  /** Each file's `--time-shift` in seconds as written (null: none): CaptureFileRef.timeShift. */
  timeShifts?: (string | null)[];
  /** How to align a merged upload's clocks, for the warning of a file whose clock is off (report/analyze-capture.ts clockWarnings). */
  alignClocks?: string;
  /** Items per batch. */
  batchSize: number;
  /**
   * The store is this SQLite database: the worker writes the analysis into it
   * itself, on its own connection, as calls end (src/store/analyze-to-store.ts),
   * and posts only progress and the outcome, no batches.
   */
  sqlite?: { db: string; captureId: string };
  /** SIP over TLS: the key log and servers' RSA keys to decrypt with (`serve --tls-keylog/--tls-key`), read at each analysis. */
  tls?: TlsKeyFiles;
  /** The key material uploaded with this capture (server/capture-keys.ts), used with `tls`. */
  captureTls?: TlsKeyFiles;
  /** How to give an upload its keys, for the warning of SIP over TLS not decrypted (src/tls/tls-warning.ts). */
  giveKeys?: string;
}

/** Paths of TLS key material (cli/tls-key-options.ts reads them). */
export interface TlsKeyFiles {
  keyLog?: string;
  rsaKeys?: string[];
}

export type WorkerMessage =
  | { type: 'progress'; progress: number }
  | { type: 'batch'; batch: AnalysisBatch }
  | {
      type: 'done';
      stats: AnalysisStats;
      source: CaptureSource;
      warnings: string[];
      /** The worker wrote and finished the capture itself (`sqlite`). */
      stored?: boolean;
    }
  | { type: 'failed'; error: string };

/** Main thread → worker: one batch written. */
export interface WorkerAck {
  type: 'ack';
}

export const MAX_BATCHES_IN_FLIGHT = 4;

/** Progress posts at most this often (ms). */
export const PROGRESS_INTERVAL_MS = 100;
