/**
 * `sipscope live -i IFACE [-i IFACE …] [-f BPF] [--hep PORT] [--json]`:
 * watch a SIP port without the UI. Prints each message, each finished
 * call and each finished RTP stream as a line (findings too); `--json`
 * prints NDJSON events for scripts:
 *
 *   {"type":"message","message":{…}}   a message as in `analyze --json` (+ "hep" when a HEP agent sent it)
 *   {"type":"call","call":{…}}         a finished call as in `analyze --json`
 *   {"type":"stream","stream":{…}}     a finished RTP stream as in `analyze --json` `streams`
 *   {"type":"dtmf","call":N,"dtmf":[…]} a call's digits as its `dtmf` in `analyze --json`, once its streams are out
 *   {"type":"finding","finding":{…}}   as in `analyze --json`
 *   {"type":"stats","stats":{…}}       every --stats seconds and once at the end
 *
 * Ctrl-C (SIGINT) or SIGTERM stops the capture, flushes (every call still
 * in progress is handed out) and prints a summary.
 */

import { isatty } from 'node:tty';
import { type Finding, severityCountsText } from '../analyze/finding.js';
import type { CallRecord } from '../correlate/model.js';
import { liveMessageJson, liveMessageRecord } from '../live/live-message.js';
import type { LiveMessage } from '../live/live-pipeline.js';
import { createLiveSession, type LiveSession, type LiveSessionStats } from '../live/live-session.js';
import { type LiveTlsStats, readTlsPorts } from '../live/live-tls.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { type CallDtmf, dtmfLine } from '../report/call-dtmf.js';
import { callJson } from '../report/model-json.js';
import { readTlsKeyOptions } from '../tls/key-options.js';
import { Output } from './output.js';
import { parseCliArgs } from './parse-args.js';
import { termSafe, writeErr } from './term-safe.js';

const USAGE =
  'usage: sipscope live -i IFACE [-i IFACE …] [-f BPF] [--hep PORT [--hep-key KEY]] [--json] [--tls-keylog KEYLOG [--tls-port PORT]] [--tls-key KEY.pem]';

export async function runLive(args: string[], out = new Output()): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (e) {
    writeErr(`sipscope live: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const interfaces = values.interface ?? [];
  const hepPort = values.hep === undefined ? undefined : Number(values.hep);
  if (hepPort !== undefined && !(Number.isInteger(hepPort) && hepPort > 0 && hepPort < 65536)) {
    writeErr(`sipscope live: --hep expects a port number, got '${values.hep}'\n`);
    return 2;
  }
  if (interfaces.length === 0 && hepPort === undefined) {
    writeErr(`sipscope live: name an interface (-i) or a HEP port (--hep)\n${USAGE}\n`);
    return 2;
  }
  const tool = values.tool;
  if (tool !== undefined && tool !== 'auto' && tool !== 'dumpcap' && tool !== 'tcpdump') {
    writeErr(`sipscope live: --tool is dumpcap, tcpdump or auto, got '${tool}'\n`);
    return 2;
  }
  const statsEvery = values.stats === undefined ? 10 : Number(values.stats);
  if (!(statsEvery >= 0)) {
    writeErr(`sipscope live: --stats expects seconds, got '${values.stats}'\n`);
    return 2;
  }
  const json = values.json === true;
  // Lines of the wire's text, for a terminal or a program (output.ts, term-safe.ts).
  out.jsonTerminal = json && out.fd !== null && isatty(out.fd);
  const buffer = values.buffer === undefined ? undefined : Number(values.buffer);
  if (buffer !== undefined && !(Number.isInteger(buffer) && buffer > 0)) {
    writeErr(`sipscope live: --buffer expects MiB, got '${values.buffer}'\n`);
    return 2;
  }
  // Checked as analyze checks them (one line); the key log is then followed as it grows (src/live/live-tls.ts).
  const keyLog = values['tls-keylog'];
  const keys = readTlsKeyOptions(keyLog, values['tls-key']);
  if (typeof keys === 'string') {
    writeErr(`sipscope live: ${keys}\n`);
    return 2;
  }
  const sipPorts = readTlsPorts(values['tls-port']);
  if (typeof sipPorts === 'string' || (values['tls-port'] !== undefined && keyLog === undefined)) {
    writeErr(
      `sipscope live: ${typeof sipPorts === 'string' ? sipPorts : '--tls-port needs --tls-keylog KEYLOG'}\n`,
    );
    return 2;
  }
  const tls =
    keyLog === undefined && keys.tlsRsaKeys === undefined
      ? undefined
      : { keyLogFile: keyLog, rsaKeys: keys.tlsRsaKeys, wait: { sipPorts } };

  let session: LiveSession;
  try {
    session = createLiveSession({
      interfaces,
      filter: values.filter,
      tool,
      bufferMiB: buffer,
      hep:
        hepPort === undefined
          ? undefined
          : { port: hepPort, host: values['hep-host'], authKey: values['hep-key'] },
      pipeline: { tls },
    });
  } catch (e) {
    writeErr(`sipscope live: ${(e as Error).message}\n`);
    return 2;
  }

  // Lines are gathered and written once per turn of the event loop: one system call for a burst, not one per message.
  let flushQueued = false;
  const flushSoon = () => {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      out.flush();
    });
  };
  const live = session.pipeline;
  if (json) {
    live.on('message', (m) => {
      out.line(`{"type":"message","message":${liveMessageJson(m)}}`);
      flushSoon();
    });
    live.on('call', (c) => {
      out.line(`{"type":"call","call":${callJson(c)}}`);
      flushSoon();
    });
    live.on('stream', (st) => {
      out.line(`{"type":"stream","stream":${JSON.stringify(st)}}`);
      flushSoon();
    });
    live.on('dtmf', (call, digits) => {
      out.line(`{"type":"dtmf","call":${call},"dtmf":${JSON.stringify(digits)}}`);
      flushSoon();
    });
    live.on('finding', (f) => {
      out.line(`{"type":"finding","finding":${JSON.stringify(f)}}`);
      flushSoon();
    });
  } else {
    live.on('message', (m) => {
      out.line(messageLine(m));
      flushSoon();
    });
    live.on('call', (c) => {
      out.line(callLine(c));
      flushSoon();
    });
    live.on('stream', (st) => {
      out.line(streamLine(st));
      flushSoon();
    });
    live.on('dtmf', (call, digits) => {
      out.line(callDtmfLine(call, digits));
      flushSoon();
    });
    live.on('finding', (f) => {
      out.line(findingLine(f));
      flushSoon();
    });
  }
  session.on('error', (e) => writeErr(`sipscope live: ${e.message}\n`));

  try {
    await session.start();
  } catch (e) {
    writeErr(`sipscope live: ${(e as Error).message}\n`);
    return 2;
  }
  const what = [
    interfaces.length > 0
      ? `capturing on ${interfaces.join(', ')}${values.filter ? ` (${values.filter})` : ''}`
      : '',
    hepPort !== undefined ? `HEP on UDP/TCP ${hepPort}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  writeErr(`sipscope live: ${what}; Ctrl-C to stop\n`);

  const statsTimer =
    json && statsEvery > 0
      ? setInterval(() => {
          out.line(`{"type":"stats","stats":${JSON.stringify(session.stats())}}`);
          flushSoon();
        }, statsEvery * 1000)
      : null;

  const ended = new Promise<LiveSessionStats>((resolve) => session.on('end', resolve));
  let signals = 0;
  const onSignal = () => {
    // A second Ctrl-C does not wait for the flush.
    if (++signals > 1) process.exit(130);
    void session.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stats = await ended;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (statsTimer !== null) clearInterval(statsTimer);
  if (json) out.line(`{"type":"stats","stats":${JSON.stringify(stats)}}`);
  else out.write(summary(stats));
  out.flush();
  const failed = session.capture?.lastError ?? session.hep?.lastError ?? null;
  return failed !== null ? 1 : 0;
}

/** The options of `live` (each documented in help.ts: test/cli/help.test.ts). */
export const LIVE_OPTIONS = {
  interface: { type: 'string', short: 'i', multiple: true },
  filter: { type: 'string', short: 'f' },
  hep: { type: 'string' },
  'hep-host': { type: 'string' },
  'hep-key': { type: 'string' },
  tool: { type: 'string' },
  json: { type: 'boolean' },
  stats: { type: 'string' },
  buffer: { type: 'string', short: 'B' },
  'tls-keylog': { type: 'string' },
  'tls-key': { type: 'string', multiple: true },
  'tls-port': { type: 'string', multiple: true },
} as const;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: false, options: LIVE_OPTIONS });
}

const clock = (ts: number): string => {
  const d = new Date(ts * 1000);
  const us = Math.round((ts - Math.floor(ts)) * 1e6) % 1e6;
  return `${d.toISOString().slice(11, 19)}.${String(us).padStart(6, '0')}`;
};

export function messageLine(m: LiveMessage): string {
  const r = liveMessageRecord(m);
  const start = m.msg.startLine.length > 80 ? `${m.msg.startLine.slice(0, 77)}...` : m.msg.startLine;
  const node = m.msg.source?.hep?.node;
  return termSafe(
    `${String(r.frame).padStart(7)} ${clock(r.ts)}  ${r.src} -> ${r.dst}  ${r.transport.toUpperCase()}  ${start}  ${r.callId ?? '-'}${r.retransmission ? '  [retrans]' : ''}${r.malformed ? '  [malformed]' : ''}${node ? `  [${node}]` : ''}`,
  );
}

export function callLine(c: CallRecord): string {
  const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(3)} s`);
  const state =
    c.finalStatus !== null && c.state !== 'completed' && c.state !== 'in-call'
      ? `${c.state} ${c.finalStatus}`
      : c.state;
  return termSafe(
    `== call ${c.id} ${c.kind} ${state}: ${c.from ?? '-'} -> ${c.to ?? '-'}, ${c.messages.length} messages, setup ${secs(c.setupMs)}, duration ${secs(c.durationMs)}, Call-ID ${c.callIds.join(', ')}`,
  );
}

/**
 * A call's digits, worded as `analyze`'s call report words them (`DTMF: 1 2 #
 * (RFC 4733, stream 0), 5 (SIP INFO)`), on a line of its own: they are known
 * once the call's streams are out, after its call line.
 */
export function callDtmfLine(call: number, digits: readonly CallDtmf[]): string {
  return termSafe(`== call ${call} DTMF: ${dtmfLine(digits)}`);
}

/** A finished RTP stream, with the figures of `analyze`'s stream table (the codecs come from the wire's SDP). */
export function streamLine(s: RtpStreamRecord): string {
  const jitter = s.maxJitterMs === null ? '-' : s.maxJitterMs.toFixed(1);
  return termSafe(
    `RTP ${s.src} -> ${s.dst} ssrc ${s.ssrc} ${s.codecs.join(',') || '-'} ${s.packets} pkts lost ${s.lost} (${s.lostPercent}%) max jitter ${jitter} ms call ${s.call ?? '-'}`,
  );
}

export function findingLine(f: Finding): string {
  return termSafe(
    `!! ${f.severity} ${f.rule} (${f.rfc})${f.call !== null ? ` call ${f.call}` : ''}: ${f.text}`,
  );
}

export function summary(s: LiveSessionStats): string {
  const p = s.pipeline;
  const states = Object.entries(p.callsByState)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = [
    '',
    `packets: ${s.packets}${s.capture ? ` (captured ${s.capture.frames}, ${s.capture.bytes} bytes)` : ''}${s.hep ? ` (HEP ${s.hep.packets}: ${s.hep.sip} SIP, ${s.hep.ignored} other, ${s.hep.bad} bad, ${s.hep.authFailed} failed auth)` : ''}`,
    `dropped: ${s.dropped}${s.capture ? ` (kernel/tool ${s.capture.kernelDropped})` : ''}`,
    `SIP messages: ${p.messages} (${p.requests} requests, ${p.responses} responses, ${p.retransmissions} retransmissions, ${p.malformed} malformed), decode errors: ${p.decodeErrors}`,
    `calls: ${p.calls}${states ? ` (${states})` : ''}`,
    `findings: ${p.findings}${p.findings > 0 ? ` (${severityCountsText(p.findingsBySeverity)})` : ''}`,
  ];
  if (p.tls !== null) lines.push(tlsLine(p.tls));
  // RTP named only when there was some (a `port 5060` filter captures none).
  if (p.streams > 0 || p.rtpPackets > 0 || p.rtcpPackets > 0)
    lines.push(
      `RTP streams: ${p.streams} (${p.rtpPackets} RTP and ${p.rtcpPackets} RTCP packets on the addresses the SDP announced)`,
    );
  lines.push('');
  return lines.join('\n');
}

/** SIP over TLS: connections decrypted, why the others were not, and the wait for keys logged after their handshake. */
export function tlsLine(t: LiveTlsStats): string {
  const why = [
    `${t.withoutKey} without a key`,
    ...(t.unsupported > 0 ? [`${t.unsupported} unsupported`] : []),
    ...(t.withoutHandshake > 0 ? [`${t.withoutHandshake} without their handshake`] : []),
    ...(t.failedRecords > 0 ? [`${t.failedRecords} records failed to authenticate`] : []),
  ];
  const w = t.keyWait;
  const wait =
    w === null || w.waited === 0
      ? ''
      : `; ${w.waited} waited for their key: ${w.keyCame} came, ${w.expired} not in time, ${w.overflow} over the byte bounds`;
  // Not held for a key: HTTPS and the like, by their ClientHello and port (src/tls/key-wait.ts maySip).
  const notSip = w === null || w.notSip === 0 ? '' : `; ${w.notSip} not SIP, not waited for`;
  return `TLS connections: ${t.connections} (${t.decrypted} decrypted, ${why.join(', ')})${wait}${notSip}`;
}
