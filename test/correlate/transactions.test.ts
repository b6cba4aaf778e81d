import { describe, expect, it } from 'vitest';
import { transition } from '../../src/correlate/index.js';
import {
  ALICE,
  BOB,
  basicCall,
  cancelledCall,
  copyOf,
  ep,
  Flow,
  forkedInvite,
  lostAckRetransmissions,
  nameAddr,
  optionsUnanswered,
  proxiedCall,
  type RequestSpec,
  redirect302,
  request,
  response,
  rfc2543Call,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { run } from './run.js';

describe('RFC 3261 §17 transaction matching', () => {
  it('groups a basic call into INVITE, 2xx-ACK and BYE transactions with RFC state names', () => {
    const r = run(basicCall());
    expect(r.transactions.map((t) => [t.kind, t.method, t.messages])).toEqual([
      ['invite', 'INVITE', [0, 1, 2, 3]],
      ['ack', 'ACK', [4]],
      ['non-invite', 'BYE', [5, 6]],
    ]);
    const [inv, ack, bye] = r.transactions;
    // RFC 6026: a 2xx puts the INVITE transaction in "Accepted"; the capture
    // ends before Timer L, so it is still there.
    expect(inv.state).toBe('accepted');
    expect(inv.finalStatus).toBe(200);
    expect(inv.responses).toEqual([1, 2, 3]);
    expect(inv.responseTimes).toEqual([10, 20, 2000]);
    expect(inv.firstResponseAt).toBeCloseTo(T0 + 0.01, 6);
    expect(inv.ackedBy).toBe(ack.id);
    expect(ack.acks).toBe(inv.id);
    expect(bye.state).toBe('completed');
  });

  it('the CANCEL is its own transaction linked to the INVITE it cancels; the 487 and its ACK belong to the INVITE transaction (§9.2, §17.1.1.3)', () => {
    const r = run(cancelledCall());
    const inv1 = r.txOf(0);
    const inv2 = r.txOf(2);
    const cancel1 = r.txOf(5);
    const cancel2 = r.txOf(7);
    expect(cancel1.method).toBe('CANCEL');
    expect(cancel1.kind).toBe('non-invite');
    expect(cancel1.messages).toEqual([5, 6]);
    expect(cancel1.cancels).toBe(inv1.id);
    expect(inv1.cancelledBy).toBe(cancel1.id);
    expect(cancel2.cancels).toBe(inv2.id);
    // Hop by hop: each INVITE transaction holds its own 487 and ACK.
    expect(inv2.messages).toEqual([2, 3, 9, 10]);
    expect(inv1.messages).toEqual([0, 1, 4, 11, 12]);
    // §17.2.1: the ACK moves the transaction from Completed to Confirmed.
    expect(inv1.state).toBe('confirmed');
    expect(inv1.finalStatus).toBe(487);
  });

  it('the ACK of a 2xx is its own end-to-end transaction, the ACK of a 302 is in the INVITE transaction', () => {
    const r = run(redirect302());
    expect(r.txOf(2).id).toBe(r.txOf(0).id);
    expect(r.txOf(0).messages).toEqual([0, 1, 2]);
    expect(r.txOf(6).kind).toBe('ack');
    expect(r.txOf(6).id).not.toBe(r.txOf(3).id);
    expect(r.txOf(6).acks).toBe(r.txOf(3).id);
  });

  it('links each hop of a proxied request to its upstream transaction by the second Via (§16.6 step 8)', () => {
    const r = run(proxiedCall());
    const hop1 = r.txOf(0);
    const hop2 = r.txOf(2);
    expect(hop1.id).not.toBe(hop2.id);
    expect(hop2.upstream).toBe(hop1.id);
    expect(hop1.upstream).toBeUndefined();
    expect(hop1.messages).toEqual([0, 1, 5, 7]);
    expect(hop2.messages).toEqual([2, 3, 4, 6]);
    // ACK and BYE follow the route set through the proxy: two hops each.
    expect(r.txOf(9).upstream).toBe(r.txOf(8).id);
    expect(r.txOf(11).upstream).toBe(r.txOf(10).id);
    expect(r.txOf(10).messages).toEqual([10, 13]);
  });

  it('a forked INVITE gives one downstream transaction per branch, each linked upstream', () => {
    const r = run(forkedInvite());
    const up = r.txOf(0);
    const b1 = r.txOf(2);
    const b2 = r.txOf(3);
    expect([b1.upstream, b2.upstream]).toEqual([up.id, up.id]);
    expect(b2.messages).toEqual([3, 6, 13, 14]);
    expect(b2.finalStatus).toBe(487);
    expect(r.txOf(10).cancels).toBe(b2.id);
    // Both branches' 183s and the winning 200 reach the caller on the upstream transaction.
    expect(up.responses).toEqual([1, 5, 7, 9]);
  });

  it('matches by the RFC 2543 rules when the branch has no z9hG4bK cookie (§17.2.3 last paragraph)', () => {
    const r = run(rfc2543Call());
    const inv = r.txOf(0);
    expect(inv.rfc2543).toBe(true);
    expect(inv.branch).toBeNull();
    expect(inv.messages).toEqual([0, 1, 2, 3, 4]);
    expect(r.out[1].retransmission).toBe(true);
    // Same top Via, CSeq number and tags, but method ACK after a 2xx: its own transaction.
    expect(r.txOf(5).kind).toBe('ack');
    expect(r.txOf(6).messages).toEqual([6, 7]);
    expect(new Set(r.out.map((o) => o.transaction)).size).toBe(3);
  });

  it('under RFC 2543 the ACK of a non-2xx matches the INVITE by Request-URI, tags, Call-ID, CSeq number and Via', () => {
    const f = new Flow();
    const inv: RequestSpec = {
      method: 'INVITE',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, '1')],
      from: nameAddr('sip:alice@example.com', 'x'),
      to: nameAddr('sip:bob@example.com'),
      callId: 'old-486',
      cseq: 5,
    };
    f.add(0, ALICE, BOB, request(inv));
    f.add(0.1, BOB, ALICE, response(inv, 486, 'Busy Here', { toTag: 'y' }));
    f.add(0.2, ALICE, BOB, request({ ...inv, method: 'ACK', to: nameAddr('sip:bob@example.com', 'y') }));
    const r = run(f.messages);
    expect(r.transactions).toHaveLength(1);
    expect(r.transactions[0].rfc2543).toBe(true);
    expect(r.transactions[0].state).toBe('confirmed');
  });

  it('makes a transaction from a response whose request was not captured, flagged orphan', () => {
    const r = run(basicCall().slice(1));
    const inv = r.txOf(0);
    expect(inv.orphan).toBe(true);
    expect(inv.request).toBeNull();
    expect(inv.responses).toEqual([0, 1, 2]);
    expect(inv.responseTimes).toEqual([null, null, null]);
    expect(inv.finalStatus).toBe(200);
  });
});

describe('transaction states and timers in capture time', () => {
  it('Timer F ends an unanswered non-INVITE transaction as timed out (§17.1.2.2)', () => {
    const live = run(optionsUnanswered(), { advanceTo: T0 + 31, noEnd: true });
    expect(live.transactions[0].state).toBe('trying');
    const r = run(optionsUnanswered(), { advanceTo: T0 + 32.5 });
    expect(r.transactions[0].state).toBe('terminated');
    expect(r.transactions[0].timedOut).toBe(true);
  });

  it('the end of the capture is not a timeout: an open transaction keeps its state', () => {
    const r = run(optionsUnanswered());
    expect(r.transactions[0].state).toBe('trying');
    expect(r.transactions[0].timedOut).toBe(false);
  });

  it('Timer L ends an Accepted INVITE transaction 64·T1 after its 2xx (RFC 6026)', () => {
    const r = run(lostAckRetransmissions(), { advanceTo: T0 + 40 });
    expect(r.txOf(0).state).toBe('terminated');
    expect(r.txOf(0).timedOut).toBe(false);
  });

  it('Timer H without an ACK terminates a Completed INVITE transaction and records no-ack', () => {
    const f = new Flow();
    const inv: RequestSpec = {
      method: 'INVITE',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKnoack')],
      from: nameAddr('sip:alice@example.com', 'x'),
      to: nameAddr('sip:bob@example.com'),
      callId: 'noack',
      cseq: 1,
    };
    f.add(0, ALICE, BOB, request(inv));
    f.add(0.1, BOB, ALICE, response(inv, 503, 'Service Unavailable', { toTag: 'y' }));
    const r = run(f.messages, { advanceTo: T0 + 40 });
    expect(r.transactions[0].state).toBe('terminated');
    expect(r.transactions[0].anomalies).toContain('no-ack');
  });

  it('a provisional response after the final one is an anomaly on the transaction, never an exception', () => {
    const f = new Flow();
    const opt: RequestSpec = {
      method: 'OPTIONS',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKlate')],
      from: nameAddr('sip:alice@example.com', 'x'),
      to: nameAddr('sip:bob@example.com'),
      callId: 'late-1xx',
      cseq: 1,
    };
    f.add(0, ALICE, BOB, request(opt));
    f.add(0.1, BOB, ALICE, response(opt, 200, 'OK', { toTag: 'y' }));
    f.add(0.2, BOB, ALICE, response(opt, 180, 'Ringing', { toTag: 'y' }));
    f.add(0.3, BOB, ALICE, response(opt, 500, 'Server Internal Error', { toTag: 'y' }));
    const r = run(f.messages);
    expect(r.transactions[0].state).toBe('completed');
    expect(r.transactions[0].anomalies).toEqual(['1xx-in-completed', 'conflicting-final']);
  });

  it('with two capture points, a provisional seen on one path after the final on another is not an anomaly', () => {
    const msgs = basicCall().slice(0, 4);
    // The 100 Trying seen again, later, between two other hosts (the far side of an SBC that keeps the Via).
    const late = copyOf(msgs[1], 2.5, 50, ep('192.0.2.7'), ep('192.0.2.8'));
    const r = run([...msgs, late]);
    expect(r.out[4].transaction).toBe(r.out[0].transaction);
    expect(r.txOf(0).anomalies).toEqual([]);
    // On the path that carried the 200, the same late 100 is an anomaly.
    const samePath = copyOf(msgs[1], 2.5, 51);
    expect(run([...msgs, samePath]).txOf(0).anomalies).toEqual(['1xx-in-accepted']);
  });

  it('the transition table follows §17.1.1.2, §17.2.1 and RFC 6026', () => {
    expect(transition('invite', 'calling', '1xx')).toEqual({ state: 'proceeding' });
    expect(transition('invite', 'proceeding', '2xx')).toEqual({ state: 'accepted' });
    expect(transition('invite', 'calling', 'non-2xx')).toEqual({ state: 'completed' });
    expect(transition('invite', 'completed', 'ack')).toEqual({ state: 'confirmed' });
    expect(transition('invite', 'accepted', 'non-2xx')).toEqual({
      state: 'accepted',
      anomaly: 'non-2xx-in-accepted',
    });
    expect(transition('invite', 'completed', '2xx')).toEqual({
      state: 'completed',
      anomaly: '2xx-in-completed',
    });
    expect(transition('non-invite', 'trying', '2xx')).toEqual({ state: 'completed' });
    expect(transition('non-invite', 'completed', '1xx')).toEqual({
      state: 'completed',
      anomaly: '1xx-in-completed',
    });
    expect(transition('non-invite', 'trying', 'ack')).toEqual({ state: 'trying', anomaly: 'ack-in-trying' });
  });

  it('an ACK for a 2xx that reuses the INVITE branch is its own transaction, flagged (§8.1.1.7)', () => {
    const f = new Flow();
    const inv: RequestSpec = {
      method: 'INVITE',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKsame')],
      from: nameAddr('sip:alice@example.com', 'x'),
      to: nameAddr('sip:bob@example.com'),
      callId: 'reuse',
      cseq: 1,
    };
    f.add(0, ALICE, BOB, request(inv));
    f.add(0.1, BOB, ALICE, response(inv, 200, 'OK', { toTag: 'y' }));
    f.add(0.2, ALICE, BOB, request({ ...inv, method: 'ACK', to: nameAddr('sip:bob@example.com', 'y') }));
    const r = run(f.messages);
    expect(r.transactions.map((t) => t.kind)).toEqual(['invite', 'ack']);
    expect(r.transactions[1].anomalies).toEqual(['ack-reuses-invite-branch']);
  });

  /*
   * A UA that reuses one branch for every request (broken: §8.1.1.7 wants it
   * unique across space and time), three calls of their own Call-IDs:
   *
   *   ALICE                  BOB
   *     |--INVITE (call-a)--->|   branch z9hG4bKfixed
   *     |<-----180 (call-a)---|
   *     |--INVITE (call-b)--->|   branch z9hG4bKfixed
   *     |<-----180 (call-b)---|
   *     |--INVITE (call-c)--->|   branch z9hG4bKfixed
   *     |<-----486 (call-c)---|
   */
  it('a branch reused with another Call-ID starts another transaction, not a retransmission (§8.1.1.7, §8.2.6.2)', () => {
    const f = new Flow();
    const inv = (callId: string): RequestSpec => ({
      method: 'INVITE',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKfixed')],
      from: nameAddr('sip:alice@example.com', 'ft1'),
      to: nameAddr('sip:bob@example.com'),
      callId,
      cseq: 1,
    });
    f.add(0, ALICE, BOB, request(inv('call-a')));
    f.add(0.1, BOB, ALICE, response(inv('call-a'), 180, 'Ringing', { toTag: 'tt1' }));
    f.add(1, ALICE, BOB, request(inv('call-b')));
    f.add(1.1, BOB, ALICE, response(inv('call-b'), 180, 'Ringing', { toTag: 'tt1' }));
    f.add(2, ALICE, BOB, request(inv('call-c')));
    f.add(2.1, BOB, ALICE, response(inv('call-c'), 486, 'Busy Here', { toTag: 'tt1' }));
    const r = run(f.messages);
    expect(r.transactions.map((t) => [t.callId, t.messages])).toEqual([
      ['call-a', [0, 1]],
      ['call-b', [2, 3]],
      ['call-c', [4, 5]],
    ]);
    expect(r.out.filter((m) => m.retransmission)).toEqual([]);
    expect(r.calls.map((c) => c.callIds)).toEqual([['call-a'], ['call-b'], ['call-c']]);
  });
});
