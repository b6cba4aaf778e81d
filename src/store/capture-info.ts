/**
 * A capture as the API lists it (server/API.md "Captures": `CaptureInfo`),
 * with its `source` as the JSON contract writes it. Types only, no code, so
 * that the web UI's types (web/src/api/types.ts) name them without pulling in
 * the store.
 */
import type { ClockOffset } from '../capture/clock-offsets.js';
import type { CaptureFormat } from '../capture/frame.js';
import type { AnalysisStats } from '../report/analysis-stats.js';

export type CaptureStatus = 'analyzing' | 'ready' | 'failed' | 'live';

/** What the analysis learnt about one file (the JSON contract's `source`, and each of its `files`). */
export interface CaptureSourceFile {
  file: string;
  format: CaptureFormat;
  linkTypes: string[];
  frames: number;
  bytes: number;
  /** Of a merged capture's file: its clock against file 0's, offset and drift (null for file 0, or none measured). */
  clock?: ClockOffset | null;
  /** The seconds its frame times were moved by (only when they were). */
  timeShiftSeconds?: number;
}

/**
 * The JSON contract's `source`: for a capture merged from several files,
 * `file` and `format` are the first file's, `linkTypes`, `frames` and `bytes`
 * cover all, and `files` lists each (as `sipscope analyze A B --json` writes it).
 */
export interface CaptureSource extends CaptureSourceFile {
  files?: CaptureSourceFile[];
}

/** A capture as `GET /api/captures` lists it. */
export interface CaptureInfo {
  /** Chosen by the store: short, URL-safe, never reused by this store. */
  id: string;
  /** The name the user gave it (the uploaded file's name): display text only. */
  name: string;
  /** Bytes of the capture file (of all its files, for a merged capture). */
  size: number;
  status: CaptureStatus;
  /** 0..1 while analysing; 1 when ready. */
  progress: number;
  /** Why it failed: the CLI's one line (`<file>: <reason> at byte offset N`). */
  error?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: when its analysis last ended ready (absent before; SQLite rows older than the column: createdAt). */
  analyzedAt?: string;
  /**
   * The API's only (capture-service.ts `publicInfo`): its analysis is older
   * than the running sipscope's code, which may find more now (new rules,
   * fixes). `POST …/reanalyze` brings it up to date.
   */
  stale?: boolean;
  /** Null until ready. */
  stats: AnalysisStats | null;
  source?: CaptureSource;
  /** Recoverable problems with the file (a truncated last record, …), as the CLI prints them. */
  warnings?: string[];
  /**
   * The API's only (capture-service.ts `publicInfo`): TLS key material was
   * uploaded with the capture, what there is of it (never the keys).
   */
  tlsKeys?: { keylog: boolean; rsaKeys: number };
  /**
   * The API's only (capture-service.ts `publicInfo`): the server reads the
   * capture's file where it lies (a bundled sample, `serve FILE`, `serve
   * --merge`), so files and TLS keys cannot be added to it.
   */
  readInPlace?: boolean;
}
