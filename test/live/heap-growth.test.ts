/**
 * `serve --live`'s heap growth (server/heap-growth.ts): the V8 flag it sets
 * at run time takes. Each case runs in a child process (V8 flags are per
 * process) that holds a steady set of records — as a live window does —
 * while it keeps replacing them, and reports the largest the old generation
 * got and what a full collection keeps: with a growth of 50% the old
 * generation stays within a small multiple of what is kept, well below what
 * V8 lets it reach by itself.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_HEAP_GROWTH, setHeapGrowth } from '../../server/heap-growth.js';
import { childJson } from '../helpers/child-output.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MODULE = pathToFileURL(fileURLToPath(new URL('../../server/heap-growth.ts', import.meta.url))).href;

/** 300,000 records (about 55 MB kept), each replaced eight times. */
const CHILD = `
import v8 from 'node:v8';
const { setHeapGrowth } = await import(${JSON.stringify(MODULE)});
setHeapGrowth(Number(process.argv.at(-1)));
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size;
const n = 300_000;
const held = new Array(n);
let peak = 0;
for (let i = 0; i < 8 * n; i++) {
  held[i % n] = { id: i, text: 'message ' + i, ids: [i, i + 1] };
  if ((i & 0x3fff) === 0) peak = Math.max(peak, oldSpace());
}
globalThis.gc();
const kept = v8.getHeapStatistics().used_heap_size;
process.stdout.write(JSON.stringify({ peak, kept, held: held.length }));
`;

function run(percent: number): Promise<{ peak: number; kept: number; held: number }> {
  return childJson(['--expose-gc', '--import', TSX, '--input-type=module', '-e', CHILD, String(percent)]);
}

describe('heap growth', () => {
  it('with 50% the old generation stays under 3x what a full collection keeps, below V8 left to itself', async () => {
    const fixed = await run(50);
    const own = await run(0);
    expect(fixed.held).toBe(300_000);
    expect(fixed.kept).toBeGreaterThan(30e6);
    expect(fixed.peak / fixed.kept).toBeLessThan(3);
    expect(fixed.peak).toBeLessThan(0.75 * own.peak);
  }, 60_000);

  it('refuses a percent that is not a whole number from 0 to the maximum', () => {
    for (const bad of [-1, 1.5, MAX_HEAP_GROWTH + 1, Number.NaN])
      expect(() => setHeapGrowth(bad), String(bad)).toThrow(/whole percent from 0 to 1000/);
  });
});
