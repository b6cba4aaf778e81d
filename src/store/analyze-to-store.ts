/**
 * A capture file analysed straight into a store, for files of any size: the
 * file is read once, and a call goes to the store as soon as the correlator
 * hands it out as final (`onCallFinal`), with its messages, transactions and
 * dialogs; findings go as they are found. What stays in memory is the
 * concurrent state: the hot calls and their messages' rows, not the file.
 *
 * The answers are those of report/analyze-capture.ts + analysis-batches.ts
 * (tests compare the two on every sample): the same correlator and rules,
 * the same message rows, and the same final view of each message's call and
 * dialog (analyze-capture.ts `assignFinal`), applied per call when it is final.
 *
 * RTP streams (media/media-tracker.ts) are found on the addresses the SDP of
 * the messages announced, as the CLI finds them, and each is written with
 * the final call of the message whose SDP announced it (its `setup`): the
 * call whose message list holds that message when it is handed out as final,
 * as analyze-capture.ts assigns it. A stream is finished a minute of capture
 * time after its last packet, before or after its call is final: one whose
 * call is not final yet waits for it; for one that comes after, the final
 * call of the last 65,536 messages with SDP is remembered (as many as the
 * media addresses the tracker keeps: an address forgotten there sets up no
 * stream).
 *
 * Message bytes: when a message is one frame's contiguous bytes (UDP, a
 * single TCP segment, HEP inside UDP), the analysis checks where they lie in
 * the file and hands the store that place (store.ts `FileRange`) instead of
 * the bytes; others (reassembled, unmasked WebSocket) are copied. Several
 * files merged by time: each is read placed as one file is, and a message's
 * row says which file its frame came from (`file`, `fileFrame`, as the CLI's
 * JSON does), which is the file its place is in.
 */
import { Buffer } from 'node:buffer';
import { createAnalyzer } from '../analyze/analyzer.js';
import type { Finding } from '../analyze/finding.js';
import { ClockOffsets } from '../capture/clock-offsets.js';
import { clockSegmentDecoder } from '../capture/clock-segments.js';
import { CaptureError } from '../capture/frame.js';
import type { FrameOrigins } from '../capture/frame-origins.js';
import {
  type CaptureFile,
  corruptLines,
  mergeCaptures,
  namedLine,
  warningLines,
} from '../capture/merge-captures.js';
import {
  type CaptureReader,
  DEFAULT_CHUNK_SIZE,
  fileChunks,
  readCaptureStream,
} from '../capture/read-file.js';
import { shiftedReader, type TimeShift } from '../capture/time-shift.js';
import { type CallFinalDetail, createCorrelator } from '../correlate/correlator.js';
import { DueQueue } from '../correlate/due-queue.js';
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import { awake, DEFAULT_PARK_AFTER, type ParkedRef, parkingHooks } from '../correlate/parked-records.js';
import { resolveTimers } from '../correlate/timers.js';
import { MediaTracker, type RtpStreamRecord } from '../media/media-tracker.js';
import { createPipeline } from '../pipeline.js';
import {
  type AnalysisResult,
  type AnalysisStats,
  captureSource,
  clockWarnings,
  noteClock,
} from '../report/analyze-capture.js';
import { writeCall, writeDialog, writeTransaction } from '../report/model-json.js';
import { MessageCounts } from '../sip/message-counts.js';
import { sdpOf } from '../sip/sdp.js';
import { tlsKeysOf } from '../tls/keylog.js';
import { withTlsWarning } from '../tls/tls-warning.js';
import { DEFAULT_BATCH_SIZE } from './analysis-batches.js';
import { IdWindow } from './id-window.js';
import { JsonRecords } from './json-records.js';
import { messageFields } from './message-fields.js';
import { PendingMessages } from './pending-messages.js';
import { parsedRow } from './row-json.js';
import type { CallJson, DialogRow, MessageRow, TransactionRow } from './rows.js';
import type { CaptureSource, CaptureWriter, MessageInput, MessageUpdate } from './store.js';

export interface AnalyzeToStoreOptions {
  /** What error lines call the file (default its path). */
  name?: string;
  /** Several files: what error lines and `source.files` call each (default their paths; `name` wins for the first). */
  names?: readonly string[];
  /** Rows per batch handed to the writer (default DEFAULT_BATCH_SIZE, analysis-batches.ts, as the server's). */
  batchSize?: number;
  /** Bytes read per chunk (default DEFAULT_CHUNK_SIZE, read-file.ts). */
  chunkSize?: number;
  /** Calls still in progress at the end handed out per step, their rows written between steps (default 256). */
  endPart?: number;
  /** Fraction of the file read (0..1), after each chunk. */
  onProgress?: (fraction: number) => void;
  /**
   * Seconds of capture time without a message after which a call is parked,
   * an ended one at once (correlator.ts `parkAfter`; default
   * DEFAULT_PARK_AFTER, parked-records.ts; Infinity: never).
   */
  parkAfter?: number;
  /** An NSS key log's text and servers' RSA private keys (PEM) to decrypt SIP over TLS with. */
  tlsKeyLog?: string;
  tlsRsaKeys?: string[];
  /** `--time-shift`: each file's shift (null: none), in path order (capture/time-shift.ts). */
  timeShifts?: readonly (TimeShift | null)[];
  /** A warning as stored (the server's tells how an upload is given keys or aligned): default as it is. */
  warningText?: (line: string) => string;
}

const same = (line: string): string => line;

export interface AnalyzeToStoreResult {
  stats: AnalysisStats;
  source: CaptureSource;
  /** Those of the capture (the first of them `errors`, when there are any). */
  warnings: string[];
  /** Files found corrupt after good frames (merge-captures.ts corruptLines): the capture holds what came before. */
  errors: string[];
  /** Most messages at once whose call was not final yet (what memory follows: hot calls, not the file). */
  peakPendingMessages: number;
  /** Messages whose call or dialog changed after they were written (merged calls, forks): written twice. */
  updatedMessages: number;
}

const NO_DIALOG = -1;

/**
 * A pending message's dialog as kept in PendingMessages: the dialog its row
 * was written with, or, for a row given its dialog after it arrived
 * (`adoptDialog`), -2 - that dialog: it arrived without one, and that is what
 * the final assignment starts from.
 */
const adopted = (dialog: number): number => -2 - dialog;
/** The dialog the row was written with. */
const writtenDialog = (kept: number): number => (kept <= -2 ? -2 - kept : kept);
/** The dialog the message arrived with (NO_DIALOG: none). */
const arrivedDialog = (kept: number): number => (kept <= -2 ? NO_DIALOG : kept);

const DEFAULT_END_PART = 256;

/**
 * Analyses `file` into `writer` and finishes it. On any error the writer is
 * failed with the error's line (`<name>: <reason> at byte offset N` for a bad
 * capture) and the error is thrown again. Several files are analysed as one
 * capture merged by time (capture/merge-captures.ts), each called by its
 * `names` entry in errors, warnings and `source.files`.
 */
export async function analyzeToStore(
  file: string | readonly string[],
  writer: CaptureWriter,
  opts: AnalyzeToStoreOptions = {},
): Promise<AnalyzeToStoreResult> {
  const paths = typeof file === 'string' ? [file] : file;
  const names = paths.map((p, k) => (k === 0 ? opts.name : opts.names?.[k]) ?? opts.names?.[k] ?? p);
  const name = names[0];
  const named = (line: string): string => namedLine(line, paths, names);
  try {
    const r = await analyse(paths, writer, opts);
    const source: CaptureSource = { ...r.source, file: name };
    if (r.source.files !== undefined) source.files = r.source.files.map((f, k) => ({ ...f, file: names[k] }));
    const warnings = r.warnings.map((w) => (opts.warningText ?? same)(named(w)));
    await writer.finish(r.stats, source, warnings);
    return { ...r, source, warnings, errors: r.errors.map(named) };
  } catch (e) {
    const line =
      e instanceof CaptureError
        ? named(e.message)
        : `internal error while analysing ${name}: ${e instanceof Error ? e.message : String(e)}`;
    try {
      await writer.fail(line);
    } catch {
      // The capture was deleted meanwhile: nothing left to mark.
    }
    throw e;
  }
}

/** File chunks, each remembered with its position so that a frame's bytes can be placed in the file. */
async function* placedChunks(
  path: string,
  chunkSize: number,
  base: WeakMap<ArrayBufferLike, number>,
  read: { bytes: number; size: number },
): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for await (const buf of fileChunks(path, chunkSize, read)) {
    base.set(buf.buffer, pos - buf.byteOffset);
    pos += buf.length;
    read.bytes = pos;
    yield buf;
  }
}

const NO_BYTES: Uint8Array = new Uint8Array(0);

/** Records to forget together: a call's transactions and dialogs. */
interface Retiree {
  txs: number[];
  dialogs: number[];
}

/** Where `bytes` lie inside `frame` (-1: not as one run of bytes): a view of the frame's buffer says it, else a search. */
function placeIn(frame: Uint8Array, bytes: Uint8Array): number {
  if (bytes.buffer === frame.buffer) {
    const at = bytes.byteOffset - frame.byteOffset;
    if (at >= 0 && at + bytes.length <= frame.length) return at;
  }
  return indexOfBytes(frame, bytes);
}

/** Where `needle` lies inside `hay` (-1: not as one run of bytes). */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0 || needle.length > hay.length) return -1;
  const h = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
  return h.indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

/** A merged capture's message row given the file its frame came from and its number there (the CLI's `file`, `fileFrame`). */
function addOrigin(row: MessageRow, origins: FrameOrigins): void {
  const o = origins.of(row.frame);
  if (o === undefined) return;
  row.file = o.file;
  row.fileFrame = o.frame;
}

/** Final calls of messages with SDP remembered for streams that finish after them (media-map.ts's default size). */
const SDP_CALLS_KEPT = 65536;

async function analyse(
  paths: readonly string[],
  writer: CaptureWriter,
  opts: AnalyzeToStoreOptions,
): Promise<Omit<AnalyzeToStoreResult, 'source'> & { source: AnalysisResult['source'] }> {
  const file = paths[0];
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const base = new WeakMap<ArrayBufferLike, number>();
  const reads = paths.map(() => ({ bytes: 0, size: 0 }));
  // A gzip file is decompressed as it is read (readCaptureStream): its frames are in buffers
  // of their own, not placed in the file, so their messages keep their bytes. Merged files are
  // each placed in their own file (a chunk's buffer is one file's).
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const readers = paths.map((p, k) =>
    shiftedReader(readCaptureStream(placedChunks(p, chunkSize, base, reads[k]), p), opts.timeShifts?.[k]),
  );
  const merged =
    paths.length > 1 ? mergeCaptures(paths.map((p, k) => ({ name: p, reader: readers[k] }))) : null;
  const origins = merged?.origins ?? null;
  // Several files: their clocks' offsets, from the messages two of them captured (as analyze A B reports them).
  const clocks = merged === null ? null : new ClockOffsets(merged.files.length);
  const reader: CaptureReader = merged ?? readers[0];
  const files: readonly CaptureFile[] = merged?.files ?? [{ name: file, info: reader.info }];
  const read = {
    get bytes() {
      return reads.reduce((n, r) => n + r.bytes, 0);
    },
    get size() {
      return reads.reduce((n, r) => n + r.size, 0);
    },
  };
  // SIP over TLS: the keys given, and those of the capture's own Decryption Secrets Blocks (pcapng), read as they come.
  const tlsKeys = tlsKeysOf(opts.tlsKeyLog, opts.tlsRsaKeys);
  tlsKeys.follow(reader.info);

  const counts = new MessageCounts();
  let messages = 0;
  let retransmissions = 0;
  let malformed = 0;
  let peak = 0;
  let updated = 0;

  /**
   * Messages whose call is not final yet: the call and dialog they were
   * written with (NO_DIALOG for none), by message id. Their rows are in the
   * store already; only a call or dialog that changed is written again.
   */
  const pending = new PendingMessages();
  const out = {
    messages: [] as MessageInput[],
    updates: [] as MessageUpdate[],
    // Records as their JSON bytes: made texts by the writer (on its thread), parsed only for one that wants objects.
    transactions: new JsonRecords(),
    dialogs: new JsonRecords(),
    calls: new JsonRecords(),
    findings: [] as Finding[],
    streams: [] as RtpStreamRecord[],
  };
  const queued = () =>
    out.messages.length +
    out.updates.length +
    out.transactions.length +
    out.dialogs.length +
    out.calls.length +
    out.findings.length +
    out.streams.length;

  // Records the correlated rules may look up by id (a CANCEL's INVITE, a
  // forwarded request's upstream, a transaction a timer rule watches): kept
  // while their call is hot, and once it is final until capture time moves
  // on (the rules of the message being handled may still ask). A transaction
  // without a final response stays Timer C longer: the rules that watch for
  // one (Timer B/F, Timer C) read it when their timer fires; a missing record
  // reads as answered. Keeping every record for Timer B, as the live pipeline
  // does, held 100 MiB more at 1,000 calls/s.
  const txs = new IdWindow<TransactionRecord | ParkedRef>();
  const dialogs = new IdWindow<DialogRecord | ParkedRef>();
  const unansweredFor = resolveTimers().c;
  const retiring = new DueQueue<Retiree>();
  const unanswered = new DueQueue<Retiree>();
  let now = Number.NEGATIVE_INFINITY;
  /** Forgets the records of `q` due before `t`. */
  const forget = (q: DueQueue<Retiree>, t: number): void => {
    for (let r = q.popBefore(t); r !== undefined; r = q.popBefore(t)) {
      for (const id of r.txs) txs.delete(id);
      for (const id of r.dialogs) dialogs.delete(id);
    }
  };
  const retire = (): void => {
    forget(retiring, now);
    forget(unanswered, now);
  };

  /**
   * When a dialog is made, a message of it whose row still waits in this
   * batch without one (an INVITE before the response that made its dialog)
   * is written with it: when the call ends with that dialog, as most do, its
   * row needs no update (an UPDATE of a page written a minute of capture
   * before, one per call). `callFinal` still decides from the dialog the
   * message arrived with, and updates the row when the answer differs. Once
   * per dialog, so a long dialog costs nothing more per message.
   */
  let newestDialog = -1;
  const adoptDialog = (d: DialogRecord, call: number): void => {
    const q = out.messages;
    if (q.length === 0) return;
    const first = q[0].row.id;
    const ids = d.messages;
    for (let i = ids.length - 1; i >= 0 && ids[i] >= first; i--) {
      const id = ids[i];
      const row = id - first < q.length ? q[id - first].row : undefined;
      if (row === undefined || row.id !== id || row.dialog !== null) continue;
      if (pending.call(id) !== call || pending.dialog(id) !== NO_DIALOG) continue;
      row.dialog = d.id;
      pending.set(id, call, adopted(d.id));
    }
  };

  /**
   * RTP streams and the calls of their setup messages. `sdpPending`: messages
   * with SDP whose call is not final yet; `sdpCall`: the final call of the
   * latest of those whose call is (bounded, oldest out first); `waiting`:
   * finished streams whose setup's call is not final yet, by setup message.
   * The two are id-indexed rings (PendingMessages, its call slot holding the
   * final call, its dialog slot unused), not a Set and a Map: their churn of
   * a delete and an insert per message with SDP cost ~1 s at 200,000 calls.
   */
  const sdpPending = new PendingMessages();
  const sdpCall = new PendingMessages();
  /** The ids in `sdpCall`, oldest at `sdpHead` once it is full. */
  const sdpOrder = new Float64Array(SDP_CALLS_KEPT).fill(-1);
  let sdpHead = 0;
  const waiting = new Map<number, RtpStreamRecord[]>();
  const streamOut = (st: RtpStreamRecord, call: number | null): void => {
    st.call = call;
    out.streams.push(st);
  };
  const media = new MediaTracker({
    // DTLS-SRTP (RFC 5764): the master secrets of the handshakes on media addresses.
    tlsKeys,
    onStream(st) {
      const call = sdpCall.call(st.setup);
      rules.onStream(st, call ?? pending.call(st.setup) ?? null);
      if (call !== undefined) streamOut(st, call);
      else if (sdpPending.call(st.setup) !== undefined) {
        const list = waiting.get(st.setup);
        if (list === undefined) waiting.set(st.setup, [st]);
        else list.push(st);
      } else streamOut(st, null);
    },
    onDtlsCheck(c) {
      if (c.message !== undefined)
        rules.onDtlsCheck(c, sdpCall.call(c.message) ?? pending.call(c.message) ?? null);
    },
    onDtlsHello: (h) => rules.onDtlsHello(h),
  });

  /** callFinal's list of a one-dialog call's messages that arrived without a dialog (reused: usually one or two). */
  const arrivedBare: number[] = [];
  const callFinal = (call: CallRecord, detail: CallFinalDetail): void => {
    for (const t of detail.transactions) rules.onTransactionFinal(t);
    for (const d of detail.dialogs) rules.onDialogFinal(d);
    rules.onCallFinal(call);
    // analyze-capture.ts assignFinal, for this call: the records are authoritative.
    // No dialog (OPTIONS, REGISTER): each message keeps the dialog it arrived with (none).
    const ds = detail.dialogs;
    arrivedBare.length = 0;
    const only = ds.length === 1 ? oneDialog(ds[0]) : null;
    const dialogOf = ds.length === 0 || only !== null ? null : finalDialogs(ds);
    for (const id of call.messages) {
      const was = pending.call(id);
      if (was === undefined) continue;
      const kept = pending.dialog(id)!;
      let dialog = arrivedDialog(kept);
      if (dialogOf !== null) dialog = dialogOf.get(id) ?? dialog;
      else if (dialog === NO_DIALOG && arrivedBare.includes(id)) dialog = only!.id;
      if (was !== call.id || dialog !== writtenDialog(kept)) {
        out.updates.push({ id, call: call.id, dialog: dialog === NO_DIALOG ? null : dialog });
        updated++;
      }
      pending.delete(id);
      if (sdpPending.call(id) !== undefined) {
        sdpPending.delete(id);
        sdpCall.set(id, call.id, NO_DIALOG);
        // Oldest out first, from a ring of the ids in the order they came in.
        if (sdpCall.size > SDP_CALLS_KEPT) sdpCall.delete(sdpOrder[sdpHead]);
        sdpOrder[sdpHead] = id;
        sdpHead = (sdpHead + 1) % SDP_CALLS_KEPT;
        const list = waiting.get(id);
        if (list !== undefined) {
          waiting.delete(id);
          for (const st of list) streamOut(st, call.id);
        }
      }
    }
    const answered: number[] = [];
    let open: number[] | null = null;
    for (const t of detail.transactions) {
      out.transactions.add(t.id, writeTransaction, t);
      // An ACK never has a final response and no timer rule reads it: it goes with the answered ones.
      if (t.finalStatus === null && t.kind !== 'ack') (open ??= []).push(t.id);
      else answered.push(t.id);
    }
    const dialogIds: number[] = [];
    for (const d of detail.dialogs) {
      out.dialogs.add(d.id, writeDialog, d);
      dialogIds.push(d.id);
    }
    out.calls.add(call.id, writeCall, call);
    retiring.push(now, { txs: answered, dialogs: dialogIds });
    if (open !== null) unanswered.push(now + unansweredFor, { txs: open, dialogs: [] });
  };

  /**
   * The one dialog of a call, nearly every call's case, without the maps of
   * `finalDialogs`: a message of it that arrived without a dialog gets it
   * (listed in `arrivedBare`), one that arrived with another keeps that (the
   * other is no dialog of this call: nothing says it was not confirmed).
   * Null when many of its messages arrived without one (a long train of
   * retransmitted INVITEs): `finalDialogs` then, to stay linear.
   */
  const oneDialog = (d: DialogRecord): DialogRecord | null => {
    for (const id of d.messages) {
      const kept = pending.dialog(id);
      if (kept === undefined || arrivedDialog(kept) !== NO_DIALOG) continue;
      if (arrivedBare.length === 16) return null;
      arrivedBare.push(id);
    }
    return d;
  };

  /**
   * Each pending message's final dialog where the call's dialogs change it:
   * a message that arrived without one gets the first (by id) of its
   * dialogs, and a forked INVITE moves from an early dialog to a confirmed one.
   */
  const finalDialogs = (dialogs: readonly DialogRecord[]): Map<number, number> => {
    const byId = new Map<number, DialogRecord>();
    for (const d of dialogs) byId.set(d.id, d);
    const ds = [...dialogs].sort((a, b) => a.id - b.id);
    const dialogOf = new Map<number, number>();
    for (const d of ds) {
      for (const id of d.messages) {
        const kept = pending.dialog(id);
        const cur = dialogOf.get(id) ?? (kept === undefined ? undefined : arrivedDialog(kept));
        if (cur === undefined) continue;
        if (
          cur === NO_DIALOG ||
          (d.state !== 'early' && d.confirmedAt !== null && byId.get(cur)?.confirmedAt === null)
        )
          dialogOf.set(id, d.id);
      }
    }
    return dialogOf;
  };

  const correlator = createCorrelator({
    retain: false,
    onCallFinal: (c, d) => callFinal(c, d),
    parkAfter: opts.parkAfter ?? DEFAULT_PARK_AFTER,
    ...parkingHooks(txs, dialogs),
  });
  const wake = (call: number): void => correlator.wake(call);
  const rules = createAnalyzer({
    onFinding: (f) => out.findings.push(f),
    model: {
      transaction: (id) => awake(txs, id, wake),
      dialog: (id) => awake(dialogs, id, wake),
      call: (id) => correlator.call(id),
      liveTransaction: (branch, sentBy, method, callId) =>
        correlator.liveTransaction(branch, sentBy, method, callId),
    },
  });
  /** The frame being pushed and its place in the file (`at` -1: none, or not placed). One object for all. */
  const frame = { no: -1, data: NO_BYTES, at: -1 };
  const pipeline = createPipeline({
    // Merged files: their TCP segments, as decoded, for the clock offsets.
    decoder: clockSegmentDecoder(undefined, clocks, origins),
    // Nothing keeps a message past onMessage (records and rows hold copies), and fileChunks reads
    // each chunk into a fresh buffer: a datagram's message can be a view of its frame's bytes.
    extractor: { datagramViews: true, tlsKeys },
    media,
    onMessage(msg, id) {
      const ts = msg.source?.ts;
      if (ts !== undefined && ts > now) {
        now = ts;
        retire();
      }
      const c = correlator.push(msg, id);
      const tx = correlator.transaction(c.transaction);
      if (tx !== undefined) txs.set(tx.id, tx);
      if (c.dialog !== null) {
        const d = correlator.dialog(c.dialog);
        if (d !== undefined) {
          dialogs.set(d.id, d);
          // Dialog ids grow as dialogs are made: the message that made this one is the first to carry it.
          if (d.id > newestDialog) {
            newestDialog = d.id;
            adoptDialog(d, c.call);
          }
        }
      }
      messages++;
      if (c.retransmission) retransmissions++;
      if (msg.kind === 'request') counts.request(msg.method);
      else counts.response(msg.status);
      if (msg.malformed) malformed++;
      rules.onMessage(msg, id, c);

      // Rows wait only until their batch is written: their strings need not be copies.
      const input = messageFields(msg, id, c, false);
      if (origins !== null) addOrigin(input.row, origins);
      if (clocks !== null) noteClock(clocks, origins!, msg);
      const s = msg.source;
      let at = -1;
      if (frame.at >= 0 && s !== null && s.frames.length === 1 && s.frames[0] === frame.no)
        at = placeIn(frame.data, msg.raw);
      if (at >= 0) input.fileRange = { offset: frame.at + at, length: msg.raw.length };
      else input.raw = msg.raw.slice();
      out.messages.push(input);
      pending.set(id, c.call, c.dialog ?? NO_DIALOG);
      if (pending.size > peak) peak = pending.size;
      // The tracker learnt its SDP already (sdpOf is memoised): it may set up a stream.
      if (msg.body.length > 0 && sdpOf(msg) !== undefined) sdpPending.set(id, 0, NO_DIALOG);
    },
  });

  const flush = async (): Promise<void> => {
    if (out.messages.length > 0) await writer.addMessages(out.messages.splice(0));
    if (out.updates.length > 0) await writer.updateMessages(out.updates.splice(0));
    for (const kind of ['transactions', 'dialogs', 'calls'] as const) {
      if (out[kind].length === 0) continue;
      if (writer.addJsonRecords !== undefined) {
        await writer.addJsonRecords(kind, out[kind]);
        continue;
      }
      const batch = out[kind].takeTexts();
      if (writer.addRecordsJson !== undefined) await writer.addRecordsJson(kind, batch);
      else if (kind === 'transactions')
        await writer.addTransactions(batch.map(([, j]) => parsedRow<TransactionRow>(j)));
      else if (kind === 'dialogs') await writer.addDialogs(batch.map(([, j]) => parsedRow<DialogRow>(j)));
      else await writer.addCalls(batch.map(([, j]) => parsedRow<CallJson>(j)));
    }
    if (out.findings.length > 0) await writer.addFindings(out.findings.splice(0));
    if (out.streams.length > 0) await writer.addStreams(out.streams.splice(0));
  };

  let lastBytes = -1;
  // The frames of each chunk at once: an await per frame (the reader's own iterator) cost ~1 s at 200,000 calls.
  for await (const chunkFrames of reader.batches()) {
    // A chunk's frames are views of one buffer (a record across two chunks, of one of its own).
    let buffer: ArrayBufferLike | null = null;
    let b: number | undefined;
    for (let i = 0; i < chunkFrames.length; i++) {
      const f = chunkFrames[i];
      if (f.data.buffer !== buffer) {
        buffer = f.data.buffer;
        b = base.get(buffer);
      }
      frame.no = f.no;
      frame.data = f.data;
      frame.at = b === undefined ? -1 : b + f.data.byteOffset;
      pipeline.push(f);
      frame.at = -1;
      frame.data = NO_BYTES;
      if (queued() >= batchSize) await flush();
    }
    if (opts.onProgress !== undefined && read.bytes !== lastBytes) {
      lastBytes = read.bytes;
      opts.onProgress(read.size > 0 ? Math.min(1, read.bytes / read.size) : 0);
    }
  }
  pipeline.end();
  // The calls still hot at the end go out a part at a time, written as they
  // go: all at once, their rows and the batch posted to the writer were the
  // analysis's peak of memory (~100 MiB more at 1,000 calls/s).
  const endPart = opts.endPart ?? DEFAULT_END_PART;
  // No message is handled any more: the answered calls' records go as soon as their call is
  // handed out (a parked call's were read back just for that).
  const endNow = Number.POSITIVE_INFINITY;
  for (let done = false; !done; ) {
    done = correlator.endSome(endPart);
    forget(retiring, endNow);
    if (queued() >= batchSize) await flush();
  }
  rules.end();
  // Every message belongs to a call the correlator handed out; one left here keeps the correlation it
  // arrived with, and so do the streams it set up.
  for (const [id, list] of waiting) for (const st of list) streamOut(st, pending.call(id) ?? null);
  waiting.clear();
  sdpPending.clear();
  sdpCall.clear();
  pending.clear();
  await flush();

  const cs = correlator.stats();
  const info = reader.info;
  const offsets = clocks?.againstFirst();
  return {
    stats: {
      frames: info.frames,
      sipMessages: messages,
      requests: counts.requests(),
      responses: counts.responses(),
      retransmissions,
      transactions: cs.transactions,
      dialogs: cs.dialogs,
      calls: cs.calls,
      findings: rules.stats.findings,
      findingsBySeverity: { ...rules.stats.bySeverity },
      decodeErrors: pipeline.stats.decodeErrors,
      malformed,
    },
    source: captureSource(files, info, merged !== null, opts.timeShifts ?? [], offsets),
    errors: corruptLines(files),
    // A file corrupt after good frames: shown with the capture, which holds what came before.
    warnings: withTlsWarning(
      [...corruptLines(files), ...warningLines(files), ...clockWarnings(files, offsets ?? [])],
      paths.join(', '),
      pipeline.extractorStats,
    ),
    peakPendingMessages: peak,
    updatedMessages: updated,
  };
}
