/**
 * SIP over TLS in the live capture's lines of `GET /metrics` (Prometheus
 * text 0.0.4), from the counters `sipscope live` prints (src/live/live-tls.ts
 * `LiveTlsStats`): TLS connections seen, decrypted and why the others were
 * not, records, the wait for keys logged after the handshake (connections
 * and bytes held now, how the waits ended, connections not held as not SIP)
 * and the key log file followed. Counters since the live capture started,
 * labelled `capture`; the wait's and the key log's only when there is a key
 * log file. live-metrics.ts appends them when the capture has TLS counters.
 */
import type { LiveTlsStats } from '../src/live/live-tls.js';
import { metric } from './prometheus-text.js';

export function liveTlsMetricLines(id: string, t: LiveTlsStats): string[] {
  const out: string[] = [];
  const one = (labels: Record<string, string> = {}): Record<string, string> => ({ capture: id, ...labels });
  const counter = (name: string, help: string, v: number) => metric(out, name, 'counter', help, [[one(), v]]);
  const gauge = (name: string, help: string, v: number) => metric(out, name, 'gauge', help, [[one(), v]]);
  /** A counter by one label: `values` maps the label's value to the count. */
  const counters = (name: string, help: string, label: string, values: Record<string, number>) =>
    metric(
      out,
      name,
      'counter',
      help,
      Object.entries(values).map(([v, n]) => [one({ [label]: v }), n]),
    );
  counter(
    'sipscope_live_tls_connections_total',
    'TLS connections seen in the live traffic (any port).',
    t.connections,
  );
  counter(
    'sipscope_live_tls_decrypted_connections_total',
    'TLS connections with at least one record decrypted.',
    t.decrypted,
  );
  counters(
    'sipscope_live_tls_undecrypted_connections_total',
    'TLS connections not decrypted, by reason: no key in the key log, a version or cipher suite not decrypted here, seen without their handshake.',
    'reason',
    { 'without-key': t.withoutKey, unsupported: t.unsupported, 'without-handshake': t.withoutHandshake },
  );
  counter(
    'sipscope_live_tls_sip_port_undecrypted_connections_total',
    'Of the TLS connections not decrypted, those to or from port 5061 (SIP over TLS, RFC 3261 section 26.2).',
    t.sipPortNotDecrypted,
  );
  counters(
    'sipscope_live_tls_records_total',
    'TLS records decrypted, and records that failed to authenticate (skipped).',
    'result',
    { decrypted: t.records, failed: t.failedRecords },
  );
  counter(
    'sipscope_live_tls_gaps_total',
    'TLS directions whose decryption stopped at a gap in the TCP stream.',
    t.gaps,
  );
  const w = t.keyWait;
  if (w !== null) {
    counter(
      'sipscope_live_tls_key_waits_total',
      'TLS connections held because their key was not logged yet at their ClientHello.',
      w.waited,
    );
    counters(
      'sipscope_live_tls_key_waits_ended_total',
      'TLS connections that waited for their key, by outcome: the key came, given up after the wait time, given up over the byte bounds.',
      'outcome',
      { 'key-came': w.keyCame, expired: w.expired, overflow: w.overflow },
    );
    counter(
      'sipscope_live_tls_not_sip_connections_total',
      'TLS connections not held for their key: their ClientHello and ports say another protocol (HTTPS).',
      w.notSip,
    );
    gauge(
      'sipscope_live_tls_held_connections',
      'TLS connections held now, waiting for their key.',
      w.heldConnections,
    );
    gauge('sipscope_live_tls_held_bytes', 'Bytes of the TLS connections held now.', w.heldBytes);
  }
  const k = t.keyLog;
  if (k !== null) {
    counter('sipscope_live_tls_keylog_lines_total', 'Secret lines taken from the key log file.', k.lines);
    counter(
      'sipscope_live_tls_keylog_rereads_total',
      'Times the key log file was read again from its start (replaced or truncated).',
      k.restarts,
    );
    counter('sipscope_live_tls_keylog_errors_total', 'Failed reads of the key log file.', k.errors);
  }
  return out;
}
