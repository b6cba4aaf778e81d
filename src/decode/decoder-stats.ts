/**
 * What the decoder counts and reports (DESIGN.md convention 15: drop and
 * count with visible counters). Issues go to a bounded list; every one is
 * counted, kept or not.
 */
import type { FragmentStats } from './ip-fragments.js';
import type { LayerResult } from './layer.js';
import type { DecodeIssue } from './payload.js';
import type { SctpStats } from './sctp-reassembly.js';
import type { TcpStats } from './tcp-reassembly.js';

export interface DecoderStats {
  frames: number;
  /** Frames that reached a transport layer (UDP, TCP, SCTP) or were taken by fragment reassembly. */
  decoded: number;
  /** Frames a layer could not take apart; each has an issue. */
  undecodable: number;
  undecodableByLayer: Record<string, number>;
  /** Frames that end at something we do not follow (ARP, ICMP, ESP, LCP, GTP echo, ...). */
  ignored: number;
  ignoredByProtocol: Record<string, number>;
  /** Non-fatal issues (clamped lengths, overlapping fragments, skipped TCP holes, ...). */
  warnings: number;
  payloads: number;
  ipFragments: number;
  ipReassembled: number;
  fragmentSetsDropped: number;
  tcpGaps: number;
  tcpRetransmissions: number;
  /** Issues counted but not kept in the bounded list. */
  issuesDropped: number;
  fragments: FragmentStats;
  tcp: TcpStats;
  sctp: SctpStats;
}

export function emptyStats(fragments: FragmentStats, tcp: TcpStats, sctp: SctpStats): DecoderStats {
  return {
    frames: 0,
    decoded: 0,
    undecodable: 0,
    undecodableByLayer: {},
    ignored: 0,
    ignoredByProtocol: {},
    warnings: 0,
    payloads: 0,
    ipFragments: 0,
    ipReassembled: 0,
    fragmentSetsDropped: 0,
    tcpGaps: 0,
    tcpRetransmissions: 0,
    issuesDropped: 0,
    fragments,
    tcp,
    sctp,
  };
}

/** Stats plus the bounded issue list, and the three ways a frame's walk reports. */
export class DecodeLog {
  readonly issues: DecodeIssue[] = [];

  constructor(
    readonly stats: DecoderStats,
    private readonly maxIssues: number,
  ) {}

  /** An issue: `undecodable` when it stopped the frame, a warning otherwise. */
  report(frame: number, layer: string, message: string, undecodable: boolean): void {
    const s = this.stats;
    if (undecodable) {
      s.undecodable++;
      s.undecodableByLayer[layer] = (s.undecodableByLayer[layer] ?? 0) + 1;
    } else {
      s.warnings++;
    }
    if (this.issues.length < this.maxIssues) this.issues.push({ frame, layer, message });
    else s.issuesDropped++;
  }

  /** The walk ended at a protocol we recognise but do not follow. */
  ignore(what: string): void {
    this.stats.ignored++;
    this.stats.ignoredByProtocol[what] = (this.stats.ignoredByProtocol[what] ?? 0) + 1;
  }

  /** Record a layer result's issue; false when the layer failed (the frame is undecodable). */
  check<F>(frame: number, layer: string, r: LayerResult<F>): r is Extract<LayerResult<F>, { ok: true }> {
    if (!r.ok) {
      this.report(frame, layer, r.issue, true);
      return false;
    }
    if (r.issue !== undefined) this.report(frame, layer, r.issue, false);
    return true;
  }
}
