/**
 * The server process's own figures in `GET /metrics`, under the names
 * Prometheus's Node.js client (prom-client) gives its default metrics, so
 * that a dashboard made for any Node service reads them: CPU seconds,
 * resident memory, the V8 heap (in all and per space) and the memory V8
 * counts outside it. An operator watching a live capture for days sees here
 * whether memory grows, and where: in the JavaScript heap
 * (`nodejs_heap_size_*`), in buffers outside it (`nodejs_external_memory_bytes`),
 * or elsewhere in the process (resident memory minus both: the allocator,
 * SQLite's page cache, the worker threads' heaps, code).
 *
 * Only the main thread's heap: each worker thread (an upload's analysis, the
 * live write-through) has a heap of its own, which only the resident memory
 * counts.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { metric } from './prometheus-text.js';

const startSeconds = Math.round((Date.now() - process.uptime() * 1000) / 1000);

/** RssAnon and RssFile of /proc/self/status in bytes (Linux), or null elsewhere. */
function residentParts(): { anon: number; file: number } | null {
  let s: string;
  try {
    s = readFileSync('/proc/self/status', 'latin1');
  } catch {
    return null;
  }
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s);
    return m === null ? Number.NaN : Number(m[1]) * 1024;
  };
  const anon = kb('RssAnon');
  const file = kb('RssFile');
  return Number.isFinite(anon) && Number.isFinite(file) ? { anon, file } : null;
}

export function processMetricLines(): string[] {
  const out: string[] = [];
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const heap = getHeapStatistics();
  const g = (name: string, help: string, v: number) => metric(out, name, 'gauge', help, [[{}, v]]);
  const c = (name: string, help: string, v: number) => metric(out, name, 'counter', help, [[{}, v]]);
  c('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', cpu.user / 1e6);
  c('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', cpu.system / 1e6);
  c(
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    (cpu.user + cpu.system) / 1e6,
  );
  g('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', startSeconds);
  g('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss);
  const parts = residentParts();
  if (parts !== null)
    metric(
      out,
      'sipscope_process_resident_memory_bytes',
      'gauge',
      'Resident memory by kind (Linux /proc/self/status): anon (heaps, allocator, stacks) and file (code and mapped files).',
      [
        [{ kind: 'anon' }, parts.anon],
        [{ kind: 'file' }, parts.file],
      ],
    );
  g('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal);
  g('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed);
  g('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external);
  g(
    'sipscope_v8_malloced_memory_bytes',
    'Memory V8 allocated with malloc for itself (compiler, parser), outside the heap, in bytes.',
    heap.malloced_memory,
  );
  const spaces = getHeapSpaceStatistics().map((s) => ({ ...s, space: s.space_name.replace(/_space$/, '') }));
  const perSpace = (
    name: string,
    help: string,
    key: 'space_size' | 'space_used_size' | 'space_available_size',
  ) =>
    metric(
      out,
      name,
      'gauge',
      help,
      spaces.map((s) => [{ space: s.space }, s[key]]),
    );
  perSpace(
    'nodejs_heap_space_size_total_bytes',
    'Process heap space size total from Node.js in bytes.',
    'space_size',
  );
  perSpace(
    'nodejs_heap_space_size_used_bytes',
    'Process heap space size used from Node.js in bytes.',
    'space_used_size',
  );
  perSpace(
    'nodejs_heap_space_size_available_bytes',
    'Process heap space size available from Node.js in bytes.',
    'space_available_size',
  );
  return out;
}
