import { describe, expect, it } from 'vitest';
import { type CallRecord, createCorrelator, type HotStats } from '../../src/correlate/index.js';
import { basicCall, registerWithChallenge, T0 } from '../fixtures/flows/index.js';

describe('bounded state: hot indexes follow concurrent calls, not capture size', () => {
  it('20,000 sequential calls leave only the last minute of calls hot, and every call is handed out once', () => {
    const finals: CallRecord[] = [];
    const c = createCorrelator({ retain: false, onCallFinal: (call) => finals.push(call) });
    let id = 0;
    let peak: HotStats = { transactions: 0, dialogs: 0, calls: 0, callIds: 0, evidence: 0, timers: 0 };
    const N = 20_000;
    for (let n = 0; n < N; n++) {
      for (const m of basicCall({ n, t0: T0 + n * 15 })) c.push(m, id++);
      const h = c.hotStats();
      peak = {
        transactions: Math.max(peak.transactions, h.transactions),
        dialogs: Math.max(peak.dialogs, h.dialogs),
        calls: Math.max(peak.calls, h.calls),
        callIds: Math.max(peak.callIds, h.callIds),
        evidence: Math.max(peak.evidence, h.evidence),
        timers: Math.max(peak.timers, h.timers),
      };
    }
    // A call lasts 12 s and is finalised 32 s after its last message (its BYE
    // transaction ends with Timer J at the same time): one call starts every
    // 15 s, so 3 are hot at most — whatever the length of the capture.
    expect(peak.calls).toBeLessThanOrEqual(3);
    expect(peak.callIds).toBeLessThanOrEqual(3);
    expect(peak.dialogs).toBeLessThanOrEqual(3);
    expect(peak.transactions).toBeLessThanOrEqual(3 * 3);
    expect(peak.timers).toBeLessThanOrEqual(3 * 3 + 3 + 3);
    expect(finals.length).toBeGreaterThan(N - 8);
    c.end();
    expect(finals).toHaveLength(N);
    expect(new Set(finals.map((f) => f.id)).size).toBe(N);
    expect(finals.every((f) => f.state === 'completed' && f.final)).toBe(true);
    expect(c.hotStats()).toEqual({
      transactions: 0,
      dialogs: 0,
      calls: 0,
      callIds: 0,
      evidence: 0,
      timers: 0,
    });
    expect(c.stats()).toMatchObject({ messages: 7 * N, calls: N, transactions: 3 * N, dialogs: N });
  }, 120_000);

  it('onCallFinal hands out a finished call with its transactions and dialogs once capture time passes its lifetime', () => {
    const got: Array<{ call: CallRecord; txs: number; dialogs: number }> = [];
    const c = createCorrelator({
      onCallFinal: (call, d) => got.push({ call, txs: d.transactions.length, dialogs: d.dialogs.length }),
    });
    for (const [i, m] of basicCall().entries()) c.push(m, i);
    // BYE answered at +12.01: Timer J (32 s) ends its transaction; the call
    // is finalised once nothing is live and 32 s passed since its last message.
    c.advance(T0 + 12.01 + 31);
    expect(got).toHaveLength(0);
    c.advance(T0 + 12.01 + 32.001);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ call: { id: 0, state: 'completed', final: true }, txs: 3, dialogs: 1 });
    c.end();
    expect(got).toHaveLength(1);
  });

  it('a REGISTER refreshed with the same Call-ID after the linger is a new registration call', () => {
    const first = registerWithChallenge();
    const later = registerWithChallenge().map((m) => {
      if (m.source) m.source = { ...m.source, ts: m.source.ts + 3600 };
      return m;
    });
    const finals: CallRecord[] = [];
    const c = createCorrelator({ onCallFinal: (call) => finals.push(call) });
    for (const [i, m] of [...first, ...later].entries()) c.push(m, i);
    c.end();
    expect(finals.map((f) => [f.id, f.callIds, f.messages])).toEqual([
      [0, ['register-1@10.0.0.1'], [0, 1, 2, 3]],
      [1, ['register-1@10.0.0.1'], [4, 5, 6, 7]],
    ]);
  });

  it('a confirmed dialog whose BYE never comes is released after dialogIdle, and its call handed out as in-call', () => {
    const finals: CallRecord[] = [];
    const c = createCorrelator({ dialogIdle: 600, onCallFinal: (call) => finals.push(call) });
    for (const [i, m] of basicCall().slice(0, 5).entries()) c.push(m, i);
    c.advance(T0 + 2.01 + 599);
    expect(finals).toHaveLength(0);
    expect(c.hotStats().dialogs).toBe(1);
    c.advance(T0 + 2.01 + 600 + 33);
    expect(finals).toHaveLength(1);
    expect(finals[0].state).toBe('in-call');
    expect(c.snapshot().dialogs[0]).toMatchObject({ state: 'confirmed', idle: true, end: null });
    expect(c.hotStats()).toMatchObject({ dialogs: 0, calls: 0, transactions: 0 });
  });

  it('over TCP, Timer J is zero: a completed non-INVITE transaction leaves the hot index at once (§17.2.2)', () => {
    const udp = createCorrelator();
    const tcp = createCorrelator();
    for (const [i, m] of basicCall().entries()) udp.push(m, i);
    for (const [i, m] of basicCall({ transport: 'tcp' }).entries()) tcp.push(m, i);
    udp.advance(T0 + 12.02);
    tcp.advance(T0 + 12.02);
    // UDP: the INVITE (Timer L), its ACK and the BYE (Timer J) are still hot; TCP: the BYE is gone.
    expect(udp.hotStats().transactions).toBe(3);
    expect(tcp.hotStats().transactions).toBe(2);
  });

  it('endSome hands the calls still hot out a part at a time: the same calls, in the order end() gives', () => {
    const flow = (c: ReturnType<typeof createCorrelator>) => {
      let id = 0;
      // Ten calls one second apart: all of them still within their 32 s when the capture ends.
      for (let n = 0; n < 10; n++) for (const m of basicCall({ n, t0: T0 + n })) c.push(m, id++);
    };
    const whole: number[] = [];
    const all = createCorrelator({ retain: false, onCallFinal: (call) => whole.push(call.id) });
    flow(all);
    all.end();
    const parts: number[][] = [];
    const some = createCorrelator({ retain: false, onCallFinal: (call) => parts.at(-1)!.push(call.id) });
    flow(some);
    const done: boolean[] = [];
    for (let i = 0; i < 5 && !done.at(-1); i++) {
      parts.push([]);
      done.push(some.endSome(4));
    }
    expect(whole).toHaveLength(10);
    expect(parts.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(done).toEqual([false, false, true]);
    expect(parts.flat()).toEqual(whole);
    expect(some.hotStats()).toEqual(all.hotStats());
    expect(some.hotStats().calls).toBe(0);
    // Nothing is left to hand out, and a later end() hands out nothing twice.
    parts.push([]);
    expect(some.endSome(4)).toBe(true);
    some.end();
    expect(parts.at(-1)).toEqual([]);
  });

  it('retain: false keeps no records beyond what is still live', () => {
    const c = createCorrelator({ retain: false });
    for (const [i, m] of basicCall().entries()) c.push(m, i);
    expect(c.snapshot().calls).toHaveLength(1);
    c.end();
    expect(c.snapshot()).toEqual({ transactions: [], dialogs: [], calls: [] });
  });
});
