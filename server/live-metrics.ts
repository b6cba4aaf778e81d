/**
 * The live capture's lines of `GET /metrics` (Prometheus text 0.0.4):
 * packets taken and lost on the way (kernel and capture tool drops, HEP
 * packets that did not decode or failed the key), what the rolling window
 * holds and what it evicted, its write-through to disk (SQLite store) and
 * the pcapng ring when there is one, SIP over TLS when there is some or keys
 * were given (live-tls-metrics.ts).
 * metrics.ts appends them to the server's own.
 */
import type { WindowStore } from '../src/store/window-store.js';
import type { LiveMonitor } from './live-monitor.js';
import { liveTlsMetricLines } from './live-tls-metrics.js';
import { metric } from './prometheus-text.js';

/** Calls evicted from every live window since start (`sipscope_evictions_total`). */
export function liveEvictions(store: WindowStore): number {
  return store.totals().evictedCalls;
}

export function liveMetricLines(monitor: LiveMonitor, store: WindowStore): string[] {
  const out: string[] = [];
  const id = monitor.captureId;
  const t = monitor.traffic();
  const w = store.window(id)?.counters();
  const totals = store.totals();
  const one = (labels: Record<string, string> = {}): Record<string, string> => ({ capture: id, ...labels });
  metric(out, 'sipscope_live_running', 'gauge', 'Live capture running (1) or stopped (0).', [
    [one(), t.running ? 1 : 0],
  ]);
  metric(out, 'sipscope_live_packets_total', 'counter', 'Packets taken: captured frames and HEP packets.', [
    [one(), t.packets],
  ]);
  metric(out, 'sipscope_live_bytes_total', 'counter', 'Bytes of the packets taken.', [[one(), t.bytes]]);
  metric(out, 'sipscope_live_sip_messages_total', 'counter', 'SIP messages found in the live traffic.', [
    [one(), t.sipMessages],
  ]);
  metric(
    out,
    'sipscope_live_dropped_packets_total',
    'counter',
    'Packets lost before analysis: kernel and capture tool drops, HEP packets that did not decode or failed the key.',
    [
      [one({ reason: 'kernel' }), t.kernelDropped],
      [one({ reason: 'hep-bad' }), t.hepBad],
      [one({ reason: 'hep-auth' }), t.hepAuthFailed],
    ],
  );
  if (w !== undefined) {
    metric(out, 'sipscope_live_window_calls', 'gauge', 'Calls the rolling window holds.', [[one(), w.calls]]);
    metric(out, 'sipscope_live_window_messages', 'gauge', 'Messages the rolling window holds.', [
      [one(), w.messages],
    ]);
    metric(out, 'sipscope_live_window_bytes', 'gauge', 'Bytes of SIP text the rolling window holds.', [
      [one(), w.bytes],
    ]);
    metric(out, 'sipscope_live_window_limit', 'gauge', 'Limits of the rolling window.', [
      [one({ of: 'calls' }), w.maxCalls],
      [one({ of: 'messages' }), w.maxMessages],
      [one({ of: 'bytes' }), w.maxBytes],
    ]);
  }
  metric(
    out,
    'sipscope_live_evicted_total',
    'counter',
    'Evicted from the live windows to stay within their limits since start (calls in progress counted apart).',
    [
      [{ what: 'calls' }, totals.evictedCalls],
      [{ what: 'calls-in-progress' }, totals.evictedActiveCalls],
      [{ what: 'messages' }, totals.evictedMessages],
      [{ what: 'bytes' }, totals.evictedBytes],
      [{ what: 'findings' }, totals.evictedFindings],
    ],
  );
  metric(
    out,
    'sipscope_live_window_dropped_total',
    'counter',
    'Messages and findings dropped because their call had already been evicted.',
    [[{}, totals.dropped]],
  );
  const p = store.persistCounters(id);
  if (p !== undefined) {
    metric(out, 'sipscope_live_persist_written_total', 'counter', 'Ended calls written to disk.', [
      [one(), p.writtenCalls],
    ]);
    metric(
      out,
      'sipscope_live_persist_deleted_total',
      'counter',
      'Calls deleted from disk because the window evicted them.',
      [[one(), p.deletedCalls]],
    );
    metric(
      out,
      'sipscope_live_persist_dropped_total',
      'counter',
      'Calls not written to (or deleted from) disk because the write queue was full.',
      [
        [one({ what: 'write' }), p.droppedCalls],
        [one({ what: 'delete' }), p.droppedDeletes],
      ],
    );
    metric(
      out,
      'sipscope_live_persist_queue',
      'gauge',
      'Calls waiting to be written to or deleted from disk.',
      [[one(), p.queued]],
    );
    metric(out, 'sipscope_live_persist_calls', 'gauge', 'Calls of the window on disk.', [[one(), p.onDisk]]);
    metric(out, 'sipscope_live_persist_failed', 'gauge', 'Writing to disk stopped on an error (1).', [
      [one(), p.error === null ? 0 : 1],
    ]);
  }
  if (t.tls !== undefined) out.push(...liveTlsMetricLines(id, t.tls));
  const ring = monitor.pcapStats();
  if (ring !== null) {
    metric(out, 'sipscope_live_pcap_frames_total', 'counter', 'Frames written to the pcapng ring.', [
      [one(), ring.frames],
    ]);
    metric(
      out,
      'sipscope_live_pcap_dropped_total',
      'counter',
      'Frames not written to the ring (disk behind).',
      [[one(), ring.dropped]],
    );
  }
  return out;
}
