/**
 * The payloads of server/API.md, as the browser receives them. Field names are
 * those of `sipscope analyze --json` (the JSON contract); `(ext)` marks the
 * server's extensions. Everything in here came from a capture unless it is a
 * number or one of the closed unions: treat every string as attacker text.
 *
 * The records are src's own types (type-only imports, from modules that hold
 * types and no code, so neither Node code nor Node types come in): a field
 * added to the JSON contract is here at once. What follows adds only what the
 * browser sees differently: the server's extensions, and fields that records
 * stored by an older sipscope lack (made optional, each saying so).
 */

import type { Finding, FindingRange, Severity } from '../../../src/analyze/finding.js';
import type { RuleInfo } from '../../../src/analyze/rule-info.js';
import type { CallEndpoint, CallLink, CallRelation } from '../../../src/correlate/call-links.js';
import type { AnalysedPacket, PacketStatus } from '../../../src/media/analysed-packet.js';
import type { ClockDriftFigures } from '../../../src/media/clock-drift-figures.js';
import type { DtmfEvent } from '../../../src/media/dtmf-events.js';
import type { RtcpSummary } from '../../../src/media/rtcp-reports.js';
import type { RtpStreamSummary } from '../../../src/media/rtp-stats.js';
import type { RtpStreamRecord } from '../../../src/media/rtp-stream-record.js';
import type { SrtpSummary } from '../../../src/media/srtp-summary.js';
import type { AnalysisStats } from '../../../src/report/analysis-stats.js';
import type { CallDtmf } from '../../../src/report/call-dtmf.js';
import type { Sdp, SdpLine, SdpMedia } from '../../../src/sip/sdp-model.js';
import type {
  CaptureSource,
  CaptureStatus,
  CaptureInfo as SrcCaptureInfo,
} from '../../../src/store/capture-info.js';
import type { Distribution, HistBin } from '../../../src/store/distribution.js';
import type { FindingCount } from '../../../src/store/finding-filter.js';
import type { LiveInfo } from '../../../src/store/live-info.js';
import type { HeaderSpan, MessageDetail, ParseIssue, Span } from '../../../src/store/message-detail-view.js';
import type {
  CaptureStatsView,
  CallDetail as SrcCallDetail,
  CallPage as SrcCallPage,
} from '../../../src/store/query-views.js';
import type {
  DialogRow,
  MessageRow,
  SdpSummary,
  CallRow as SrcCallRow,
  TransactionRow,
} from '../../../src/store/rows.js';
import type { LiveTlsStats } from '../../../src/tls/tls-counts.js';

/**
 * Named here as the web has always named them: `CaptureStats` (what the
 * statistics view plots), `Dialog` and `Transaction` (the call detail's),
 * `LiveTlsInfo` (`LiveInfo.tls`), `Rule` (a catalogue entry), `SdpFull` and
 * `SdpMediaFull` (the message detail's parsed SDP, its offsets string indexes
 * into `raw`: server/API.md "Messages").
 */
export type {
  AnalysedPacket,
  CallDtmf,
  CallEndpoint,
  CallLink,
  CallRelation,
  CaptureSource,
  CaptureStatsView as CaptureStats,
  CaptureStatus,
  DialogRow as Dialog,
  Distribution,
  DtmfEvent,
  Finding,
  FindingCount,
  FindingRange,
  HeaderSpan,
  HistBin,
  LiveInfo,
  LiveTlsStats as LiveTlsInfo,
  MessageDetail,
  MessageRow,
  PacketStatus,
  ParseIssue,
  RtcpSummary,
  RtpStreamSummary,
  RuleInfo as Rule,
  Sdp as SdpFull,
  SdpLine,
  SdpMedia as SdpMediaFull,
  SdpSummary,
  Severity,
  Span,
  SrtpSummary,
  TransactionRow as Transaction,
};

/** The JSON contract's `stats`. */
export type Stats = Omit<AnalysisStats, 'findingsBySeverity' | 'malformed'> &
  /** Absent from captures analysed before sipscope counted them. */
  Partial<Pick<AnalysisStats, 'findingsBySeverity' | 'malformed'>>;

export interface CaptureInfo extends Omit<SrcCaptureInfo, 'stats'> {
  stats: Stats | null;
  /** (ext) Live captures only: the traffic and the rolling window (server/API.md). */
  live?: LiveInfo;
}

/** A call of the call list (server/API.md `CallRow`). */
export interface CallRow extends Omit<SrcCallRow, 'related' | 'links'> {
  /**
   * As the API sends them, and in words where the ladder draws related calls
   * as one (ladder/related-merge.ts: `call 7, the transfer's new call`).
   */
  links: Array<Omit<CallLink, 'evidence'> & { evidence: string }>;
  /** Absent from calls stored by a sipscope older than this field. */
  related?: CallRelation[];
  /** (ext) The DTMF digits the call carried (RFC 4733 and SIP INFO), in the call detail only; absent without any. */
  dtmf?: CallDtmf[];
}

export interface CallPage extends Omit<SrcCallPage, 'calls'> {
  calls: CallRow[];
}

export type SdpSummaryMedia = SdpSummary['media'][number];

/** What streams stored by an older sipscope lack (server/API.md: "absent on older records"). */
type OlderStreamFields =
  | 'setupDirection'
  | 'answered'
  | 'reverse'
  | 'meanNetworkJitterMs'
  | 'maxNetworkJitterMs'
  | 'payloadTypePackets'
  | 'payloadTypeStart'
  | 'payloadTypeEnd'
  | 'payloadTypeSpans';

/**
 * One RTP stream (RFC 3550): one SSRC in one direction, found on an address
 * a message's SDP announced, as Wireshark's "RTP Streams" lists it
 * (src/media/rtp-stream-record.ts), the fields older records lack optional.
 */
export type RtpStream = Omit<RtpStreamRecord, OlderStreamFields> &
  Partial<Pick<RtpStreamRecord, OlderStreamFields>>;

/** `GET …/calls/:callId/streams/:streamId/packets`: a page of a stream's analysed packets (ext). */
/** The stream's figures with Wireshark's drift figures (src/media/clock-drift.ts): optional, as an older server sends none. */
export type StreamPacketsSummary = RtpStreamSummary & Partial<ClockDriftFigures>;

export interface StreamPackets {
  stream: number;
  /** Hz; null when the codec's is unknown (no jitter, no skew). */
  clockRate: number | null;
  summary: StreamPacketsSummary;
  /** Packets of the whole stream; `packets` holds those from `offset` on, 100,000 at most. */
  total: number;
  /** The stream had more than the server analyses (1,000,000 packets): `total` and `summary` are of those first. */
  truncated?: true;
  offset: number;
  packets: AnalysedPacket[];
}

export interface CallDetail extends Omit<SrcCallDetail, 'call' | 'streams'> {
  call: CallRow;
  /**
   * The server always sends it; optional because the views still take a call
   * without (ladder/related-merge.ts leaves it out when no call had any).
   */
  streams?: RtpStream[];
}
