/**
 * `sipscope analyze FILE… [--json | --csv | --call ID]`: the text report, the JSON contract document, the call list as
 * CSV, or one call's ladder. Several files are analysed as one capture, merged by time (capture/merge-captures.ts).
 */

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isatty } from 'node:tty';
import { severityCountsText } from '../analyze/finding.js';
import type { ClockOffset } from '../capture/clock-offsets.js';
import { clockText, secondsText } from '../capture/clock-text.js';
import { CaptureError } from '../capture/frame.js';
import { filesSource } from '../capture/frame-source.js';
import { parseSeconds, parseTimeShifts, type TimeShift } from '../capture/time-shift.js';
import type { CallRecord } from '../correlate/model.js';
import { analyseRecordedStream } from '../media/stream-analysis.js';
import { type AnalysisResult, analyzeCapture, measureClockOffsets } from '../report/analyze-capture.js';
import type { CallDtmf } from '../report/call-dtmf.js';
import { analysisCsvLines } from '../report/calls-csv.js';
import type { MessageRecord } from '../report/message-record.js';
import { readTlsKeyOptions, type TlsKeyOptions } from '../tls/key-options.js';
import {
  PARALLEL_JSON,
  type ParallelJsonOptions,
  writeJsonReport,
  writeJsonReportInParallel,
} from './json-output.js';
import { MessagesWorker } from './messages-writer.js';
import { Output } from './output.js';
import { parseCliArgs } from './parse-args.js';
import { SdpByMessage } from './sdp-by-message.js';
import { streamReport } from './stream-report.js';
import { termSafe, writeErr } from './term-safe.js';
import { callLadder, callList, findCall, findingsByCall, streamList } from './text-report.js';

/** `parallel`: when the `messages` of --json are written by a worker thread (json-output.ts). */
export async function runAnalyze(
  args: string[],
  out = new Output(),
  parallel: Readonly<ParallelJsonOptions> = PARALLEL_JSON,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    writeErr(`sipscope analyze: ${(e as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    writeErr('sipscope analyze: expects a capture FILE, or several (see sipscope --help)\n');
    return 2;
  }
  if (positionals.length > 1 && positionals.includes('-')) {
    writeErr('sipscope analyze: - (standard input) is read alone, not merged with other files\n');
    return 2;
  }
  // Several files are one capture merged by time; one is read as it always was.
  const file: string | readonly string[] = positionals.length === 1 ? positionals[0] : positionals;
  const json = values.json === true;
  const csv = values.csv === true;
  const callId = values.call;
  const streamId = values.stream;
  const tlsKeys = readTlsKeyOptions(values['tls-keylog'], values['tls-key']);
  if (typeof tlsKeys === 'string') {
    writeErr(`sipscope analyze: ${tlsKeys}\n`);
    return 2;
  }
  const timeShifts = parseTimeShifts(values['time-shift'], positionals);
  if (typeof timeShifts === 'string') {
    writeErr(`sipscope analyze: ${termSafe(timeShifts)}\n`);
    return 2;
  }
  if (values.align === true && values['time-shift'] !== undefined) {
    writeErr('sipscope analyze: --align measures the shifts itself: it goes without --time-shift\n');
    return 2;
  }
  if (values.align === true && positionals.length < 2) {
    writeErr('sipscope analyze: --align aligns the clocks of several files: give two or more\n');
    return 2;
  }
  if (csv && (json || callId !== undefined || streamId !== undefined)) {
    writeErr('sipscope analyze: --csv is the call list; it goes with neither --json, --call nor --stream\n');
    return 2;
  }
  if (streamId !== undefined && callId !== undefined) {
    writeErr('sipscope analyze: --call and --stream exclude each other\n');
    return 2;
  }
  if (streamId !== undefined && file === '-') {
    writeErr('sipscope analyze: --stream reads the file twice, not standard input\n');
    return 2;
  }
  // Started now, the worker loads its modules while the analysis runs. Without a CPU of its own, it cannot help.
  // A merged capture's messages carry their file (message-table.ts origins): written on this thread.
  const worker =
    typeof file === 'string' &&
    json &&
    callId === undefined &&
    streamId === undefined &&
    out.fd !== null &&
    availableParallelism() >= parallel.minCpus &&
    fileSize(file) >= parallel.minFileBytes
      ? new MessagesWorker()
      : null;
  try {
    return await analyze(
      file,
      { json, csv, callId, streamId, tlsKeys, timeShifts, align: values.align === true },
      out,
      worker,
      parallel,
    );
  } finally {
    worker?.dispose();
  }
}

async function analyze(
  file: string | readonly string[],
  {
    json,
    csv,
    callId,
    streamId,
    tlsKeys,
    timeShifts,
    align,
  }: {
    json: boolean;
    csv: boolean;
    callId: string | undefined;
    streamId: string | undefined;
    tlsKeys: TlsKeyOptions;
    timeShifts: (TimeShift | null)[];
    align: boolean;
  },
  out: Output,
  worker: MessagesWorker | null,
  parallel: Readonly<ParallelJsonOptions>,
): Promise<number> {
  const name = typeof file === 'string' ? file : file.join(', ');
  const listMessages = !json && !csv && callId === undefined && streamId === undefined;
  // The text report carries Call-IDs, URIs, User-Agents and reason phrases: anyone's text (term-safe.ts).
  // JSON escapes C0 itself; CSV is data for another program and stays byte for byte, unless it goes
  // to a terminal (as ls quotes names for a terminal only).
  const tty = out.fd !== null && isatty(out.fd);
  out.terminal = !json && (!csv || tty);
  // JSON keeps DEL and C1 controls as they are: escaped for a terminal only (output.ts).
  out.jsonTerminal = json && tty;
  let t0: number | undefined;
  let result: AnalysisResult;
  // A call's story tells its SDP offer and answer: read only for it (a hook makes the analysis copy datagrams).
  const sdp = callId !== undefined && !json ? new SdpByMessage() : undefined;
  let aligned: (ClockOffset | null)[] | null = null;
  let shifts = timeShifts;
  try {
    if (align) {
      // A first pass measures each file's clock against file 0's; the analysis runs with them undone.
      aligned = await measureClockOffsets(positionals(file), tlsKeys);
      shifts = aligned.map((c) =>
        c === null ? null : (parseSeconds(secondsText(-c.offsetSeconds)) ?? null),
      );
    }
    result = await analyzeCapture(file, {
      ...tlsKeys,
      timeShifts: shifts,
      onMessage: listMessages
        ? (msg, id, table) => {
            const rec = table.get(id);
            t0 ??= rec.ts;
            out.line(textLine(rec, msg.startLine, t0));
          }
        : sdp?.onMessage,
    });
  } catch (e) {
    if (e instanceof CaptureError) {
      writeErr(`sipscope: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for (const w of result.warnings) writeErr(`sipscope: warning: ${w}\n`);
  if (streamId !== undefined) {
    const s = /^\d{1,9}$/.test(streamId) ? result.streams.find((x) => x.id === Number(streamId)) : undefined;
    if (s === undefined) {
      writeErr(
        `sipscope analyze: no stream '${termSafe(streamId)}' in ${name} (it has ${result.streams.length}: see the RTP streams of sipscope analyze)\n`,
      );
      return 2;
    }
    // Read back with the same shifts: the merged order, so the frame numbers, depend on them.
    const a = await analyseRecordedStream(filesSource(positionals(file), shifts), s);
    if (json)
      out.write(
        `${JSON.stringify({ stream: s, clockRate: a.clockRate, summary: a.summary, packets: a.packets })}\n`,
      );
    else out.write(streamReport(s, a, result.calls[0]?.start ?? result.streams[0]?.start ?? 0));
  } else if (callId !== undefined) {
    const call = findCall(result, callId);
    if (!call) {
      writeErr(
        `sipscope analyze: no call '${termSafe(callId)}' in ${name} (give our call id or a Call-ID)\n`,
      );
      return 2;
    }
    if (json)
      // The messages as the full document writes them (message-table.ts json): their text decoded as UTF-8.
      out.write(
        `{"call":${JSON.stringify(withDtmf(call, result.dtmf.get(call.id)))},"messages":[${call.messages.map((m) => result.messages.json(m)).join(',')}],"streams":${JSON.stringify(result.streams.filter((st) => st.call === call.id))}}\n`,
      );
    else out.write(callLadder(result, call, (id) => sdp!.get(id)));
  } else if (csv) {
    for (const line of analysisCsvLines(result)) out.write(line);
  } else if (json) {
    if (worker !== null) await writeJsonReportInParallel(result, out, worker, parallel);
    else writeJsonReport(result, out);
  } else {
    const streams = streamList(result.streams, result.calls[0]?.start ?? result.streams[0]?.start ?? 0);
    out.write(
      `\n${callList(result)}\n${streams ? `${streams}\n` : ''}${findingsByCall(result)}${summary(result, aligned)}`,
    );
  }
  out.flush();
  // A file corrupt after good frames: the report above is of those; the error comes last, as tshark's does.
  for (const e of result.errors) writeErr(`sipscope: ${e}\n`);
  return result.errors.length > 0 ? 2 : 0;
}

/** The file's size, 0 when it cannot be read (the analysis says why). */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The options of `analyze` (each documented in help.ts: test/cli/help.test.ts). */
export const ANALYZE_OPTIONS = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  call: { type: 'string' },
  stream: { type: 'string' },
  'tls-keylog': { type: 'string' },
  'tls-key': { type: 'string', multiple: true },
  'time-shift': { type: 'string', multiple: true },
  align: { type: 'boolean' },
} as const;

const positionals = (file: string | readonly string[]): readonly string[] =>
  typeof file === 'string' ? [file] : file;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: true, options: ANALYZE_OPTIONS });
}

function textLine(r: MessageRecord, startLine: string, t0: number): string {
  const t = (r.ts - t0).toFixed(6).padStart(12);
  const line = startLine.length > 80 ? `${startLine.slice(0, 77)}...` : startLine;
  return `${String(r.frame).padStart(7)} ${t}  ${r.src} -> ${r.dst}  ${r.transport.toUpperCase()}  ${line}  ${r.callId ?? '-'}${r.malformed ? '  [malformed]' : ''}`;
}

/** SIP over TLS: how many connections were decrypted, and why the others were not. */
function tlsLine(r: AnalysisResult): string {
  const t = r.tls;
  const why = [
    `${t.tlsNoKey} without a key`,
    ...(t.tlsUnsupported > 0
      ? [`${t.tlsUnsupported} unsupported (TLS 1.0/1.1, or not AES-GCM, AES-CBC or ChaCha20-Poly1305)`]
      : []),
    ...(t.tlsNoHandshake > 0 ? [`${t.tlsNoHandshake} without their handshake`] : []),
    ...(t.tlsBadRecords > 0 ? [`${t.tlsBadRecords} records failed to authenticate`] : []),
    ...(t.tlsGaps > 0 ? [`${t.tlsGaps} directions stopped at a gap`] : []),
  ];
  return `TLS connections: ${t.tlsFlows} (${t.tlsDecrypted} decrypted, ${why.join(', ')})`;
}

/** What was read: the file, or the merged files, each with its own figures, then the whole. */
function sourceLines(src: AnalysisResult['source']): string[] {
  const linkTypes = src.linkTypes.join(', ') || '-';
  if (src.files === undefined)
    return [
      `${src.file}: ${src.format}, link types ${linkTypes}, ${src.frames} frames, ${src.bytes} bytes${shiftNote(src)}`,
    ];
  return [
    `${src.files.length} files merged by time: ${src.files.map((f) => f.file).join(', ')}`,
    ...src.files.flatMap((f, i) => [
      `  file ${i}: ${f.file}: ${f.format}, link types ${f.linkTypes.join(', ') || '-'}, ${f.frames} frames, ${f.bytes} bytes${shiftNote(f)}`,
      ...(f.clock ? [`  file ${i}: ${clockText(f.clock)}`] : []),
    ]),
    `merged: link types ${linkTypes}, ${src.frames} frames, ${src.bytes} bytes`,
  ];
}

/** `, times shifted by -2.315 s` when --time-shift moved the file. */
function shiftNote(f: { timeShiftSeconds?: number }): string {
  return f.timeShiftSeconds === undefined ? '' : `, times shifted by ${secondsText(f.timeShiftSeconds)} s`;
}

/** What --align applied: each file's shift, from its clock measured against file 0's (none: nothing in common). */
function alignLine(aligned: readonly (ClockOffset | null)[]): string {
  const each = aligned
    .slice(1)
    .map((c, i) =>
      c === null
        ? `file ${i + 1} not moved (no message in common with file 0)`
        : `file ${i + 1} moved by ${secondsText(-c.offsetSeconds)} s (its ${clockText(c)})`,
    );
  return `clocks aligned on file 0 (--align): ${each.join('; ')}`;
}

function summary(r: AnalysisResult, aligned: readonly (ClockOffset | null)[] | null): string {
  const s = r.stats;
  const methods = Object.entries(s.requests)
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  const codes = Object.entries(s.responses)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return [
    '',
    ...(aligned === null ? [] : [alignLine(aligned)]),
    ...sourceLines(r.source),
    `SIP messages: ${s.sipMessages} (${s.malformed} malformed, ${s.retransmissions} retransmissions), decode errors: ${s.decodeErrors}`,
    `transactions: ${s.transactions}, dialogs: ${s.dialogs}, calls: ${s.calls}, findings: ${s.findings}${s.findings > 0 ? ` (${severityCountsText(s.findingsBySeverity)})` : ''}`,
    ...(r.streams.length > 0 || r.rtcpPackets > 0
      ? [
          `RTP streams: ${r.streams.length} (${r.streams.reduce((n, x) => n + x.packets, 0)} RTP and ${r.rtcpPackets} RTCP packets on the addresses the SDP announced)`,
        ]
      : []),
    ...(r.tls.tlsFlows > 0 ? [tlsLine(r)] : []),
    `requests: ${methods || '-'}`,
    `responses: ${codes || '-'}`,
    '',
  ].join('\n');
}

/** The call as the --call JSON gives it: its digits as `dtmf` when it has any (as the full document's calls). */
function withDtmf(call: CallRecord, dtmf: CallDtmf[] | undefined): CallRecord & { dtmf?: CallDtmf[] } {
  return dtmf === undefined || dtmf.length === 0 ? call : { ...call, dtmf };
}
