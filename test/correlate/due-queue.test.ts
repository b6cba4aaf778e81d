/**
 * DueQueue: items taken first in, first out once capture time has passed
 * their due time (strictly: an item due at t is not taken at t), as the
 * correlator parks ended calls and the store analysis forgets records.
 */
import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../src/correlate/due-queue.js';

function drain<T>(q: DueQueue<T>, now: number): T[] {
  const out: T[] = [];
  for (let x = q.popBefore(now); x !== undefined; x = q.popBefore(now)) out.push(x);
  return out;
}

describe('DueQueue', () => {
  it('gives items due strictly before now, in the order they came', () => {
    const q = new DueQueue<string>();
    q.push(1, 'a');
    q.push(2, 'b');
    q.push(3, 'c');
    expect(drain(q, 2)).toEqual(['a']);
    expect(q.size).toBe(2);
    expect(drain(q, 3.5)).toEqual(['b', 'c']);
    expect(q.size).toBe(0);
    expect(q.popBefore(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('an item pushed out of order waits behind the earlier ones', () => {
    const q = new DueQueue<string>();
    q.push(5, 'late');
    q.push(1, 'early');
    expect(drain(q, 2)).toEqual([]);
    expect(drain(q, 6)).toEqual(['late', 'early']);
  });

  it('keeps its order across the trimming of taken slots, and empties on clear', () => {
    const q = new DueQueue<number>();
    for (let i = 0; i < 5000; i++) q.push(i, i);
    const taken = drain(q, 3000);
    expect(taken).toHaveLength(3000);
    expect(taken.every((v, i) => v === i)).toBe(true);
    for (let i = 5000; i < 6000; i++) q.push(i, i);
    const rest = drain(q, Number.POSITIVE_INFINITY);
    expect(rest).toEqual(Array.from({ length: 3000 }, (_, i) => 3000 + i));
    q.push(1, 1);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.popBefore(10)).toBeUndefined();
  });
});
