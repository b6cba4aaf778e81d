/**
 * The engine pieces the correlated rules stand on: message routing by
 * `MessageFilter`, on-demand ticks (`wakes`), state shared between rules,
 * and the bounded helpers (IdMemo, DeadlineQueue, RecentMap), address
 * classes, and the correlator's read-only lookups.
 */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { DeadlineQueue } from '../../src/analyze/deadline-queue.js';
import { NONE } from '../../src/analyze/finding.js';
import { hash32, hash32i } from '../../src/analyze/hash.js';
import { IdMemo } from '../../src/analyze/id-memo.js';
import { isPublicIpv4, isRfc1918 } from '../../src/analyze/ip-class.js';
import { accepts, messageKey } from '../../src/analyze/message-routing.js';
import { OfferAnswerTracker } from '../../src/analyze/offer-answer.js';
import { RecentMap } from '../../src/analyze/recent-map.js';
import type { CorrelatedRule, MessageFilter } from '../../src/analyze/rule.js';
import { createCorrelator } from '../../src/correlate/correlator.js';
import type { MessageCorrelation } from '../../src/correlate/model.js';
import { resolveTimers } from '../../src/correlate/timers.js';
import { basicCall, cancelledCall, copyOf, T0 } from '../fixtures/flows/index.js';

const BASE = {
  title: 'Test rule',
  severity: 'info' as const,
  rfc: { ref: 'RFC 3261 §17', text: 'A test rule of the engine tests, not a rule of the catalogue.' },
  explanation: 'Test rule. It exists for the engine tests.',
};

const corr = (o: Partial<MessageCorrelation> = {}): MessageCorrelation => ({
  transaction: 0,
  retransmission: false,
  duplicate: false,
  dialog: null,
  call: 0,
  ...o,
});

/** The labels of the messages of basicCall() a rule with filter `only` is called for. */
function seenBy(only: MessageFilter, msgs = basicCall()): string[] {
  const seen: string[] = [];
  const rule: CorrelatedRule = {
    ...BASE,
    id: 'test.seen',
    scope: 'correlated',
    on: ['message'],
    only,
    check(model) {
      const ev = model.event;
      if (ev.kind === 'message') seen.push(ev.msg.kind === 'request' ? ev.msg.method : String(ev.msg.status));
      return NONE;
    },
  };
  const c = createCorrelator();
  const a = createAnalyzer({ rules: [rule] });
  for (let i = 0; i < msgs.length; i++) a.onMessage(msgs[i], i, c.push(msgs[i], i));
  return seen;
}

describe('message routing: a correlated rule is called only for the messages its filter accepts', () => {
  it('requests by method, inside or outside a dialog, with or without a body', () => {
    // basicCall: INVITE 100 180 200 ACK BYE 200
    expect(seenBy({ requests: '*' })).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(seenBy({ requests: '*', except: ['ACK'] })).toEqual(['INVITE', 'BYE']);
    expect(seenBy({ requests: '*', inDialog: true })).toEqual(['ACK', 'BYE']);
    expect(seenBy({ requests: ['INVITE', 'BYE'], inDialog: false })).toEqual(['INVITE']);
    expect(seenBy({ requests: '*', responses: [2], withBody: true })).toEqual(['INVITE', '200']);
  });

  it('responses by status class and CSeq method', () => {
    expect(seenBy({ responses: [1] })).toEqual(['100', '180']);
    expect(seenBy({ responses: [2] })).toEqual(['200', '200']);
    expect(seenBy({ responses: [2], responseTo: ['BYE'] })).toEqual(['200']);
  });

  it('first copies, retransmissions, or all', () => {
    const msgs = basicCall();
    const retx = [...msgs.slice(0, 4), copyOf(msgs[3], 0.5, 90), ...msgs.slice(4)];
    expect(seenBy({ responses: [2], copies: 'first' }, retx)).toEqual(['200', '200']);
    expect(seenBy({ responses: [2], copies: 'retransmissions' }, retx)).toEqual(['200']);
    expect(seenBy({ responses: [2] }, retx)).toEqual(['200', '200', '200']);
  });

  it('message classes: an extension method shares a class that rules naming unknown methods get', () => {
    const m = basicCall()[0];
    const k = messageKey(m, corr());
    expect(accepts({ requests: ['INVITE'] }, k)).toBe(true);
    expect(accepts({ requests: ['BYE'] }, k)).toBe(false);
    expect(accepts({ responses: [1, 2, 3, 4, 5, 6] }, k)).toBe(false);
    expect(accepts(undefined, k)).toBe(true);
    expect(accepts({ requests: '*', copies: 'first' }, messageKey(m, corr({ duplicate: true })))).toBe(false);
    const ext = messageKey(
      Object.assign(Object.create(Object.getPrototypeOf(m)), m, { method: 'FOOBAR' }),
      corr(),
    );
    expect(accepts({ requests: ['FOOBAR'] }, ext)).toBe(true);
    expect(accepts({ requests: ['INVITE'] }, ext)).toBe(false);
  });
});

describe('on-demand ticks (`wakes`) and shared state', () => {
  it('a waking rule is ticked only once capture time passes what it asked for, and once at the end', () => {
    const ticks: number[] = [];
    const rule: CorrelatedRule = {
      ...BASE,
      id: 'test.wakes',
      scope: 'correlated',
      on: ['tick'],
      wakes: true,
      check(_model, ctx) {
        ticks.push(ctx.ended ? -1 : ctx.now);
        if (!ctx.ended && ctx.now < 20) ctx.wakeAt(20);
        return NONE;
      },
    };
    const a = createAnalyzer({ rules: [rule] });
    // Nothing asked for yet: no tick while time passes, but the final one at the end.
    a.advance(1);
    a.advance(2);
    expect(ticks).toEqual([]);
    a.end();
    expect(ticks).toEqual([-1]);
  });

  it('ticks follow the requested deadlines: strictly after them, one per request', () => {
    const seen: number[] = [];
    const rule: CorrelatedRule<{ next: number }> = {
      ...BASE,
      id: 'test.deadline',
      scope: 'correlated',
      on: ['message', 'tick'],
      wakes: true,
      init: () => ({ next: 10 }),
      check(model, ctx) {
        if (model.event.kind === 'message') ctx.wakeAt(ctx.state.next);
        else if (!ctx.ended) seen.push(ctx.now);
        return NONE;
      },
    };
    const a = createAnalyzer({ rules: [rule] });
    const m = basicCall()[0];
    m.source = { ...(m.source as NonNullable<typeof m.source>), ts: 1 };
    a.onMessage(m, 0, corr());
    a.advance(5);
    a.advance(10);
    expect(seen).toEqual([]);
    a.advance(10.5);
    a.advance(11);
    expect(seen).toEqual([10.5]);
  });

  it('rules of one analyzer share what `shared` makes; two analyzers do not', () => {
    const made: object[] = [];
    const mk = (id: string): CorrelatedRule => ({
      ...BASE,
      id,
      scope: 'correlated',
      on: ['tick'],
      check(_m, ctx) {
        made.push(ctx.shared('thing', () => ({})));
        return NONE;
      },
    });
    const a = createAnalyzer({ rules: [mk('test.one'), mk('test.two')] });
    a.advance(1);
    createAnalyzer({ rules: [mk('test.one')] }).advance(1);
    expect(made).toHaveLength(3);
    expect(made[0]).toBe(made[1]);
    expect(made[2]).not.toBe(made[0]);
  });
});

describe('IdMemo: a few numbers per record id in a bounded ring', () => {
  it('holds what was set, NaN for what was not; the first write after allocation is kept', () => {
    const m = new IdMemo(2, 4);
    expect(m.get(3, 0)).toBeNaN();
    m.set(3, 1, 42);
    expect(m.get(3, 1)).toBe(42);
    expect(m.get(3, 0)).toBeNaN();
    const r = m.claim(5);
    m.v[r] = 7;
    expect(m.get(5, 0)).toBe(7);
    expect(m.row(6)).toBe(-1);
  });

  it('an id older than the ring reads as unknown (a miss, never a wrong value)', () => {
    const m = new IdMemo(1, 4);
    m.set(1, 0, 10);
    m.set(17, 0, 20);
    expect(m.get(1, 0)).toBeNaN();
    expect(m.get(17, 0)).toBe(20);
    m.delete(17);
    expect(m.has(17)).toBe(false);
  });
});

describe('DeadlineQueue: waits in capture-time order', () => {
  it('due only strictly after the deadline; payloads come back in order across growth and wrap-around', () => {
    const q = new DeadlineQueue();
    for (let i = 0; i < 300; i++) q.push(i, i, i * 2, i * 3);
    for (let i = 0; i < 250; i++) q.shift();
    for (let i = 300; i < 800; i++) q.push(i, i, i * 2, i * 3);
    expect(q.due(250)).toBe(false);
    expect(q.due(250.5)).toBe(true);
    const got: number[] = [];
    while (q.due(1000)) {
      expect(q.first(1)).toBe(q.first(0) * 2);
      got.push(q.first(2) / 3);
      q.shift();
    }
    expect(got).toEqual(Array.from({ length: 550 }, (_, i) => 250 + i));
  });

  it('a deadline pushed out of order fires with the later one (late, never early)', () => {
    const q = new DeadlineQueue();
    q.push(10, 1);
    q.push(5, 2);
    expect(q.due(6)).toBe(false);
    expect([q.firstAt, q.size]).toEqual([10, 2]);
  });
});

describe('RecentMap: bounded per-source state', () => {
  it('evicts the oldest over its size, and expires entries idle longer than its ttl', () => {
    const m = new RecentMap<string, { last: number }>(2, 10);
    m.touch('a', { last: 0 }, 0);
    m.touch('b', { last: 0 }, 1);
    m.touch('c', { last: 0 }, 2);
    expect([m.get('a'), m.size, m.evicted]).toEqual([undefined, 2, 1]);
    m.sweep(11.5);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('c')).toBeDefined();
  });
});

describe('address classes and hashes', () => {
  it('RFC 1918 private ranges, and what counts as public', () => {
    expect(['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1'].map(isRfc1918)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['172.32.0.1', '11.0.0.1', '192.169.0.1', 'fe80::1', '10.1.2'].map(isRfc1918)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['8.8.8.8', '44.0.0.1'].map(isPublicIpv4)).toEqual([true, true]);
    const notPublic = [
      '10.0.0.1',
      '127.0.0.1',
      '169.254.1.1',
      '100.64.0.1',
      '224.0.0.1',
      '192.0.2.1',
      '2001:db8::1',
    ];
    expect(notPublic.map(isPublicIpv4)).toEqual(notPublic.map(() => false));
  });

  it('hashes are never 0; the case-insensitive one ignores ASCII case', () => {
    expect(hash32('')).not.toBe(0);
    expect(hash32i('Example.COM')).toBe(hash32i('example.com'));
    expect(hash32('a')).not.toBe(hash32('b'));
  });
});

describe('bounded state of the offer/answer tracker', () => {
  it('an offer nothing answers is forgotten after Timer C + 64·T1', () => {
    const t = new OfferAnswerTracker();
    const c = createCorrelator();
    const msgs = basicCall().slice(0, 1);
    const model = { event: { kind: 'tick' as const }, transaction: (id: number) => c.transaction(id) };
    for (let i = 0; i < msgs.length; i++) t.step(i, msgs[i], c.push(msgs[i], i), model, resolveTimers());
    expect(t.size).toBe(1);
    t.expire(T0 + 200);
    expect(t.size).toBe(1);
    t.expire(T0 + 213);
    expect(t.size).toBe(0);
  });
});

describe("the correlator's read-only lookups", () => {
  it('find records by id (retained), the live transaction of a branch, and only the last ones without retain', () => {
    const c = createCorrelator();
    const msgs = cancelledCall();
    const out = msgs.map((m, i) => c.push(m, i));
    expect(c.transaction(out[5].transaction)?.method).toBe('CANCEL');
    expect(c.dialog(0)?.tags).toEqual(['cat', 'ct']);
    expect(c.call(out[0].call)?.callIds).toEqual(['cancelled-1@10.0.0.1']);
    const cid = 'cancelled-1@10.0.0.1';
    expect(c.liveTransaction('z9hG4bKca1', '10.0.0.1:5060', 'INVITE', cid)?.id).toBe(out[0].transaction);
    expect(c.liveTransaction('z9hG4bKca1', '10.0.0.1:5060', 'BYE', cid)).toBeUndefined();
    // The same branch under another Call-ID is another transaction (transaction-key.ts).
    expect(c.liveTransaction('z9hG4bKca1', '10.0.0.1:5060', 'INVITE', 'other@10.0.0.1')).toBeUndefined();
    const lean = createCorrelator({ retain: false });
    const lo = msgs.map((m, i) => lean.push(m, i));
    expect(lean.transaction(lo[12].transaction)?.id).toBe(lo[12].transaction);
    expect(
      lean.transaction(lo[0].transaction === lo[12].transaction ? -1 : lo[0].transaction),
    ).toBeUndefined();
  });
});
