/**
 * The store (DESIGN.md "Data flow": analyze → store → server): where the
 * results of an analysis live and the queries the API asks of them
 * (server/API.md). Every method is async so that an embedded database, a
 * server process or a distributed engine can implement it; the in-memory
 * store (memory-store.ts) is the reference the shared test suite pins down.
 *
 * Ownership: the store keeps records only. The capture file named by `path`
 * belongs to whoever created the capture (the server's upload directory):
 * deleting a capture here forgets its records, it never touches the file.
 *
 * Writing: an analysis opens one writer per capture and hands it its output in
 * batches, in any order (messages, transactions, dialogs, calls, findings, RTP
 * streams may interleave, as a streaming analysis finishes calls), then `finish(stats)`.
 * Until then the capture is `analyzing` and the query methods may see part of
 * it; after `finish` it is `ready` and complete. `fail(error)` ends a writer
 * without results (the capture becomes `failed` and its partial rows go).
 */

import type { RtpStreamRecord } from '../media/rtp-stream-record.js';
import type { CallQuery } from './call-query.js';
import type { CaptureInfo, CaptureSource, CaptureSourceFile, CaptureStatus } from './capture-info.js';
import type { FindingCount } from './finding-filter.js';
import type { JsonRecords } from './json-records.js';
import type { CallDetail, CallPage, CaptureStatsView } from './query-views.js';
import type { AnalysisStats, CallJson, DialogRow, Finding, MessageRow, TransactionRow } from './rows.js';

export type {
  CallDetail,
  CallPage,
  CaptureInfo,
  CaptureSource,
  CaptureSourceFile,
  CaptureStatsView,
  CaptureStatus,
};

/** A capture with what the server needs and the API does not show. */
export interface CaptureRecord extends CaptureInfo {
  /** The capture file on disk (for re-reading frames: the pcap export); the first of `files` when there are several. */
  path: string;
  /**
   * A capture merged by time from several files (capture/merge-captures.ts):
   * all of them, in merge order (`path` is the first's; a message row's `file`
   * indexes this list). Absent for a capture of one file.
   */
  files?: CaptureFileRef[];
}

/** One of the files of a merged capture: where it is, what the user called it, its bytes. */
export interface CaptureFileRef {
  path: string;
  name: string;
  size: number;
  /**
   * Seconds its frame times are moved by before the merge (`--time-shift`,
   * capture/time-shift.ts), as written ("-2.315"): set by
   * `POST /api/captures/:id/time-shift`. Absent: not moved.
   */
  timeShift?: string;
}

export interface NewCapture {
  name: string;
  /** Bytes of all its files. */
  size: number;
  path: string;
  /** Several files merged into one capture (CaptureRecord.files); `path` must be the first's. */
  files?: CaptureFileRef[];
  /** Default `analyzing`. */
  status?: CaptureStatus;
}

/** Fields an update may set; `error: null` clears it. */
export interface CaptureUpdate {
  status?: CaptureStatus;
  progress?: number;
  error?: string | null;
  stats?: AnalysisStats | null;
  source?: CaptureSource;
  size?: number;
  warnings?: string[];
  /**
   * A merged capture's files: given their time shifts (the same files, in the
   * same order), or more files added after the old ones (`POST …/files`).
   */
  files?: CaptureFileRef[];
  /** Its name, when files added to it rename it (server/append-files.ts). */
  name?: string;
}

/** A message as the analysis hands it over: its row and its bytes. */
export interface MessageInput {
  row: MessageRow;
  /** The message's bytes as framed (the input of `parseSip`); header offsets are offsets into them. */
  raw: Uint8Array;
  /** User-Agent or Server header value, for the call search (null when absent). */
  agent: string | null;
  /**
   * The message's bytes are the capture file's bytes [offset, offset + length)
   * (one frame's contiguous bytes, checked when the analysis found them; of a
   * merged capture, the file is the one of its frame: `row.file`). A
   * store may keep only this and read the bytes back from `path` when asked;
   * `raw` may then be empty, so that a big analysis holds no message bytes.
   */
  fileRange?: FileRange;
}

export interface FileRange {
  offset: number;
  length: number;
}

export type RecordKind = 'transactions' | 'dialogs' | 'calls';

/** A message's final call and dialog (CaptureWriter.updateMessages). */
export interface MessageUpdate {
  id: number;
  call: number | null;
  dialog: number | null;
}

/** One message read back: its row and bytes. */
export interface StoredMessage {
  row: MessageRow;
  raw: Uint8Array;
}

/** Everything about one call (`GET /api/captures/:id/calls/:callId`). */
export interface CallsFrames {
  calls: number;
  /** Ascending, without repeats. */
  frames: number[];
  /** The RTP streams of those calls: their frames are found by reading the file (frame-export.ts). */
  streams: MediaSpan[];
  /** The TLS connections their SIP rode (over TLS or WSS): every frame of each is needed to decrypt it. */
  connections: ConnectionSpan[];
}

/**
 * A TCP connection that carried TLS: its two ends (endpoint strings, either
 * order) and the last frame a chosen message of it came in. The frames of
 * the connection up to that one are written whole (frame-export.ts): TLS
 * needs its handshake and every record before to decrypt the next.
 */
export interface ConnectionSpan {
  a: string;
  b: string;
  lastFrame: number;
}

/** The TLS connections of the messages `add` is given, each once, with the last frame of theirs. */
export class TlsConnections {
  private readonly byPair = new Map<string, ConnectionSpan>();

  add(m: { transport: string; src: string; dst: string }, lastFrame: number): void {
    if (m.transport !== 'tls' && m.transport !== 'wss') return;
    const [a, b] = m.src < m.dst ? [m.src, m.dst] : [m.dst, m.src];
    const key = `${a} ${b}`;
    const c = this.byPair.get(key);
    if (c === undefined) this.byPair.set(key, { a, b, lastFrame });
    else if (lastFrame > c.lastFrame) c.lastFrame = lastFrame;
  }

  list(): ConnectionSpan[] {
    return [...this.byPair.values()];
  }
}

/** Where an RTP stream's packets are: `src` → `dst` (endpoint strings), from its first frame to its last. */
export interface MediaSpan {
  src: string;
  dst: string;
  firstFrame: number;
  lastFrame: number;
  /** Keyed by DTLS-SRTP: its handshake goes with it (frame-export.ts). */
  dtls?: boolean;
}

export const mediaSpan = (s: MediaSpan & { srtp?: { keying?: string } }): MediaSpan => ({
  src: s.src,
  dst: s.dst,
  firstFrame: s.firstFrame,
  lastFrame: s.lastFrame,
  ...(s.srtp?.keying === 'dtls' && { dtls: true }),
});

/** Adds a message row's frames (all of a reassembled message's, else its one) to `set`. */
export function addFrames(set: Set<number>, row: { frame: number; frames?: readonly number[] | null }): void {
  if (row.frames) for (const f of row.frames) set.add(f);
  else set.add(row.frame);
}

/** A message row's frames and TLS connection, for callsFrames. */
export function addMessageFrames(
  set: Set<number>,
  tls: TlsConnections,
  row: { frame: number; frames?: readonly number[] | null; transport: string; src: string; dst: string },
): void {
  addFrames(set, row);
  tls.add(row, row.frames ? Math.max(row.frame, ...row.frames) : row.frame);
}

export const sortedFrames = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);

export interface FindingFilter {
  /** Findings naming this message. */
  message?: number;
  /** Findings of this call. */
  call?: number;
  /** Rule id, or a prefix ending in `.` (`cseq.`). */
  rule?: string;
  /** At most this many of each rule: the first ones (finding-filter.ts). */
  perRule?: number;
}

/** Takes one capture's analysis output. Not safe for concurrent use: await each call. */
export interface CaptureWriter {
  readonly captureId: string;
  addMessages(batch: readonly MessageInput[]): Promise<void>;
  /**
   * Corrects the call and dialog of messages already added. A streaming
   * analysis writes a message when it arrives and learns its final call (a
   * later link merged two calls) or dialog (a 2xx confirmed one of a fork)
   * only when the call ends. Ids not added are ignored.
   */
  updateMessages(batch: readonly MessageUpdate[]): Promise<void>;
  addTransactions(batch: readonly TransactionRow[]): Promise<void>;
  addDialogs(batch: readonly DialogRow[]): Promise<void>;
  /** A call given again (a live capture updates calls) replaces the earlier row. */
  addCalls(batch: readonly CallJson[]): Promise<void>;
  addFindings(batch: readonly Finding[]): Promise<void>;
  /**
   * RTP streams (media/media-tracker.ts), each with its final `call` (the
   * final call of its `setup` message) or null: one with null is kept but
   * shows in no call. A stream given again (same id) replaces the earlier one.
   */
  addStreams(batch: readonly RtpStreamRecord[]): Promise<void>;
  /**
   * Optional: transactions, dialogs or calls as [id, the JSON text
   * report/model-json.ts writes], the same as addTransactions & co. with the
   * parsed rows. A store that keeps JSON implements it so that a big analysis
   * does not parse what it will only write out again.
   */
  addRecordsJson?(kind: RecordKind, batch: ReadonlyArray<readonly [number, string]>): Promise<void>;
  /**
   * Optional: the same records still as JSON bytes (json-records.ts), taken
   * at once (the batch starts afresh before this returns). The writer on a
   * thread of its own implements it, so that the texts are made there.
   */
  addJsonRecords?(kind: RecordKind, batch: JsonRecords): Promise<void>;
  /**
   * All output written: the capture becomes `ready` with these stats (and the
   * file's warnings, when given), in one step: no reader sees it ready without them.
   */
  finish(stats: AnalysisStats, source?: CaptureSource, warnings?: string[]): Promise<void>;
  /** The analysis failed: the capture becomes `failed` with `error`, its rows are dropped. */
  fail(error: string): Promise<void>;
}

export interface Store {
  createCapture(c: NewCapture): Promise<CaptureRecord>;
  /** Undefined when there is no such capture. */
  updateCapture(id: string, patch: CaptureUpdate): Promise<CaptureRecord | undefined>;
  /** Newest first. */
  listCaptures(): Promise<CaptureRecord[]>;
  getCapture(id: string): Promise<CaptureRecord | undefined>;
  /** Forgets the capture and everything written for it; false when there was none. */
  deleteCapture(id: string): Promise<boolean>;

  /** Throws when there is no such capture or it already has an open writer. */
  openWriter(captureId: string): Promise<CaptureWriter>;

  /** One page of calls; undefined when there is no such capture. */
  queryCalls(captureId: string, query: CallQuery): Promise<CallPage | undefined>;
  getCall(captureId: string, callId: number): Promise<CallDetail | undefined>;
  getMessage(captureId: string, messageId: number): Promise<StoredMessage | undefined>;
  /** In the order the analysis gave them; undefined when there is no such capture. */
  findings(captureId: string, filter?: FindingFilter): Promise<Finding[] | undefined>;
  /** Each rule's count and worst severity, in the order the rules first appear. */
  findingCounts(captureId: string): Promise<FindingCount[] | undefined>;
  stats(captureId: string): Promise<CaptureStatsView | undefined>;
  /**
   * The frame numbers of every message of the call (all frames of a
   * reassembled message), ascending, without repeats: what the pcap export keeps.
   */
  callFrames(captureId: string, callId: number): Promise<number[] | undefined>;
  /**
   * The frames of every call the query's filters match (its sort and page
   * ignored), as `callFrames` gives them, and how many calls that is: what
   * the export of a filtered call list keeps.
   */
  callsFrames(captureId: string, query: CallQuery): Promise<CallsFrames | undefined>;

  close(): Promise<void>;
}
