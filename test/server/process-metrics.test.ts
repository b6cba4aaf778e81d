/**
 * `GET /metrics` carries the server process's own CPU and memory under
 * prom-client's default names (server/process-metrics.ts), so an operator
 * sees whether a server live for days grows, and where. The figures are
 * read, not made up: allocating on the heap moves the heap lines, a Buffer
 * outside it moves the external line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMetricLines } from '../../server/process-metrics.js';
import { type TestServer, testServer } from './helpers.js';

/** Every sample of the text format: `name{labels} value`. */
function samples(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    m.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return m;
}

const value = (m: Map<string, number>, key: string): number => {
  const v = m.get(key);
  if (v === undefined) throw new Error(`no sample ${key}`);
  return v;
};

describe('process metrics in GET /metrics (Prometheus text format 0.0.4, prom-client names)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => {
    await s.dispose();
  });

  it('serves resident memory, CPU seconds, the V8 heap and each heap space with HELP and TYPE lines', async () => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_total_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_external_memory_bytes',
      'nodejs_heap_space_size_used_bytes',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    const m = samples(text);
    // The test server runs in this process: its figures are this process's.
    const rss = value(m, 'process_resident_memory_bytes');
    expect(rss).toBeGreaterThan(10e6);
    expect(Math.abs(rss - process.memoryUsage().rss) / rss).toBeLessThan(0.5);
    expect(value(m, 'nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(
      value(m, 'nodejs_heap_size_total_bytes'),
    );
    expect(value(m, 'process_cpu_seconds_total')).toBeCloseTo(
      value(m, 'process_cpu_user_seconds_total') + value(m, 'process_cpu_system_seconds_total'),
      6,
    );
    expect(m.has('nodejs_heap_space_size_used_bytes{space="old"}')).toBe(true);
    expect(m.has('nodejs_heap_space_size_total_bytes{space="new"}')).toBe(true);
    if (process.platform === 'linux') {
      const anon = value(m, 'sipscope_process_resident_memory_bytes{kind="anon"}');
      const file = value(m, 'sipscope_process_resident_memory_bytes{kind="file"}');
      expect(anon).toBeGreaterThan(0);
      expect(file).toBeGreaterThan(0);
      expect(anon + file).toBeLessThanOrEqual(rss * 1.5);
    }
  });

  it('follows the heap: 40 MB of live objects raise the used heap and the old space by about as much', () => {
    const before = samples(processMetricLines().join('\n'));
    const keep: number[][] = [];
    for (let i = 0; i < 40_000; i++) keep.push(new Array(128).fill(i + 0.5));
    const after = samples(processMetricLines().join('\n'));
    const grew = value(after, 'nodejs_heap_size_used_bytes') - value(before, 'nodejs_heap_size_used_bytes');
    expect(grew).toBeGreaterThan(30e6);
    expect(keep.length).toBe(40_000);
  });

  it('follows memory outside the heap: a 64 MiB Buffer raises the external memory, not the heap', () => {
    const before = samples(processMetricLines().join('\n'));
    const big = Buffer.alloc(64 * 1024 * 1024, 1);
    const after = samples(processMetricLines().join('\n'));
    const grew = value(after, 'nodejs_external_memory_bytes') - value(before, 'nodejs_external_memory_bytes');
    expect(grew).toBeGreaterThanOrEqual(big.length);
    expect(grew).toBeLessThan(big.length + 4e6);
    expect(
      value(after, 'nodejs_heap_size_used_bytes') - value(before, 'nodejs_heap_size_used_bytes'),
    ).toBeLessThan(8e6);
  });
});
