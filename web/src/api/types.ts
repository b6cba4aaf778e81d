/**
 * The payloads of server/API.md, as the browser receives them. Field names are
 * those of `sipscope analyze --json` (the JSON contract); `(ext)` marks the
 * server's extensions. Everything in here came from a capture unless it is a
 * number or one of the closed unions: treat every string as attacker text.
 */

import type { DtmfEvent } from '../../../src/media/dtmf-events.js';
import type { RtcpSummary } from '../../../src/media/rtcp-reports.js';
import type { SrtpSummary } from '../../../src/media/srtp-summary.js';
import type { StreamQuality } from '../../../src/media/stream-quality.js';
import type { CallDtmf } from '../../../src/report/call-dtmf.js';
import type { LiveTlsStats } from '../../../src/tls/tls-counts.js';

export type { CallDtmf, DtmfEvent, RtcpSummary, SrtpSummary };

export type Severity = 'error' | 'warning' | 'info';
export type CaptureStatus = 'analyzing' | 'ready' | 'failed' | 'live';

export interface Stats {
  frames: number;
  sipMessages: number;
  requests: Record<string, number>;
  responses: Record<string, number>;
  retransmissions: number;
  transactions: number;
  dialogs: number;
  calls: number;
  findings: number;
  /** Absent from captures analysed before sipscope counted them. */
  findingsBySeverity?: { error: number; warning: number; info: number };
  decodeErrors: number;
  malformed?: number;
}

export interface CaptureSource {
  file: string;
  format: string;
  linkTypes: string[];
  frames: number;
  bytes: number;
  /** A capture merged by time from several files: each of them (as `sipscope analyze A B --json`). */
  files?: Array<{
    file: string;
    format: string;
    linkTypes: string[];
    frames: number;
    bytes: number;
    /** Seconds its frame times were moved by (`POST …/time-shift`), when they were. */
    timeShiftSeconds?: number;
  }>;
}

export interface CaptureInfo {
  id: string;
  name: string;
  size: number;
  status: CaptureStatus;
  progress: number;
  error?: string;
  /** Recoverable problems (a record cut short, a live capture interrupted), as the CLI prints them. */
  warnings?: string[];
  createdAt: string;
  /** When its analysis last ended ready (ISO 8601). */
  analyzedAt?: string;
  /** Analysed before the server's code was built: analysing again may find more (server/API.md "Captures"). */
  stale?: boolean;
  stats: Stats | null;
  source?: CaptureSource;
  /** Live captures only: the traffic and the rolling window (server/API.md). */
  live?: LiveInfo;
  /** TLS key material uploaded with it: what there is, never the keys (server/API.md "Captures"). */
  tlsKeys?: { keylog: boolean; rsaKeys: number };
  /** (ext) The server reads its file where it lies (a bundled sample): files and TLS keys cannot be added. */
  readInPlace?: boolean;
}

/** What a live capture reports besides its stats (server/API.md "Captures"). */
export interface LiveInfo {
  sources: string[];
  running: boolean;
  packets: number;
  bytes: number;
  droppedPackets: number;
  uptime: number;
  /** Its frames are written to disk (`serve --live-pcap`): the calls' pcap and RTP can be read back. */
  framesKept?: boolean;
  window: {
    calls: number;
    messages: number;
    bytes: number;
    maxCalls: number;
    maxMessages: number;
    maxBytes: number;
    evictedCalls: number;
    evictedActiveCalls: number;
    evictedMessages: number;
    dropped: number;
  };
  /** SIP over TLS, when the server was given keys (`--tls-keylog/--tls-key`) or saw TLS. */
  tls?: LiveTlsInfo;
}

/** A live capture's SIP over TLS (server/API.md `LiveInfo.tls`): connections, and the wait for keys logged late. */
export type LiveTlsInfo = LiveTlsStats;

export interface CallLink {
  callId: string;
  evidence: string;
}

/** Another call this one transferred to or from, replaced or was replaced by. */
export interface CallRelation {
  call: number;
  relation: 'transferred-to' | 'transferred-from' | 'replaces' | 'replaced-by';
  evidence: string;
  /** The REFER of a transfer, the INVITE of a replacement. */
  message: number;
}

export interface CallEndpoint {
  addr: string;
  label: string | null;
}

export interface CallRow {
  id: number;
  callIds: string[];
  from: string | null;
  to: string | null;
  start: number;
  end: number;
  state: string;
  setupMs: number | null;
  durationMs: number | null;
  dialogs: number[];
  messages: number[];
  links: CallLink[];
  kind: string;
  finalStatus: number | null;
  reason: string | null;
  pddMs: number | null;
  hangupBy: 'caller' | 'callee' | null;
  retransmissions: number;
  transactions: number[];
  endpoints: CallEndpoint[];
  /** Absent from calls stored by a sipscope older than this field. */
  related?: CallRelation[];
  /** (ext) The DTMF digits the call carried (RFC 4733 and SIP INFO), in the call detail only; absent without any. */
  dtmf?: CallDtmf[];
  /** (ext) */
  findingCount: number;
  /** (ext) */
  worstSeverity: Severity | null;
}

export interface CallPage {
  total: number;
  calls: CallRow[];
}

export interface SdpSummaryMedia {
  media: string;
  port: number;
  proto: string;
  addr: string | null;
  codecs: string[];
  direction: string | null;
}

export interface SdpSummary {
  addr: string | null;
  media: SdpSummaryMedia[];
}

export interface MessageRow {
  id: number;
  frame: number;
  /** A capture merged from several files: the file (0-based, `source.files`) `frame` came from. */
  file?: number;
  /** With `file`: the number of `frame` in that file. */
  fileFrame?: number;
  ts: number;
  src: string;
  dst: string;
  transport: string;
  method?: string;
  status?: number;
  reason?: string;
  callId: string | null;
  cseq: number | null;
  cseqMethod: string | null;
  fromTag: string | null;
  toTag: string | null;
  branch: string | null;
  transaction: number | null;
  dialog: number | null;
  call: number | null;
  retransmission: boolean;
  malformed?: boolean;
  frames?: number[];
  /** (ext) */
  sdp?: SdpSummary | null;
}

export interface Transaction {
  id: number;
  kind: string;
  method: string;
  branch: string | null;
  state: string;
  messages: number[];
  finalStatus: number | null;
  sentBy?: string;
  callId?: string;
  cseq?: number | null;
  retransmissions?: number;
  timedOut?: boolean;
  upstream?: number;
  cancels?: number;
  acks?: number;
  anomalies?: string[];
}

export interface Dialog {
  id: number;
  callId: string;
  tags: string[];
  state: string;
  messages: number[];
  kind?: string;
  createdBy?: number;
  start?: number | null;
  end?: number | null;
  endReason?: string | null;
}

export interface FindingRange {
  message: number;
  offset: number;
  length: number;
}

/** A rule's findings in a capture: `GET /api/captures/:id/findings/counts`. */
export interface FindingCount {
  rule: string;
  /** The worst severity among them. */
  severity: Severity;
  count: number;
}

export interface Finding {
  rule: string;
  severity: Severity;
  rfc: string;
  messages: number[];
  call: number | null;
  text: string;
  range?: FindingRange;
}

/**
 * One RTP stream (RFC 3550): one SSRC in one direction, found on an address
 * a message's SDP announced, as Wireshark's "RTP Streams" lists it
 * (src/media/media-tracker.ts `RtpStreamRecord`).
 */
export interface RtpStream {
  id: number;
  /** `0x06C156FD`. */
  ssrc: string;
  /** `ip:port` (IPv6 as `[v6]:port`). */
  src: string;
  dst: string;
  /** `audio`, `video`… from the SDP. */
  media: string;
  /** The codecs of the payload types seen (`PCMA/8000`), or the number where the SDP names none. */
  codecs: string[];
  /** The message whose SDP announced the address the stream matched. */
  setup: number;
  /** That SDP's direction (RFC 3264 §5.1); absent from older servers. */
  setupDirection?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** The destination's or the source's SDP came in a 2xx to an INVITE. */
  answered?: boolean;
  /** RTP went the other way between the same two hosts meanwhile: false is one-way media. */
  reverse?: boolean;
  /** The call of that message. */
  call: number | null;
  /** Frames of the first and last packets (1-based, as Wireshark counts). */
  firstFrame: number;
  lastFrame: number;
  packets: number;
  /** Payload bytes. */
  bytes: number;
  expected: number;
  /** expected − packets: negative with duplicates. */
  lost: number;
  lostPercent: number;
  sequenceErrors: number;
  /** Capture time of the first and the last packet (epoch seconds). */
  start: number;
  end: number;
  durationMs: number;
  minDeltaMs: number | null;
  meanDeltaMs: number | null;
  maxDeltaMs: number | null;
  meanJitterMs: number | null;
  maxJitterMs: number | null;
  /** The same over voice packets only (DTMF, comfort noise, timestamp jumps left out); absent from older analyses. */
  meanNetworkJitterMs?: number | null;
  maxNetworkJitterMs?: number | null;
  payloadTypes: number[];
  /** Packets of each of those payload types, in the same order; absent from older analyses. */
  payloadTypePackets?: number[];
  payloadTypeStart?: number[];
  payloadTypeEnd?: number[];
  markers: number;
  /** What the stream's RTCP said (RFC 3550 §6.4): present only when its receiver or sender reported. */
  rtcp?: RtcpSummary;
  /** Its RFC 4733 telephone events, one per digit: present only when it carried telephone-event packets. */
  dtmf?: DtmfEvent[];
  dtmfMalformed?: number;
  dtmfDropped?: number;
  /** RFC 2198 redundancy: the payload types and codecs inside its red packets (present only when it had any). */
  red?: { payloadTypes: number[]; codecs: string[]; malformed?: number };
  /** SRTP (RFC 3711) and its SDES key (RFC 4568): present only for an SRTP stream (server/API.md SrtpSummary). */
  srtp?: SrtpSummary;
  /** Its E-model estimate (ITU-T G.107, server/API.md StreamQuality): absent from older analyses. */
  quality?: StreamQuality;
}

/** What an RTP packet of a stream is flagged for in its analysis (src/media/stream-analysis.ts). */
export type PacketStatus = 'ok' | 'sequence' | 'payload-type' | 'marker';

/** One packet of a stream as Wireshark's RTP Stream Analysis lists it (server/API.md "Calls"). */
export interface AnalysedPacket {
  /** 1-based, as Wireshark counts. */
  frame: number;
  /** Capture time (epoch seconds). */
  ts: number;
  sequence: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
  /** Arrival gap from the packet before, ms (0 for the first). */
  deltaMs: number;
  /** The running interarrival jitter after this packet, ms; null without a clock rate. */
  jitterMs: number | null;
  /** Arrival against where the RTP timestamp puts it, from the first packet, ms (negative: late); null without a clock rate. */
  skewMs: number | null;
  /** Sequence numbers skipped just before it. */
  lostBefore: number;
  status: PacketStatus;
}

/** A stream's figures computed again from its packets: the call detail's stream figures without the SDP's. */
export type RtpStreamSummary = Pick<
  RtpStream,
  | 'ssrc'
  | 'packets'
  | 'bytes'
  | 'expected'
  | 'lost'
  | 'lostPercent'
  | 'sequenceErrors'
  | 'start'
  | 'end'
  | 'durationMs'
  | 'minDeltaMs'
  | 'meanDeltaMs'
  | 'maxDeltaMs'
  | 'meanJitterMs'
  | 'maxJitterMs'
  | 'payloadTypes'
  | 'markers'
>;

/** `GET …/calls/:callId/streams/:streamId/packets`: a page of a stream's analysed packets (ext). */
export interface StreamPackets {
  stream: number;
  /** Hz; null when the codec's is unknown (no jitter, no skew). */
  clockRate: number | null;
  summary: RtpStreamSummary;
  /** Packets of the whole stream; `packets` holds those from `offset` on, 100,000 at most. */
  total: number;
  /** The stream had more than the server analyses (1,000,000 packets): `total` and `summary` are of those first. */
  truncated?: true;
  offset: number;
  packets: AnalysedPacket[];
}

export interface CallDetail {
  call: CallRow;
  messages: MessageRow[];
  transactions: Transaction[];
  dialogs: Dialog[];
  findings: Finding[];
  /** The call's RTP streams; absent from servers older than RTP stream detection. */
  streams?: RtpStream[];
}

export interface Span {
  start: number;
  end: number;
}

export interface HeaderSpan extends Span {
  name: string;
  value: string;
  nameEnd: number;
}

export interface SdpLine {
  type: string;
  value: string;
  offset: number;
  length: number;
}

export interface SdpMediaFull {
  media: string;
  port: number;
  proto: string;
  formats: string[];
  connection?: { address: string; addrType?: string };
  rtpmap: Record<string, { payloadType: number; encoding: string; clockRate: number; channels?: number }>;
  fmtp?: Record<string, string>;
  direction: string;
  attributes?: Array<{ name: string; value?: string }>;
}

export interface SdpFull {
  version?: number;
  origin?: { username: string; address: string; sessionId?: string; sessionVersion?: string };
  sessionName?: string;
  connection?: { address: string; addrType?: string };
  direction?: string;
  media: SdpMediaFull[];
  lines?: SdpLine[];
}

export interface ParseIssue {
  code: string;
  message: string;
  severity: string;
  start?: number;
  end?: number;
}

export interface MessageDetail extends Omit<MessageRow, 'sdp'> {
  raw: string;
  startLine: Span;
  headers: HeaderSpan[];
  body: Span | null;
  sdp: SdpFull | null;
  issues: ParseIssue[];
  findings: Finding[];
}

export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  scope: string;
  rfc: { ref: string; text: string };
  explanation: string;
}

export interface CaptureStats {
  requests: Record<string, number>;
  responses: Record<string, number>;
  callsByState: Record<string, number>;
  callsByKind: Record<string, number>;
  asr: number | null;
  pddMs: Distribution;
  setupMs: Distribution;
  durationMs: Distribution;
}

/** A histogram bin: [x0, x1) (the last one [x0, x1]). */
export interface HistBin {
  x0: number;
  x1: number;
  count: number;
}

/** A timing of the calls that have it, summarised by the server (src/store/distribution.ts). */
export interface Distribution {
  n: number;
  bins: HistBin[];
  median: number | null;
  p95: number | null;
  max: number | null;
}
