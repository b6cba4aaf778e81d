/**
 * The correlator's timer queue (src/correlate/timer-queue.ts): timers come out
 * in the order of (due time, arming order), as from one min-heap, whatever
 * mix of delays, rearming, cancelling and out-of-order arming the RFC 3261
 * timers make (Timer B/F/J/L are "now + a constant"; lingers count from an
 * earlier message). Checked against a plain reference on random schedules.
 */
import { describe, expect, it } from 'vitest';
import type { TimerTarget } from '../../src/correlate/model.js';
import { TimerQueue } from '../../src/correlate/timer-queue.js';

interface Target extends TimerTarget {
  name: number;
}

/** The reference: every armed timer in a list, the earliest (time, arming number) first. */
class Reference {
  private armed = new Map<number, { at: number; seq: number }>();
  private seq = 0;
  schedule(t: number, at: number): void {
    this.armed.set(t, { at, seq: this.seq++ });
  }
  cancel(t: number): void {
    this.armed.delete(t);
  }
  popDue(now: number): { name: number; at: number } | undefined {
    let best: [number, { at: number; seq: number }] | undefined;
    for (const e of this.armed)
      if (best === undefined || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].seq < best[1].seq))
        best = e;
    if (best === undefined || best[1].at > now) return undefined;
    this.armed.delete(best[0]);
    return { name: best[0], at: best[1].at };
  }
  get size(): number {
    return this.armed.size;
  }
}

/** xorshift32: the same schedule for a seed on every run. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function run(seed: number, steps: number, targets: number, sweepAt?: number) {
  const r = rng(seed);
  const q = new TimerQueue<Target>(sweepAt);
  const ref = new Reference();
  const ts: Target[] = Array.from({ length: targets }, (_, name) => ({
    name,
    tk: 0,
    timerIndex: -1,
    timerAt: Number.NaN,
  }));
  // Delays of RFC 3261 timers (s): T1, Timer B/F/H/J (64·T1), K (T4), L/M (RFC 6026), C, a linger.
  const delays = [0.5, 32, 5, 32, 180, 4, 64];
  let now = 0;
  const got: Array<{ name: number; at: number }> = [];
  const want: Array<{ name: number; at: number }> = [];
  for (let step = 0; step < steps; step++) {
    const x = r();
    const t = ts[Math.floor(r() * targets)];
    if (x < 0.5) {
      // Armed at now + a timer's delay, sometimes counted from an earlier moment, sometimes at the same time as others.
      const from = r() < 0.15 ? now - r() * 40 : now;
      const at = r() < 0.1 ? Math.floor(now) + 32 : from + delays[Math.floor(r() * delays.length)];
      q.schedule(t, at);
      ref.schedule(t.name, at);
    } else if (x < 0.6) {
      q.cancel(t);
      ref.cancel(t.name);
    } else {
      now += r() < 0.9 ? r() * 0.5 : r() * 40;
      for (let p = q.popDue(now); p !== undefined; p = q.popDue(now))
        got.push({ name: p.name, at: q.lastTime });
      for (let p = ref.popDue(now); p !== undefined; p = ref.popDue(now)) want.push(p);
    }
    expect(q.size).toBe(ref.size);
  }
  now = Number.POSITIVE_INFINITY;
  for (let p = q.popDue(now); p !== undefined; p = q.popDue(now)) got.push({ name: p.name, at: q.lastTime });
  for (let p = ref.popDue(now); p !== undefined; p = ref.popDue(now)) want.push(p);
  return { got, want, q, ts };
}

describe('timer queue: timers fire in (due time, arming order), as from one heap', () => {
  it('on random schedules of RFC 3261 delays, rearms, cancels and out-of-order arming', () => {
    for (let seed = 1; seed <= 40; seed++) {
      // Odd seeds sweep stale timers out early and often (a rearmed or cancelled timer stays until then).
      const { got, want, q, ts } = run(seed, 3000, 20 + (seed % 7) * 40, seed % 2 === 1 ? 8 : undefined);
      expect(got.length).toBeGreaterThan(100);
      expect(got).toEqual(want);
      expect(q.size).toBe(0);
      expect(ts.every((t) => t.timerIndex === -1)).toBe(true);
    }
  });

  it('keeps more delays than it has lanes in order (the rest go to its heap)', () => {
    const q = new TimerQueue<Target>();
    const ts: Target[] = Array.from({ length: 200 }, (_, name) => ({
      name,
      tk: 0,
      timerIndex: -1,
      timerAt: Number.NaN,
    }));
    // Each timer due earlier than every one armed before it: each needs a lane of its own.
    for (const t of ts) q.schedule(t, 1000 - t.name);
    expect(q.size).toBe(200);
    expect(q.peekTime()).toBe(801);
    const order: number[] = [];
    for (let p = q.popDue(1000); p !== undefined; p = q.popDue(1000)) order.push(p.name);
    expect(order).toEqual(ts.map((t) => t.name).reverse());
  });

  it('does not keep rearmed timers, nor their targets, until they come to the front', () => {
    const q = new TimerQueue<Target>(16);
    const t: Target = { name: 0, tk: 0, timerIndex: -1, timerAt: Number.NaN };
    // A dialog's idle timer, rearmed at each of 10,000 messages an hour ahead.
    for (let i = 0; i < 10_000; i++) q.schedule(t, 3600 + i);
    // Left behind, a rearmed timer's slot is empty (it holds no target), and empty slots are swept out.
    const lanes = (q as unknown as { lanes: Array<{ items: unknown[] }> }).lanes;
    expect(lanes.reduce((n, l) => n + l.items.filter((x) => x !== null).length, 0)).toBe(1);
    expect(lanes.reduce((n, l) => n + l.items.length, 0)).toBeLessThanOrEqual(17);
    expect(q.size).toBe(1);
    expect(q.popDue(1e9)?.name).toBe(0);
    expect(q.lastTime).toBe(3600 + 9999);
  });

  it('a rearmed timer fires once, at its new time; a cancelled one never; clear disarms all', () => {
    const q = new TimerQueue<Target>();
    const [a, b, c] = [0, 1, 2].map((name): Target => ({ name, tk: 0, timerIndex: -1, timerAt: Number.NaN }));
    q.schedule(a, 10);
    q.schedule(b, 10);
    q.schedule(a, 20);
    q.schedule(c, 15);
    q.cancel(b);
    expect(q.size).toBe(2);
    expect(q.popDue(12)).toBeUndefined();
    expect(q.popDue(30)?.name).toBe(2);
    expect(q.lastTime).toBe(15);
    expect(q.popDue(30)?.name).toBe(0);
    expect(q.lastTime).toBe(20);
    expect(q.popDue(30)).toBeUndefined();
    q.schedule(a, 40);
    q.schedule(b, 41);
    q.clear();
    expect(q.size).toBe(0);
    expect([a.timerIndex, b.timerIndex]).toEqual([-1, -1]);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
