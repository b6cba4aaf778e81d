/**
 * `GET /metrics` in the Prometheus text format (version 0.0.4). What the
 * stored captures hold is a gauge (it falls when a capture is deleted): packets,
 * bytes, SIP messages, decode errors, calls by state, findings by rule. What
 * the server did since it started is a counter: uploads, analyses, events,
 * drops. The process's own CPU and memory follow (process-metrics.ts).
 */
import type { Store } from '../src/store/store.js';
import type { WindowStore } from '../src/store/window-store.js';
import type { CaptureService } from './capture-service.js';
import { liveEvictions, liveMetricLines } from './live-metrics.js';
import type { LiveMonitor } from './live-monitor.js';
import { processMetricLines } from './process-metrics.js';
import { metric } from './prometheus-text.js';

interface CaptureFacts {
  callsByState: Record<string, number>;
  findingsByRule: Record<string, number>;
}

export class Metrics {
  /** Per ready capture: computed once (a capture does not change after it is ready). */
  private readonly facts = new Map<string, CaptureFacts>();

  constructor(
    private readonly store: Store,
    private readonly service: CaptureService,
    private readonly live?: { monitor: LiveMonitor; windows: WindowStore },
  ) {}

  async text(): Promise<string> {
    const captures = await this.store.listCaptures();
    const byStatus: Record<string, number> = { analyzing: 0, ready: 0, failed: 0, live: 0 };
    const sum = { frames: 0, bytes: 0, sip: 0, decodeErrors: 0, retrans: 0, malformed: 0 };
    const calls: Record<string, number> = {};
    const findings: Record<string, number> = {};
    const present = new Set<string>();
    for (const c of captures) {
      byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
      if (c.status !== 'ready' || c.stats === null) continue;
      present.add(c.id);
      sum.frames += c.stats.frames;
      sum.bytes += c.source?.bytes ?? c.size;
      sum.sip += c.stats.sipMessages;
      sum.decodeErrors += c.stats.decodeErrors;
      sum.retrans += c.stats.retransmissions;
      sum.malformed += c.stats.malformed;
      const f = await this.factsOf(c.id);
      for (const [k, n] of Object.entries(f.callsByState)) calls[k] = (calls[k] ?? 0) + n;
      for (const [k, n] of Object.entries(f.findingsByRule)) findings[k] = (findings[k] ?? 0) + n;
    }
    for (const id of [...this.facts.keys()]) if (!present.has(id)) this.facts.delete(id);
    const s = this.service.counters;
    const out: string[] = [];
    const g = (name: string, help: string, v: number) => metric(out, name, 'gauge', help, [[{}, v]]);
    const c = (name: string, help: string, v: number) => metric(out, name, 'counter', help, [[{}, v]]);
    metric(
      out,
      'sipscope_captures',
      'gauge',
      'Captures in the store by status.',
      Object.entries(byStatus).map(([status, n]) => [{ status }, n]),
    );
    g('sipscope_packets', 'Frames (packets) read from the ready captures.', sum.frames);
    g('sipscope_bytes', 'Bytes of the ready capture files.', sum.bytes);
    g('sipscope_sip_messages', 'SIP messages found in the ready captures.', sum.sip);
    g('sipscope_decode_errors', 'Frames that could not be decoded, in the ready captures.', sum.decodeErrors);
    g('sipscope_retransmissions', 'SIP retransmissions seen in the ready captures.', sum.retrans);
    g('sipscope_malformed_messages', 'Malformed SIP messages in the ready captures.', sum.malformed);
    metric(
      out,
      'sipscope_calls',
      'gauge',
      'Calls in the ready captures by state.',
      Object.entries(calls).map(([state, n]) => [{ state }, n]),
    );
    metric(
      out,
      'sipscope_findings',
      'gauge',
      'Findings in the ready captures by rule.',
      Object.entries(findings).map(([rule, n]) => [{ rule }, n]),
    );
    g('sipscope_analyses_running', 'Analyses running in worker threads.', this.service.running);
    g('sipscope_analyses_queued', 'Analyses waiting for a worker.', this.service.queued);
    metric(out, 'sipscope_analyses_total', 'counter', 'Analyses finished since start, by result.', [
      [{ result: 'ready' }, s.analysesDone],
      [{ result: 'failed' }, s.analysesFailed],
    ]);
    c('sipscope_uploads_total', 'Uploads received whole since start.', s.uploads);
    c('sipscope_upload_bytes_total', 'Bytes of the uploads received whole since start.', s.uploadBytes);
    c(
      'sipscope_uploads_rejected_total',
      'Uploads refused (over the size limit or broken) since start.',
      s.uploadsRejected,
    );
    c('sipscope_events_sent_total', 'socket.io events sent since start.', this.service.events.sent);
    c(
      'sipscope_event_drops_total',
      'message:new events dropped because a capture exceeded the per-interval bound.',
      this.service.events.dropped,
    );
    c(
      'sipscope_evictions_total',
      'Calls evicted from the live capture windows to stay within their limits.',
      this.live === undefined ? 0 : liveEvictions(this.live.windows),
    );
    if (this.live !== undefined) out.push(...liveMetricLines(this.live.monitor, this.live.windows));
    out.push(...processMetricLines());
    return `${out.join('\n')}\n`;
  }

  private async factsOf(id: string): Promise<CaptureFacts> {
    let f = this.facts.get(id);
    if (f !== undefined) return f;
    const stats = await this.store.stats(id);
    const findingsByRule: Record<string, number> = {};
    for (const x of (await this.store.findings(id)) ?? [])
      findingsByRule[x.rule] = (findingsByRule[x.rule] ?? 0) + 1;
    f = { callsByState: stats?.callsByState ?? {}, findingsByRule };
    this.facts.set(id, f);
    return f;
  }
}
