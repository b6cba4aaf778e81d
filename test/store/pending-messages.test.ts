/**
 * PendingMessages (analyze-to-store.ts's table of messages whose call is not
 * final yet) answers exactly as a Map would, whatever the order of ids and
 * deletions, including when the ring is full and old messages overflow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingMessages } from '../../src/store/pending-messages.js';

type Op = { kind: 'add'; gap: number; call: number; dialog: number } | { kind: 'del'; back: number };

const ops = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      gap: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 })),
      call: fc.integer({ min: 0, max: 1 << 30 }),
      dialog: fc.integer({ min: -1, max: 1 << 30 }),
    }),
    fc.record({ kind: fc.constant('del' as const), back: fc.integer({ min: 0, max: 300 }) }),
  ),
  { maxLength: 400 },
);

describe('PendingMessages', () => {
  it('answers like a Map for increasing ids, deletions anywhere, and a ring that overflows', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 64 }), (list: Op[], ring) => {
        const p = new PendingMessages(ring, 1);
        const call = new Map<number, number>();
        const dialog = new Map<number, number>();
        let id = -1;
        for (const op of list) {
          if (op.kind === 'add') {
            id += op.gap;
            p.set(id, op.call, op.dialog);
            call.set(id, op.call);
            dialog.set(id, op.dialog);
          } else {
            const x = id - op.back;
            p.delete(x);
            call.delete(x);
            dialog.delete(x);
          }
          expect(p.size).toBe(call.size);
        }
        for (let k = -1; k <= id + 5; k++) {
          expect(p.call(k)).toBe(call.get(k));
          expect(p.dialog(k)).toBe(dialog.get(k));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the ring within its bound and moves only still-pending messages to the overflow', () => {
    const p = new PendingMessages(16, 4);
    p.set(0, 7, -1); // a long call's first message, pending throughout
    for (let id = 1; id < 1000; id++) {
      p.set(id, 100 + id, id);
      if (id > 3) p.delete(id - 3);
    }
    expect(p.ringSize).toBe(16);
    expect(p.overflowSize).toBe(1);
    expect(p.call(0)).toBe(7);
    expect(p.dialog(0)).toBe(-1);
    expect(p.size).toBe(4);
    p.delete(0);
    expect(p.size).toBe(3);
    expect(p.call(0)).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const p = new PendingMessages(8, 2);
    for (let id = 0; id < 30; id++) p.set(id, id, -1);
    p.clear();
    expect(p.size).toBe(0);
    for (let id = 0; id < 30; id++) expect(p.call(id)).toBeUndefined();
  });
});
