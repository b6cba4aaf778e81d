/**
 * IdWindow (analyze-to-store.ts's records by id for the rules) answers
 * exactly as a Map would, whatever the order of ids and deletions, including
 * when the ring is full and old records overflow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdWindow } from '../../src/store/id-window.js';

type Op = { kind: 'add'; gap: number } | { kind: 'again'; back: number } | { kind: 'del'; back: number };

const ops = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      gap: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 })),
    }),
    fc.record({ kind: fc.constant('again' as const), back: fc.integer({ min: 0, max: 300 }) }),
    fc.record({ kind: fc.constant('del' as const), back: fc.integer({ min: 0, max: 300 }) }),
  ),
  { maxLength: 400 },
);

describe('IdWindow', () => {
  it('answers like a Map for mostly increasing ids, re-sets and deletions anywhere, and a ring that overflows', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 64 }), (list: Op[], ring) => {
        const w = new IdWindow<{ id: number }>(ring, 1);
        const m = new Map<number, { id: number }>();
        let id = -1;
        for (const op of list) {
          if (op.kind === 'del') {
            w.delete(id - op.back);
            m.delete(id - op.back);
          } else {
            const x = op.kind === 'add' ? (id += op.gap) : Math.max(0, id - op.back);
            const v = { id: x };
            w.set(x, v);
            m.set(x, v);
          }
          expect(w.size).toBe(m.size);
        }
        for (let k = -1; k <= id + 5; k++) expect(w.get(k)).toBe(m.get(k));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the ring within its bound and moves only records still held to the overflow', () => {
    const w = new IdWindow<string>(16, 4);
    w.set(0, 'long call');
    for (let id = 1; id < 1000; id++) {
      w.set(id, `r${id}`);
      if (id > 3) w.delete(id - 3);
    }
    expect(w.ringSize).toBe(16);
    expect(w.overflowSize).toBe(1);
    expect(w.get(0)).toBe('long call');
    expect(w.size).toBe(4);
  });
});
