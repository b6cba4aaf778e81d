/**
 * `serve --live`'s heap compaction (server/heap-growth.ts setHeapCompaction):
 * a window that lets its records go in the order they came while a few stay
 * longer (calls in progress) leaves each old-generation page with a few live
 * objects among dead ones; compacting at every full collection keeps the
 * old generation near what it holds. Each case runs in a child process (V8
 * flags are per process) with the growth `serve` uses (50%).
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { childJson } from '../helpers/child-output.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MODULE = pathToFileURL(fileURLToPath(new URL('../../server/heap-growth.ts', import.meta.url))).href;

/**
 * A window of 200,000 records replaced oldest first, 1 in 50 kept aside
 * for 1.2 M records more (the stragglers): the old space's size sampled
 * over the last three quarters of the run, and what a full collection keeps.
 */
const CHILD = `
import v8 from 'node:v8';
const { setHeapCompaction, setHeapGrowth } = await import(${JSON.stringify(MODULE)});
setHeapGrowth(50);
setHeapCompaction(process.argv.at(-1) === 'yes');
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size;
const n = 200_000;
const window = new Array(n);
const stragglers = new Map();
let sum = 0;
let samples = 0;
for (let i = 0; i < 12 * n; i++) {
  const out = window[i % n];
  if (out !== undefined && out.id % 50 === 0) stragglers.set(out.id, out);
  window[i % n] = { id: i, text: 'message '.repeat(1 + (i % 7)) + i, ids: [i, i + 1, i % 13] };
  if (i % 50 === 0) stragglers.delete(i - 6 * n);
  if ((i & 0x3fff) === 0 && i > 3 * n) {
    sum += oldSpace();
    samples++;
  }
}
globalThis.gc();
const kept = v8.getHeapStatistics().used_heap_size;
process.stdout.write(JSON.stringify({ mean: sum / samples, kept, held: window.length + stragglers.size }));
`;

function run(compact: 'yes' | 'no'): Promise<{ mean: number; kept: number; held: number }> {
  return childJson(['--expose-gc', '--import', TSX, '--input-type=module', '-e', CHILD, compact]);
}

describe('heap compaction', () => {
  it('keeps the old generation of a window that turns over oldest first well below what V8 alone keeps', async () => {
    const compacted = await run('yes');
    const own = await run('no');
    expect(compacted.held).toBe(220_000);
    expect(own.held).toBe(220_000);
    // The same records held either way; the pages they take differ.
    expect(Math.abs(compacted.kept - own.kept) / own.kept).toBeLessThan(0.2);
    expect(compacted.mean).toBeLessThan(0.8 * own.mean);
  }, 60_000);
});
