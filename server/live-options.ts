/**
 * The live monitoring flags of `sipscope serve` (src/cli/serve-command.ts):
 *
 *   --live IFACE (repeatable)  capture on an interface (dumpcap, else tcpdump)
 *   --filter BPF               capture filter for every interface
 *   --hep PORT                 HEP collector on UDP and TCP PORT
 *   --hep-key KEY              HEP3 authentication key required
 *   --hep-host ADDR            address of the HEP listeners (default all: HEP comes from other hosts)
 *   --window-calls N           rolling window: calls held (default 10,000)
 *   --window-messages N        messages held (default 100,000)
 *   --window-bytes SIZE        bytes of SIP text held (default 64M)
 *   --live-pcap DIR            also write the captured frames to a ring of pcapng files
 *   --live-pcap-size SIZE      bytes per ring file (default 64M)
 *   --live-pcap-files N        ring files kept (default 10)
 *   --tls-port PORT (repeatable) with --tls-keylog: more ports of SIP over TLS, whose
 *                              connections wait for their key (default 5061 only; live-tls.ts)
 *   --heap-growth PERCENT      how far the heap grows between full collections,
 *                              live or not (default 50; 0: V8's own, up to 300;
 *                              heap-growth.ts)
 *   --heap-compact yes|no      compact the heap at every full collection (default: yes
 *                              with a live capture, no without; heap-growth.ts)
 */

import { readTlsPorts } from '../src/live/live-tls.js';
import { DEFAULT_HEAP_GROWTH, MAX_HEAP_GROWTH } from './heap-growth.js';
import type { LiveServerOptions } from './live-monitor.js';

/** For node:util parseArgs. */
export const LIVE_SERVE_OPTIONS = {
  live: { type: 'string', multiple: true },
  filter: { type: 'string' },
  hep: { type: 'string' },
  'hep-key': { type: 'string' },
  'hep-host': { type: 'string' },
  'window-calls': { type: 'string' },
  'window-messages': { type: 'string' },
  'window-bytes': { type: 'string' },
  'live-pcap': { type: 'string' },
  'live-pcap-size': { type: 'string' },
  'live-pcap-files': { type: 'string' },
  'heap-growth': { type: 'string' },
  'heap-compact': { type: 'string' },
  'tls-port': { type: 'string', multiple: true },
} as const;

export interface LiveServeValues {
  live?: string[];
  filter?: string;
  hep?: string;
  'hep-key'?: string;
  'hep-host'?: string;
  'window-calls'?: string;
  'window-messages'?: string;
  'window-bytes'?: string;
  'live-pcap'?: string;
  'live-pcap-size'?: string;
  'live-pcap-files'?: string;
  'heap-growth'?: string;
  'heap-compact'?: string;
  'tls-port'?: string[];
  /** serve's own flag: --tls-port goes with it. */
  'tls-keylog'?: string;
}

/**
 * The live options the flags ask for (undefined: none) and the heap growth
 * and compaction the process is to run with (heap-growth.ts), or the one
 * line saying which flag is wrong.
 */
export function liveServeOptions(
  v: LiveServeValues,
  parseSize: (s: string) => number | undefined,
): { live: LiveServerOptions | undefined; heapGrowth: number; heapCompact: boolean } | { error: string } {
  const interfaces = (v.live ?? []).filter((i) => i !== '');
  const count = (flag: keyof LiveServeValues): number | undefined | string => {
    const s = v[flag] as string | undefined;
    if (s === undefined) return undefined;
    return /^\d{1,9}$/.test(s) && Number(s) > 0
      ? Number(s)
      : `--${flag} must be a whole number above 0, got '${s}'`;
  };
  const size = (flag: keyof LiveServeValues): number | undefined | string => {
    const s = v[flag] as string | undefined;
    if (s === undefined) return undefined;
    return parseSize(s) ?? `--${flag} must be a size in bytes (or with k, M, G), got '${s}'`;
  };
  let hepPort: number | undefined;
  if (v.hep !== undefined) {
    if (!/^\d{1,5}$/.test(v.hep) || Number(v.hep) > 65535)
      return { error: `--hep must be a port number from 0 to 65535, got '${v.hep}'` };
    hepPort = Number(v.hep);
  }
  const live = interfaces.length > 0 || hepPort !== undefined;
  const needs = (flag: string, what: string) => ({ error: `${flag} needs ${what}` });
  if (v.filter !== undefined && interfaces.length === 0) return needs('--filter', '--live IFACE');
  if (v['hep-key'] !== undefined && hepPort === undefined) return needs('--hep-key', '--hep PORT');
  if (v['hep-host'] !== undefined && hepPort === undefined) return needs('--hep-host', '--hep PORT');
  if (
    v['live-pcap'] === undefined &&
    (v['live-pcap-size'] !== undefined || v['live-pcap-files'] !== undefined)
  )
    return needs('--live-pcap-size and --live-pcap-files', '--live-pcap DIR');
  if (v['live-pcap'] !== undefined && interfaces.length === 0) return needs('--live-pcap', '--live IFACE');
  const sipPorts = readTlsPorts(v['tls-port']);
  if (typeof sipPorts === 'string') return { error: sipPorts };
  if (v['tls-port'] !== undefined && (!live || v['tls-keylog'] === undefined))
    return needs('--tls-port', '--tls-keylog KEYLOG and --live IFACE or --hep PORT');
  const maxCalls = count('window-calls');
  const maxMessages = count('window-messages');
  const maxBytes = size('window-bytes');
  const fileBytes = size('live-pcap-size');
  const files = count('live-pcap-files');
  for (const x of [maxCalls, maxMessages, maxBytes, fileBytes, files])
    if (typeof x === 'string') return { error: x };
  const growth = v['heap-growth'];
  if (growth !== undefined && !(/^\d{1,4}$/.test(growth) && Number(growth) <= MAX_HEAP_GROWTH))
    return { error: `--heap-growth must be a whole percent from 0 to ${MAX_HEAP_GROWTH}, got '${growth}'` };
  const heapGrowth = growth === undefined ? DEFAULT_HEAP_GROWTH : Number(growth);
  const compact = v['heap-compact'];
  if (compact !== undefined && compact !== 'yes' && compact !== 'no')
    return { error: `--heap-compact must be yes or no, got '${compact}'` };
  // A live window turns over for days: compacting keeps its heap near what it holds (heap-growth.ts).
  const heapCompact = compact === undefined ? live : compact === 'yes';
  if (!live) {
    if (maxCalls !== undefined || maxMessages !== undefined || maxBytes !== undefined)
      return needs('--window-calls, --window-messages and --window-bytes', '--live IFACE or --hep PORT');
    return { live: undefined, heapGrowth, heapCompact };
  }
  const out: LiveServerOptions = {};
  if (interfaces.length > 0) out.interfaces = interfaces;
  if (v.filter !== undefined) out.filter = v.filter;
  if (hepPort !== undefined) {
    out.hep = { port: hepPort, authKey: v['hep-key'] };
    if (v['hep-host'] !== undefined) out.hep.host = v['hep-host'];
  }
  const window: NonNullable<LiveServerOptions['window']> = {};
  if (typeof maxCalls === 'number') window.maxCalls = maxCalls;
  if (typeof maxMessages === 'number') window.maxMessages = maxMessages;
  if (typeof maxBytes === 'number') window.maxBytes = maxBytes;
  out.window = window;
  if (v['tls-port'] !== undefined) out.tlsPorts = sipPorts;
  if (v['live-pcap'] !== undefined) {
    out.pcap = { dir: v['live-pcap'] };
    if (typeof fileBytes === 'number') out.pcap.fileBytes = fileBytes;
    if (typeof files === 'number') out.pcap.files = files;
  }
  return { live: out, heapGrowth, heapCompact };
}
