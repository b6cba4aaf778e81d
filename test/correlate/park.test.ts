/**
 * Parking (correlator.ts `parkAfter`, park.ts): a call that has ended, or has
 * seen no message for `parkAfter` seconds of capture time, is kept in a flat
 * form and woken by the next message, timer or lookup that needs it. The
 * answers must be exactly those of a correlator that never parks: every
 * correlation of every message, every record handed out, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { type CorrelatorOptions, createCorrelator } from '../../src/correlate/index.js';
import type { SipMessage } from '../../src/sip/message.js';
import { basicCall, copyOf, NAMED_FLOWS, redirect302, T0 } from '../fixtures/flows/index.js';

const FLOWS: Record<string, () => SipMessage[]> = {
  ...Object.fromEntries(NAMED_FLOWS),
  'callee hangs up': () => basicCall({ hangup: 'callee' }),
  'basic call over TCP': () => basicCall({ transport: 'tcp' }),
  '302 redirect, not followed': () => redirect302(),
  // Three calls overlapping in time: parked calls wake among the others' messages and timers.
  'three calls': () =>
    [1, 2, 3].flatMap((n) => basicCall({ n, t0: T0 + n * 1.5 })).sort((a, b) => a.source!.ts - b.source!.ts),
};

function correlate(msgs: SipMessage[], opts: CorrelatorOptions & { advanceTo?: number }) {
  const finals: unknown[] = [];
  const events: string[] = [];
  const c = createCorrelator({
    ...opts,
    retain: false,
    // The records as they are when handed out (a copy: nothing may change them afterwards).
    onCallFinal: (call, d) => finals.push(structuredClone({ call, ...d })),
    onPark: (call) => events.push(`park ${call}`),
    onWake: () => events.push('wake'),
  });
  const out = msgs.map((m, i) => c.push(m, i));
  if (opts.advanceTo !== undefined) c.advance(opts.advanceTo);
  c.end();
  return { out, finals, stats: c.stats(), parks: events.filter((e) => e.startsWith('park')).length, events };
}

describe('parked calls answer as if they had never been parked', () => {
  it.each(Object.keys(FLOWS))(
    '%s: the same correlations and records, parked at every step or never',
    (name) => {
      const msgs = FLOWS[name]();
      const never = correlate(msgs, {});
      const always = correlate(msgs, { parkAfter: 0 });
      const idle = correlate(msgs, { parkAfter: 1 });
      expect(never.parks).toBe(0);
      // Capture time moves on between the messages of every flow: calls do get parked.
      expect(always.parks).toBeGreaterThan(0);
      for (const r of [always, idle]) {
        expect(r.out).toEqual(never.out);
        expect(r.finals).toEqual(never.finals);
        expect(r.stats).toEqual(never.stats);
      }
    },
  );

  it('a call is parked while it rings and while it talks, woken by the 200 and the BYE, parked once it ended (RFC 3261 §15.1.2)', () => {
    // basicCall: 180 at 0.020, 200 at 2.000, ACK at 2.010, BYE at 12.000, its 200 at 12.010.
    const msgs = basicCall();
    // Capture time moves to 13 s: the call has ended (BYE answered, dialog terminated) and is
    // parked; at 50 s its timers (Timer J of the BYE, 44.010) have woken it and handed it out.
    const r = correlate(msgs, { parkAfter: 1, advanceTo: T0 + 13 });
    expect(r.events).toEqual(['park 0', 'wake', 'park 0', 'wake', 'park 0', 'wake']);
    const later = createCorrelator({ retain: false, parkAfter: 1 });
    for (const [i, m] of msgs.entries()) later.push(m, i);
    later.advance(T0 + 13);
    expect(later.hotStats()).toMatchObject({ calls: 1 });
    later.advance(T0 + 50);
    expect(later.hotStats()).toMatchObject({ calls: 0, transactions: 0, dialogs: 0, timers: 0 });
    expect(r.finals).toEqual(correlate(msgs, { advanceTo: T0 + 13 }).finals);
  });

  it('a call woken by a timer in its talk phase is parked again (Timer L of its INVITE, RFC 6026)', () => {
    // A call that talks for 100 s: parked after the ACK, woken at 34.000 by Timer L of the
    // INVITE (64·T1 after its 200), parked again a second later, woken by the BYE at 102.
    const msgs = basicCall();
    const bye = msgs.slice(5).map((m) => copyOf(m, 90, 10 + m.source!.frame));
    const flow = [...msgs.slice(0, 5), ...bye];
    const events: string[] = [];
    const finals: unknown[] = [];
    const c = createCorrelator({
      retain: false,
      parkAfter: 1,
      onPark: () => events.push('park'),
      onWake: () => events.push('wake'),
      onCallFinal: (call, d) => finals.push(structuredClone({ call, ...d })),
    });
    const out = flow.slice(0, 5).map((m, i) => c.push(m, i));
    c.advance(T0 + 10);
    expect(events).toEqual(['park', 'wake', 'park']);
    c.advance(T0 + 40);
    expect(events).toEqual(['park', 'wake', 'park', 'wake']);
    c.advance(T0 + 45);
    expect(events).toEqual(['park', 'wake', 'park', 'wake', 'park']);
    out.push(...flow.slice(5).map((m, i) => c.push(m, 5 + i)));
    c.end();
    expect(events.at(-1)).toBe('wake');
    const never = correlate(flow, {});
    expect(out).toEqual(never.out);
    expect(finals).toEqual(never.finals);
  });

  it('a 2xx retransmitted after the call was parked is matched to its INVITE transaction (§13.3.1.4, RFC 6026 Accepted)', () => {
    //   time     Alice            Bob
    //   0.000      │────INVITE────>│  #0
    //   2.000      │<────200 OK────│  #3
    //   12.010     │<────200 OK────│  #6 (the BYE's)
    //   14.000     │<────200 OK────│  #7 the INVITE's 200 again, the call parked since 12.010
    const msgs = basicCall();
    const late = copyOf(msgs[3], 12, 100);
    const flow = [...msgs, late];
    const parked = correlate(flow, { parkAfter: 0.5 });
    const never = correlate(flow, {});
    expect(parked.events.slice(0, 3)).toEqual(['park 0', 'wake', 'park 0']);
    expect(parked.out[7]).toEqual(never.out[7]);
    expect(parked.out[7]).toMatchObject({ transaction: parked.out[3].transaction, retransmission: true });
    expect(parked.finals).toEqual(never.finals);
  });

  it('the timers of a parked call fire when they would have: it is handed out at the same capture time', () => {
    const msgs = basicCall();
    // Timer J of the BYE's server transaction (64·T1 = 32 s after its 200, §17.2.2) and the call
    // linger end the call at 44.010; advancing to 40 s must not hand it out, to 45 s must.
    const before = createCorrelator({
      retain: false,
      parkAfter: 0,
      onCallFinal: () => expect.fail('too early'),
    });
    for (const [i, m] of msgs.entries()) before.push(m, i);
    before.advance(1_700_000_040);
    let handed = 0;
    const after = createCorrelator({ retain: false, parkAfter: 0, onCallFinal: () => handed++ });
    for (const [i, m] of msgs.entries()) after.push(m, i);
    after.advance(1_700_000_045);
    expect(handed).toBe(1);
    expect(after.hotStats()).toMatchObject({ calls: 0, transactions: 0, dialogs: 0 });
  });

  it('a call flooded with copies after it ended is no longer parked once it holds 512 messages', () => {
    // 1,000 copies of the BYE's 200, 1 ms apart, after the call ended: parking it again after
    // each would read and write a list that grows with every copy.
    const msgs = basicCall();
    const flood = Array.from({ length: 1000 }, (_, i) => copyOf(msgs[6], 1 + i * 0.001, 100 + i));
    const r = correlate([...msgs, ...flood], { parkAfter: 0 });
    const parks = r.events.filter((e) => e.startsWith('park')).length;
    expect(parks).toBeGreaterThan(100);
    expect(parks).toBeLessThan(520);
    expect(r.finals).toEqual(correlate([...msgs, ...flood], {}).finals);
  });

  it('is off with `retain` (every record is kept anyway)', () => {
    let parks = 0;
    const c = createCorrelator({ retain: true, parkAfter: 0, onPark: () => parks++ });
    for (const [i, m] of basicCall().entries()) c.push(m, i);
    c.end();
    expect(parks).toBe(0);
  });
});
