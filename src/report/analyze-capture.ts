/**
 * Analyse one capture file end to end, or several as one (merged by time:
 * capture/merge-captures.ts), and collect what the JSON contract and the
 * text report need. Streaming: frames are read in chunks and messages are
 * reduced to records as they complete.
 */

import { createAnalyzer } from '../analyze/analyzer.js';
import { countBySeverity, type Finding } from '../analyze/finding.js';
import { type ClockOffset, ClockOffsets, canReorder, driftCanReorder } from '../capture/clock-offsets.js';
import { clockSegmentDecoder } from '../capture/clock-segments.js';
import { clockText, driftWarningText, secondsText } from '../capture/clock-text.js';
import { cliClockAdvice } from '../capture/clock-warning-words.js';
import type { CaptureFormat } from '../capture/frame.js';
import type { FrameOrigins } from '../capture/frame-origins.js';
import { linkTypeName } from '../capture/link-types.js';
import { type CaptureFile, corruptLines, openCaptures, warningLines } from '../capture/merge-captures.js';
import { type CaptureReader, openCapture } from '../capture/read-file.js';
import { shiftedReader, shiftSeconds, type TimeShift } from '../capture/time-shift.js';
import { createCorrelator } from '../correlate/correlator.js';
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import { endpointString, type Transport } from '../decode/payload.js';
import { MediaTracker, type RtpStreamRecord } from '../media/media-tracker.js';
import type { SrtpSetup } from '../media/srtp.js';
import { createPipeline, type PipelineOptions } from '../pipeline.js';
import { infoDtmf } from '../sip/info-dtmf.js';
import type { SipMessage } from '../sip/message.js';
import { MessageCounts } from '../sip/message-counts.js';
import { tlsKeysOf } from '../tls/keylog.js';
import type { TlsStats } from '../tls/session.js';
import { withTlsWarning } from '../tls/tls-warning.js';
import type { AnalysisStats } from './analysis-stats.js';
import { type CallDtmf, callDtmf, type InfoDigit } from './call-dtmf.js';
import { MessageTable } from './message-table.js';

export type { AnalysisStats };

/** A capture file as the JSON's `source` describes it. */
export interface SourceFile {
  file: string;
  format: CaptureFormat;
  linkTypes: string[];
  frames: number;
  bytes: number;
  /** `--time-shift`: the seconds its frames were moved by (only when given). */
  timeShiftSeconds?: number;
  /**
   * Several files merged: this file's clock against file 0's, measured from
   * the SIP messages both captured (capture/clock-offsets.ts); null for file 0
   * and for a file with no message in common with it.
   */
  clock?: ClockOffset | null;
}

export interface AnalysisResult {
  /**
   * The file; for several merged: `file` and `format` the first file's,
   * `linkTypes`, `frames` and `bytes` of all, and `files` each one's.
   */
  source: SourceFile & { files?: SourceFile[] };
  /** Several files merged: where each frame came from (null for one file). */
  origins: FrameOrigins | null;
  stats: AnalysisStats;
  messages: MessageTable;
  transactions: TransactionRecord[];
  dialogs: DialogRecord[];
  calls: CallRecord[];
  findings: Finding[];
  /** RTP streams on the addresses the SDP announced, by id (order of their first packet). */
  streams: RtpStreamRecord[];
  /**
   * The SDES key of each SRTP stream that had a usable one, by stream id
   * (what reads its packets back decrypts with: stream-packets.ts); not in
   * the JSON.
   */
  srtpKeys: Map<number, SrtpSetup>;
  /** Datagrams taken as RTCP on those addresses (RFC 3550 §6; not in any stream). */
  rtcpPackets: number;
  /** The DTMF digits of each call that carried any (RFC 4733 events of its streams, SIP INFO), by call id. */
  dtmf: Map<number, CallDtmf[]>;
  /** Recoverable problems with the file (a truncated last record, …). */
  warnings: string[];
  /**
   * Files found corrupt after good frames (merge-captures.ts corruptLines):
   * everything above is of the frames before; the CLI ends with these and exit code 2.
   */
  errors: string[];
  /** SIP over TLS: connections seen, decrypted, and why the others were not (src/tls/session.ts). */
  tls: TlsStats;
}

export interface AnalyzeOptions {
  decoder?: PipelineOptions['decoder'];
  /** Called with each parsed message once it is in the table (for callers that keep or show more). */
  onMessage?: (msg: SipMessage, id: number, table: MessageTable) => void;
  /**
   * An NSS key log's text (SSLKEYLOGFILE) to decrypt SIP over TLS with. The
   * secrets of a pcapng's Decryption Secrets Blocks are used with or without it.
   */
  tlsKeyLog?: string;
  /** Servers' RSA private keys (PEM): TLS 1.2 RSA key exchange decrypted without a key log line. */
  tlsRsaKeys?: string[];
  /** `--time-shift`: each file's shift (null: none), in argument order (capture/time-shift.ts). */
  timeShifts?: readonly (TimeShift | null)[];
}

/** `file`: a capture's path, or several, analysed as one capture merged by time. */
export async function analyzeCapture(
  file: string | readonly string[],
  opts: AnalyzeOptions = {},
): Promise<AnalysisResult> {
  const paths = typeof file === 'string' ? [file] : file;
  // One file is read as it always was: the merge is only for two or more.
  const shifts = opts.timeShifts ?? [];
  const merged = paths.length > 1 ? openCaptures(paths, { timeShifts: shifts }) : null;
  const reader: CaptureReader = merged ?? shiftedReader(openCapture(paths[0]), shifts[0]);
  // Several files: the messages captured in two of them give their clocks' offset (one file pays nothing).
  const clocks = merged === null ? null : new ClockOffsets(paths.length);
  const files: readonly CaptureFile[] = merged?.files ?? [{ name: paths[0], info: reader.info }];
  const messages = new MessageTable();
  messages.origins = merged?.origins ?? null;
  const counts = new MessageCounts();
  let malformed = 0;
  let retransmissions = 0;
  const correlator = createCorrelator();
  // The correlated rules read the records the correlator keeps (`retain`, the default).
  const analyzer = createAnalyzer({
    model: {
      transaction: (id) => correlator.transaction(id),
      dialog: (id) => correlator.dialog(id),
      call: (id) => correlator.call(id),
      liveTransaction: (branch, sentBy, method, callId) =>
        correlator.liveTransaction(branch, sentBy, method, callId),
    },
  });
  const streams: RtpStreamRecord[] = [];
  const srtpKeys = new Map<number, SrtpSetup>();
  // SIP over TLS and DTLS-SRTP (RFC 5764) both find their master secrets here.
  const tlsKeys = tlsKeysOf(opts.tlsKeyLog, opts.tlsRsaKeys);
  const media = new MediaTracker({
    tlsKeys,
    onStream: (st, key) => {
      streams.push(st);
      if (key !== undefined) srtpKeys.set(st.id, key);
      analyzer.onStream(st, messages.callOf(st.setup));
    },
    onDtlsCheck: (c) => {
      if (c.message !== undefined) analyzer.onDtlsCheck(c, messages.callOf(c.message));
    },
    onDtlsHello: (h) => analyzer.onDtlsHello(h),
  });
  const infoDigits: InfoDigit[] = [];
  const pipeline = createPipeline({
    decoder: clockSegmentDecoder(opts.decoder, clocks, merged?.origins ?? null),
    media,
    // Nothing here keeps a message past onMessage (records hold copies), and openCapture never
    // reuses a chunk: datagrams need no copy of their own unless a caller's onMessage may keep them.
    extractor: { datagramViews: opts.onMessage === undefined, tlsKeys },
    onMessage(msg, id) {
      messages.add(msg);
      if (clocks !== null) noteClock(clocks, merged!.origins, msg);
      const c = correlator.push(msg, id);
      messages.setCorrelation(id, c.transaction, c.dialog, c.call, c.retransmission);
      if (c.retransmission) retransmissions++;
      analyzer.onMessage(msg, id, c);
      if (msg.kind === 'request') counts.request(msg.method);
      else counts.response(msg.status);
      if (msg.malformed) malformed++;
      if (msg.kind === 'request' && msg.method === 'INFO' && !c.retransmission) {
        const d = infoDtmf(msg);
        if (d !== null) {
          const rec = messages.get(id);
          infoDigits.push({ ...d, message: id, src: rec.src, ts: rec.ts, frame: rec.frame });
        }
      }
      opts.onMessage?.(msg, id, messages);
    },
  });
  tlsKeys.follow(reader.info);
  for await (const frames of reader.batches())
    for (let i = 0; i < frames.length; i++) pipeline.push(frames[i]);
  pipeline.end();
  correlator.end();
  analyzer.end();
  const model = correlator.snapshot();
  assignFinal(messages, model.dialogs, model.calls);
  streams.sort((a, b) => a.id - b.id);
  for (const st of streams) st.call = messages.callOf(st.setup);
  const dtmf = dtmfByCall(streams, infoDigits, messages);
  const findings = [...analyzer.findings];
  const info = reader.info;
  const offsets = clocks?.againstFirst();
  return {
    source: captureSource(files, info, merged !== null, shifts, offsets),
    origins: merged?.origins ?? null,
    stats: {
      frames: info.frames,
      sipMessages: messages.length,
      requests: counts.requests(),
      responses: counts.responses(),
      retransmissions,
      transactions: model.transactions.length,
      dialogs: model.dialogs.length,
      calls: model.calls.length,
      findings: findings.length,
      findingsBySeverity: countBySeverity(findings),
      decodeErrors: pipeline.stats.decodeErrors,
      malformed,
    },
    messages,
    transactions: model.transactions,
    dialogs: model.dialogs,
    calls: model.calls,
    findings,
    streams,
    srtpKeys,
    rtcpPackets: media.rtcpPackets,
    dtmf,
    warnings: withTlsWarning(
      [...warningLines(files), ...clockWarnings(files, offsets ?? [])],
      paths.join(', '),
      pipeline.extractorStats,
    ),
    errors: corruptLines(files),
    tls: tlsStatsOf(pipeline.extractorStats),
  };
}

/**
 * `--align`'s first pass: the files merged as they are, their SIP messages
 * found (no correlation, no rules, no media) for the clock offsets alone:
 * each file's clock against file 0's, as the full analysis reports them.
 */
export async function measureClockOffsets(
  paths: readonly string[],
  opts: Pick<AnalyzeOptions, 'decoder' | 'tlsKeyLog' | 'tlsRsaKeys'> = {},
): Promise<(ClockOffset | null)[]> {
  if (paths.length < 2) return paths.map(() => null);
  const merged = openCaptures(paths);
  const clocks = new ClockOffsets(paths.length);
  const tlsKeys = tlsKeysOf(opts.tlsKeyLog, opts.tlsRsaKeys);
  const pipeline = createPipeline({
    decoder: clockSegmentDecoder(opts.decoder, clocks, merged.origins),
    extractor: { datagramViews: true, tlsKeys },
    onMessage: (msg) => noteClock(clocks, merged.origins, msg),
  });
  tlsKeys.follow(merged.info);
  for await (const frames of merged.batches())
    for (let i = 0; i < frames.length; i++) pipeline.push(frames[i]);
  pipeline.end();
  return clocks.againstFirst();
}

/**
 * A file whose clock is off file 0's by enough to show an answer before its
 * request (clock-offsets.ts canReorder): said, with the shift that undoes it;
 * and one whose clock drifts by enough that no constant shift does
 * (driftCanReorder): said, with what is left at the ends.
 */
export function clockWarnings(
  files: readonly CaptureFile[],
  offsets: readonly (ClockOffset | null)[],
): string[] {
  return offsets.flatMap((c, k) => [
    ...(c === null || !canReorder(c)
      ? []
      : [
          `${files[k].name}: ${clockText(c, files[0].name)}: ${cliClockAdvice(k, secondsText(-c.offsetSeconds))}`,
        ]),
    ...(c === null || c.driftPpm === null || !driftCanReorder(c)
      ? []
      : [`${files[k].name}: ${driftWarningText(c, c.driftPpm, files[0].name)}`]),
  ]);
}

/**
 * A message of a merged capture, for the clock offsets: its file, time,
 * addresses and text. Not one a TCP stream of the capture carried (over
 * TLS, WebSocket too) nor an SCTP association: its segments or chunks were
 * noted (clock-segments.ts), and the second file's copy never comes out of
 * the reassembler.
 */
export function noteClock(clocks: ClockOffsets, origins: FrameOrigins, msg: SipMessage): void {
  const src = msg.source;
  if (src === null || (src.hep === undefined && bySegments(src.transport))) return;
  const o = origins.of(src.frame);
  if (o !== undefined)
    clocks.note(o.file, src.ts, endpointString(src.src), endpointString(src.dst), msg.text);
}

/** Transports whose messages a merged capture measures from their segments or chunks (clock-segments.ts). */
const bySegments = (t: Transport): boolean =>
  t === 'tcp' || t === 'tls' || t === 'ws' || t === 'wss' || t === 'sctp';

/**
 * What the analysis of `files` read: the first file, or with `merged`
 * (several files as one) each file with its clock's offset to file 0; and
 * each file's `--time-shift` when given.
 */
export function captureSource(
  files: readonly CaptureFile[],
  info: CaptureReader['info'],
  merged: boolean,
  shifts: readonly (TimeShift | null)[],
  offsets: readonly (ClockOffset | null)[] | undefined,
): AnalysisResult['source'] {
  const shiftOf = (k: number) => (shifts[k] ? { timeShiftSeconds: shiftSeconds(shifts[k]) } : {});
  return {
    ...sourceFile(files[0].name, info),
    ...(merged
      ? {
          files: files.map((f, k) => ({
            ...sourceFile(f.name, f.info),
            ...shiftOf(k),
            clock: offsets?.[k] ?? null,
          })),
        }
      : shiftOf(0)),
  };
}

export function sourceFile(file: string, info: CaptureReader['info']): SourceFile {
  return {
    file,
    format: info.format,
    linkTypes: info.linkTypes.map(linkTypeName),
    frames: info.frames,
    bytes: info.bytes,
  };
}

/** Each call's digits: those of the streams it set up and of its INFO requests (by their final call). */
function dtmfByCall(
  streams: readonly RtpStreamRecord[],
  info: readonly InfoDigit[],
  messages: MessageTable,
): Map<number, CallDtmf[]> {
  const byCall = new Map<number, { streams: RtpStreamRecord[]; info: InfoDigit[] }>();
  const of = (call: number) => {
    let e = byCall.get(call);
    if (e === undefined) byCall.set(call, (e = { streams: [], info: [] }));
    return e;
  };
  for (const st of streams)
    if (st.dtmf !== undefined && st.dtmf.length > 0 && st.call !== null) of(st.call).streams.push(st);
  for (const d of info) {
    const call = messages.callOf(d.message);
    if (call !== null) of(call).info.push(d);
  }
  const out = new Map<number, CallDtmf[]>();
  for (const [call, e] of byCall) out.set(call, callDtmf(e.streams, e.info));
  return out;
}

function tlsStatsOf(s: TlsStats): TlsStats {
  return {
    tlsFlows: s.tlsFlows,
    tlsDecrypted: s.tlsDecrypted,
    tlsNoKey: s.tlsNoKey,
    tlsUnsupported: s.tlsUnsupported,
    tlsNoHandshake: s.tlsNoHandshake,
    tlsBadRecords: s.tlsBadRecords,
    tlsRecords: s.tlsRecords,
    tlsGaps: s.tlsGaps,
    tlsSipPortNotDecrypted: s.tlsSipPortNotDecrypted,
  };
}

/**
 * The correlator answers at push time; later messages can still merge two
 * calls (a linking header) or reveal the dialog a request created (its 2xx).
 * The records are authoritative: copy their view onto the messages.
 */
function assignFinal(messages: MessageTable, dialogs: DialogRecord[], calls: CallRecord[]): void {
  for (const c of calls) for (const m of c.messages) messages.setCall(m, c.id);
  // A forked INVITE belongs to every early dialog it created: name the confirmed one.
  for (const d of dialogs) {
    for (const m of d.messages) {
      const cur = messages.dialogOf(m);
      if (
        cur === null ||
        (d.state !== 'early' && d.confirmedAt !== null && dialogs[cur]?.confirmedAt === null)
      )
        messages.setDialog(m, d.id);
    }
  }
}
