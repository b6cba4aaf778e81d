/**
 * Correlated rules about loops and CSeq: a message sequence that triggers
 * each rule and one that must not, named after the RFC behaviour.
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  basicCall,
  cancelledCall,
  copyOf,
  ep,
  Flow,
  nameAddr,
  PROXY,
  proxiedCall,
  type RequestSpec,
  reinviteHoldAndInfo,
  request,
  via,
} from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { edit, header, insert, later } from './flow-edit.js';

const Q = ep('10.0.0.11');

/**
 * A routing loop between two proxies (10.0.0.10 and 10.0.0.11): the INVITE
 * goes P → Q → P → Q. `sameBranch`: P computes the same branch again (a
 * broken loop check), so the second P → Q copy looks like a retransmission
 * with a longer Via list.
 *
 *   10.0.0.1 ──INVITE──> P #0 ──> Q #1 ──> P #2 ──> Q #3
 */
function loopFlow(sameBranch = false) {
  const f = new Flow();
  const inv: RequestSpec = {
    method: 'INVITE',
    uri: 'sip:bob@example.com',
    via: [via(ALICE, 'z9hG4bKl1')],
    from: nameAddr('sip:alice@example.com', 'la'),
    to: nameAddr('sip:bob@example.com'),
    callId: 'loop-1@10.0.0.1',
    cseq: 1,
    headers: [['Contact', '<sip:alice@10.0.0.1>']],
  };
  const p1 = { ...inv, via: [via(PROXY, 'z9hG4bKp1'), ...inv.via], maxForwards: 69 };
  const q1 = { ...p1, via: [via(Q, 'z9hG4bKq1'), ...p1.via], maxForwards: 68 };
  const p2 = { ...q1, via: [via(PROXY, sameBranch ? 'z9hG4bKp1' : 'z9hG4bKp2'), ...q1.via], maxForwards: 67 };
  f.add(0, ALICE, PROXY, request(inv));
  f.add(0.01, PROXY, Q, request(p1));
  f.add(0.02, Q, PROXY, request(q1));
  f.add(0.03, PROXY, Q, request(p2));
  return f.messages;
}

describe('loop.hop-repeated: RFC 3261 §16.3 a request crossing the same hop twice has looped', () => {
  it('the INVITE crosses 10.0.0.10 → 10.0.0.11 again after going round through 10.0.0.11', () => {
    const fs = findingsOfRule(loopFlow(), 'loop.hop-repeated');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [1, 3]]]);
    expect(fs[0].text).toContain('10.0.0.10:5060 → 10.0.0.11:5060');
  });

  it('the same top branch again with a longer Via list is a lap of the loop, not a retransmission', () => {
    const fs = findingsOfRule(loopFlow(true), 'loop.hop-repeated');
    expect(fs.map((f) => f.messages)).toEqual([[3]]);
    expect(fs[0].text).toContain('4 Vias instead of 2');
  });

  it('a call through a proxy crosses each hop once; a retransmitted INVITE (same Via list) is not a loop', () => {
    const msgs = proxiedCall();
    expect(findingsOfRule(insert(msgs, 1, later(msgs[0], 0.5)), 'loop.hop-repeated')).toEqual([]);
  });
});

describe('loop.max-forwards-not-decremented: RFC 3261 §16.6 step 3 a proxy MUST decrement Max-Forwards', () => {
  it('the proxy forwards the INVITE with Max-Forwards 70, as it arrived', () => {
    const msgs = edit(proxiedCall(), 2, (t) => header(t, 'Max-Forwards', 'Max-Forwards: 70'));
    const fs = findingsOfRule(msgs, 'loop.max-forwards-not-decremented');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 2]]]);
    expect(fs[0].text).toContain('Max-Forwards 70; it arrived at the proxy with 70');
  });

  it('70 on the first hop, 69 on the second (INVITE, ACK and BYE alike)', () => {
    expect(findingsOfRule(proxiedCall(), 'loop.max-forwards-not-decremented')).toEqual([]);
  });
});

describe('loop.max-forwards-zero-forwarded: RFC 3261 §16.3 a request with Max-Forwards 0 MUST NOT be forwarded', () => {
  it('the proxy receives the INVITE with Max-Forwards 0 and forwards it', () => {
    let msgs = edit(proxiedCall(), 0, (t) => header(t, 'Max-Forwards', 'Max-Forwards: 0'));
    msgs = edit(msgs, 2, (t) => header(t, 'Max-Forwards', 'Max-Forwards: 0'));
    const fs = findingsOfRule(msgs, 'loop.max-forwards-zero-forwarded');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 2]]]);
  });

  it('a request that arrives with 1 and leaves with 0 was forwarded correctly', () => {
    let msgs = edit(proxiedCall(), 0, (t) => header(t, 'Max-Forwards', 'Max-Forwards: 1'));
    msgs = edit(msgs, 2, (t) => header(t, 'Max-Forwards', 'Max-Forwards: 0'));
    expect(findingsOfRule(msgs, 'loop.max-forwards-zero-forwarded')).toEqual([]);
    expect(findingsOfRule(msgs, 'loop.max-forwards-not-decremented')).toEqual([]);
  });
});

describe("cseq.response-mismatch: RFC 3261 §8.2.6.2 the CSeq of a response MUST equal its request's", () => {
  it('a 180 with CSeq 2 to the INVITE with CSeq 1', () => {
    const msgs = edit(basicCall(), 2, (t) => header(t, 'CSeq', 'CSeq: 2 INVITE'));
    const fs = findingsOfRule(msgs, 'cseq.response-mismatch');
    expect(fs.map((f) => [f.severity, f.messages, f.range?.message])).toEqual([['error', [0, 2], 2]]);
    expect(fs[0].text).toBe('180 Ringing to INVITE carries CSeq 2 INVITE; its request has CSeq 1 INVITE');
  });

  it('a 200 with CSeq "1 BYE" on the INVITE\'s branch matches no client transaction', () => {
    const msgs = edit(basicCall(), 3, (t) => header(t, 'CSeq', 'CSeq: 1 BYE'));
    const fs = findingsOfRule(msgs, 'cseq.response-mismatch');
    expect(fs.map((f) => f.messages)).toEqual([[0, 3]]);
    expect(fs[0].text).toContain('the request on its branch z9hG4bKinv1 is INVITE');
  });

  it("every response of a call copies its request's CSeq (a 200 to CANCEL included)", () => {
    expect(findingsOfRule(basicCall(), 'cseq.response-mismatch')).toEqual([]);
    expect(findingsOfRule(cancelledCall(), 'cseq.response-mismatch')).toEqual([]);
  });
});

describe('cseq.not-increasing: RFC 3261 §12.2.1.1 in-dialog CSeq strictly increases in each direction', () => {
  it("bob's BYE reuses the CSeq 1 of his INFO", () => {
    const msgs = edit(reinviteHoldAndInfo(), 9, (t) => header(t, 'CSeq', 'CSeq: 1 BYE'));
    const fs = findingsOfRule(msgs, 'cseq.not-increasing');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [7, 9]]]);
    expect(fs[0].text).toContain('a number reused by a new request');
  });

  it("alice's re-INVITE goes back to the CSeq of the INVITE that created the dialog", () => {
    const msgs = edit(reinviteHoldAndInfo(), 4, (t) => header(t, 'CSeq', 'CSeq: 1 INVITE'));
    const fs = findingsOfRule(msgs, 'cseq.not-increasing');
    expect(fs.map((f) => f.messages)).toEqual([[2, 4]]);
  });

  it('re-INVITE, INFO and BYE in order; each side counts on its own; ACK and CANCEL reuse numbers', () => {
    expect(findingsOfRule(reinviteHoldAndInfo(), 'cseq.not-increasing')).toEqual([]);
    expect(findingsOfRule(cancelledCall(), 'cseq.not-increasing')).toEqual([]);
  });

  it('a retransmitted INFO is not a CSeq regression', () => {
    const msgs = reinviteHoldAndInfo();
    const retx = insert(msgs, 8, copyOf(msgs[7], 0.5, 99));
    expect(findingsOfRule(retx, 'cseq.not-increasing')).toEqual([]);
  });

  it('a BYE forwarded by a proxy repeats the number on the next hop: judged once', () => {
    expect(findingsOfRule(proxiedCall(), 'cseq.not-increasing')).toEqual([]);
  });
});

describe("cseq.ack-mismatch: RFC 3261 §17.1.1.3 the ACK of a non-2xx has the INVITE's CSeq number", () => {
  it('the caller ACKs the 487 with CSeq 2', () => {
    const msgs = edit(cancelledCall(), 12, (t) => header(t, 'CSeq', 'CSeq: 2 ACK'));
    const fs = findingsOfRule(msgs, 'cseq.ack-mismatch');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 12]]]);
    expect(fs[0].text).toBe('ACK for 487 has CSeq 2; the INVITE it acknowledges has CSeq 1');
  });

  it('both hops ACK the 487 with CSeq 1', () => {
    expect(findingsOfRule(cancelledCall(), 'cseq.ack-mismatch')).toEqual([]);
  });
});

describe('cseq.cancel-mismatch: RFC 3261 §9.1 a CANCEL has the CSeq number of the request it cancels', () => {
  it('the caller CANCELs with CSeq 2', () => {
    const msgs = edit(cancelledCall(), 5, (t) => header(t, 'CSeq', 'CSeq: 2 CANCEL'));
    const fs = findingsOfRule(msgs, 'cseq.cancel-mismatch');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [0, 5]]]);
    expect(fs[0].text).toBe('CANCEL has CSeq 2 where the INVITE has 1');
  });

  it("the CANCEL of each hop shares its INVITE's branch and CSeq number", () => {
    expect(findingsOfRule(cancelledCall(), 'cseq.cancel-mismatch')).toEqual([]);
  });
});
