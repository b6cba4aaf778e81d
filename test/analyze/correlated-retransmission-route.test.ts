/**
 * Correlated rules about retransmissions (timing, transport, Timer B/F) and
 * routing (the route set of a dialog): a message sequence that triggers
 * each rule and one that must not.
 */
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.js';
import {
  ALICE,
  BOB,
  basicCall,
  copyOf,
  Flow,
  lostAckRetransmissions,
  nameAddr,
  optionsUnanswered,
  proxiedCall,
  type RequestSpec,
  request,
  response,
  rfc2543Call,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { edit, header, insert } from './flow-edit.js';

const OPTIONS: RequestSpec = {
  method: 'OPTIONS',
  uri: 'sip:bob@10.0.0.2',
  via: [via(ALICE, 'z9hG4bKo1')],
  from: nameAddr('sip:alice@example.com', 'oa'),
  to: nameAddr('sip:bob@example.com'),
  callId: 'options-1@10.0.0.1',
  cseq: 1,
};

/** The same request sent at each of `times` (seconds into the flow), optionally answered at `answer`. */
function sentAt(
  times: number[],
  spec = OPTIONS,
  o: { transport?: 'udp' | 'tcp'; answer?: [number, number] } = {},
) {
  const f = new Flow(T0, o.transport ?? 'udp');
  const text = request(spec);
  const msgs: SipMessage[] = [];
  for (const t of times) {
    if (o.answer !== undefined && o.answer[0] <= t && !msgs.some((m) => m.kind === 'response'))
      msgs.push(
        f.add(o.answer[0], BOB, ALICE, response(spec, o.answer[1], o.answer[1] === 100 ? 'Trying' : 'OK')),
      );
    msgs.push(f.add(t, ALICE, BOB, text));
  }
  return msgs;
}

const INVITE: RequestSpec = {
  ...OPTIONS,
  method: 'INVITE',
  via: [via(ALICE, 'z9hG4bKi1')],
  callId: 'inv-1@10.0.0.1',
};

describe('retransmission.interval: RFC 3261 §17.1.2.2 retransmissions start at T1 and double up to T2', () => {
  it('an OPTIONS resent every 100 ms', () => {
    const fs = findingsOfRule(sentAt([0, 0.1, 0.2, 0.3]), 'retransmission.interval');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0, 1]]]);
    expect(fs[0].text).toContain(
      'retransmission 1 on 10.0.0.1:5060 → 10.0.0.2:5060 came 100 ms after the first copy',
    );
  });

  it('an INVITE resent every 500 ms without doubling (RFC 3261 §17.1.1.2)', () => {
    const fs = findingsOfRule(sentAt([0, 0.5, 1, 1.5], INVITE), 'retransmission.interval');
    expect(fs.map((f) => f.messages)).toEqual([[0, 2]]);
    expect(fs[0].text).toContain('allows it from 1500 ms');
  });

  it('a 2xx resent every 200 ms (RFC 3261 §13.3.1.4)', () => {
    const msgs = basicCall();
    const fast = insert(msgs, 4, copyOf(msgs[3], 0.2, 90), copyOf(msgs[3], 0.4, 91));
    const fs = findingsOfRule(fast, 'retransmission.interval');
    expect(fs.map((f) => f.messages)).toEqual([[4]]);
  });

  it('T1 doubling (0.5, 1, 2 s), a larger T1, and a copy the capture missed are all fine', () => {
    expect(findingsOfRule(optionsUnanswered(), 'retransmission.interval')).toEqual([]);
    expect(findingsOfRule(lostAckRetransmissions(), 'retransmission.interval')).toEqual([]);
    expect(findingsOfRule(rfc2543Call(), 'retransmission.interval')).toEqual([]);
    expect(findingsOfRule(sentAt([0, 1, 3, 7], INVITE), 'retransmission.interval')).toEqual([]);
    expect(findingsOfRule(sentAt([0, 1.5, 3.5], INVITE), 'retransmission.interval')).toEqual([]);
  });
});

describe('retransmission.over-reliable-transport: RFC 3261 §17.1.1.2 no Timer A/E/G over TCP', () => {
  it('an INVITE sent twice on the same TCP connection', () => {
    const msgs = basicCall({ transport: 'tcp' });
    const fs = findingsOfRule(
      insert(msgs, 1, copyOf(msgs[0], 0.5, 90)),
      'retransmission.over-reliable-transport',
    );
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [1]]]);
    expect(fs[0].text).toBe(
      'INVITE sent again on TCP 10.0.0.1:5060 → 10.0.0.2:5060 0.5 s after the previous copy',
    );
  });

  it('a 180 repeated on TCP is only info: the UAS may send more provisionals (RFC 3261 §13.3.1.1)', () => {
    const msgs = basicCall({ transport: 'tcp' });
    const fs = findingsOfRule(
      insert(msgs, 3, copyOf(msgs[2], 1, 90)),
      'retransmission.over-reliable-transport',
    );
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['info', [3]]]);
  });

  it('the 2xx to INVITE and its ACK are retransmitted end to end on any transport (RFC 3261 §13.3.1.4)', () => {
    const msgs = basicCall({ transport: 'tcp' });
    const again = insert(msgs, 5, copyOf(msgs[3], 0.5, 90), copyOf(msgs[4], 0.5, 91));
    expect(findingsOfRule(again, 'retransmission.over-reliable-transport')).toEqual([]);
    expect(findingsOfRule(optionsUnanswered(), 'retransmission.over-reliable-transport')).toEqual([]);
  });
});

describe('retransmission.beyond-timer-b: RFC 3261 §17.1.2.2 a client gives up after 64·T1', () => {
  const doubling = [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5];

  it('an unanswered OPTIONS still resent at 35.5 s, after Timer F', () => {
    const fs = findingsOfRule(sentAt([...doubling, 35.5]), 'retransmission.beyond-timer-b');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0, 11]]]);
    expect(fs[0].text).toContain('35.5 s after its first copy, beyond Timer F (32.0 s)');
  });

  it('an INVITE that got a 100 Trying resent at 40 s', () => {
    const fs = findingsOfRule(
      sentAt([0, 0.5, 40], INVITE, { answer: [0.6, 100] }),
      'retransmission.beyond-timer-b',
    );
    expect(fs.map((f) => f.messages)).toEqual([[0, 3]]);
    expect(fs[0].text).toContain('beyond Timer B');
  });

  it('the last copy at 31.5 s is within Timer F; a sender with T1 = 1 s may go on to 63 s', () => {
    expect(
      findingsOfRule(sentAt(doubling), 'retransmission.beyond-timer-b', { advanceTo: T0 + 100 }),
    ).toEqual([]);
    const slow = [0, 1, 3, 7, 15, 23, 31, 39, 47, 55, 63];
    expect(findingsOfRule(sentAt(slow), 'retransmission.beyond-timer-b', { advanceTo: T0 + 200 })).toEqual(
      [],
    );
  });
});

describe('route.set-missing: RFC 3261 §12.2.1.1 in-dialog requests carry the Route set from Record-Route', () => {
  it("alice's ACK goes out without the Route the proxy's Record-Route asked for", () => {
    const msgs = edit(proxiedCall(), 8, (t) => header(t, 'Route', ''));
    const fs = findingsOfRule(msgs, 'route.set-missing');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [7, 8]]]);
    expect(fs[0].text).toBe(
      'ACK on 10.0.0.1:5060 → 10.0.0.10:5060 has no Route header, but the dialog has a route set of 1 Record-Route entry',
    );
  });

  it('ACK and BYE with their Route; a dialog without Record-Route needs none', () => {
    expect(findingsOfRule(proxiedCall(), 'route.set-missing')).toEqual([]);
    expect(findingsOfRule(basicCall(), 'route.set-missing')).toEqual([]);
  });

  it('a record-routing proxy forwarding with its own single Via (topology hiding) is not a UA', () => {
    const hidden = edit(proxiedCall(), 11, (t) =>
      t.replace(/\r\nVia: SIP\/2\.0\/UDP 10\.0\.0\.2:5060[^\r]*/, ''),
    );
    expect(findingsOfRule(hidden, 'route.set-missing')).toEqual([]);
  });
});
