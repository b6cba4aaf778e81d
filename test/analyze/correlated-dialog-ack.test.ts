/**
 * Correlated rules about dialogs, ACK, CANCEL and transaction completion:
 * a message sequence that triggers each rule and one that must not. Rules
 * that wait for a timer are also checked against capture time: the finding
 * comes once capture time passes the deadline, not before, and not at the
 * end of a capture that stopped before it.
 */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/decode/payload.js';
import type { SipMessage } from '../../src/sip/message.js';
import {
  ALICE,
  BOB,
  basicCall,
  cancelledCall,
  forkedInvite,
  lostAckRetransmissions,
  nameAddr,
  optionsUnanswered,
  parsed,
  registerWithChallenge,
  reinviteHoldAndInfo,
  request,
  T0,
} from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { drop, edit, insert } from './flow-edit.js';

const ALICE_URI = 'sip:alice@example.com';
const BOB_URI = 'sip:bob@example.com';

/** A request of basicCall()'s dialog (tags a1/b1) sent at `t` s into the flow. */
function inBasicDialog(method: string, t: number, branch: string, cseq: number, fromBob = false): SipMessage {
  const a = nameAddr(ALICE_URI, 'a1', 'Alice');
  const b = nameAddr(BOB_URI, 'b1');
  const [src, dst]: [Endpoint, Endpoint] = fromBob ? [BOB, ALICE] : [ALICE, BOB];
  const m = parsed(
    request({
      method,
      uri: fromBob ? 'sip:alice@10.0.0.1' : 'sip:bob@10.0.0.2',
      via: [`SIP/2.0/UDP ${src.ip}:5060;branch=${branch}`],
      from: fromBob ? b : a,
      to: fromBob ? a : b,
      callId: 'basic-1@10.0.0.1',
      cseq,
    }),
  );
  m.source = { transport: 'udp', src, dst, frame: 100, frames: [100], ts: T0 + t };
  return m;
}

/** basicCall()'s INVITE as a CANCEL sent at `t` (same branch, CSeq number, tags). */
function cancelOfBasic(t: number): SipMessage {
  const m = parsed(
    request({
      method: 'CANCEL',
      uri: 'sip:bob@10.0.0.2',
      via: ['SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinv1'],
      from: nameAddr(ALICE_URI, 'a1', 'Alice'),
      to: nameAddr(BOB_URI),
      callId: 'basic-1@10.0.0.1',
      cseq: 1,
    }),
  );
  m.source = { transport: 'udp', src: ALICE, dst: BOB, frame: 100, frames: [100], ts: T0 + t };
  return m;
}

const status = (code: string) => (t: string) => t.replace(/^SIP\/2\.0 \d+ [^\r]*/, `SIP/2.0 ${code}`);

describe("dialog.to-tag-changed: RFC 3261 §8.2.6.2 a response inside a dialog echoes its request's To tag", () => {
  it('the 200 to the re-INVITE comes back with another To tag', () => {
    const msgs = edit(reinviteHoldAndInfo(), 5, (t) => t.replace(';tag=h-b', ';tag=h-other'));
    const fs = findingsOfRule(msgs, 'dialog.to-tag-changed');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['error', [4, 5]]]);
    expect(fs[0].text).toContain('"h-other"');
  });

  it('a forked INVITE answered with two To tags (two early dialogs) is not a change', () => {
    expect(findingsOfRule(forkedInvite(), 'dialog.to-tag-changed')).toEqual([]);
  });

  it('responses inside the dialog echo the tag; a 100 Trying without To tag is fine', () => {
    expect(findingsOfRule(reinviteHoldAndInfo(), 'dialog.to-tag-changed')).toEqual([]);
    expect(findingsOfRule(basicCall(), 'dialog.to-tag-changed')).toEqual([]);
  });
});

describe('dialog.unknown-request: RFC 3261 §12.2.2 a request naming no dialog is answered 481', () => {
  it('a BYE with a To tag the capture never saw, answered 481', () => {
    let msgs = edit(basicCall(), 5, (t) => t.replace(';tag=b1', ';tag=b-unknown'));
    msgs = edit(msgs, 6, (t) =>
      status('481 Call/Transaction Does Not Exist')(t.replace(';tag=b1', ';tag=b-unknown')),
    );
    const fs = findingsOfRule(msgs, 'dialog.unknown-request');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [5, 6]]]);
    expect(fs[0].text).toContain('never saw established');
  });

  it('a BYE in the dialog the capture saw, answered 481: the far end lost it', () => {
    const msgs = edit(basicCall(), 6, status('481 Call/Transaction Does Not Exist'));
    const fs = findingsOfRule(msgs, 'dialog.unknown-request');
    expect(fs.map((f) => f.messages)).toEqual([[5, 6]]);
    expect(fs[0].text).toContain('the far end has lost the dialog');
  });

  it("a 481 to a CANCEL means no such transaction (RFC 3261 §9.2), not a dialog problem; a BYE's 200 is fine", () => {
    expect(
      findingsOfRule(
        edit(cancelledCall(), 6, status('481 Transaction Does Not Exist')),
        'dialog.unknown-request',
      ),
    ).toEqual([]);
    expect(findingsOfRule(basicCall(), 'dialog.unknown-request')).toEqual([]);
  });
});

describe('dialog.request-after-end: RFC 3261 §15.1 after the BYE the dialog is gone', () => {
  it('alice sends an INFO 5 s after her BYE was answered', () => {
    const msgs = [...basicCall(), inBasicDialog('INFO', 17, 'z9hG4bKlate', 3)];
    const fs = findingsOfRule(msgs, 'dialog.request-after-end');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [7]]]);
    expect(fs[0].text).toBe('INFO sent 5.0 s after the dialog ended (its BYE)');
  });

  it("bob's BYE crossing alice's on the wire (a glare race within T1) is not reported", () => {
    const msgs = [...basicCall(), inBasicDialog('BYE', 12.2, 'z9hG4bKglare', 1, true)];
    expect(findingsOfRule(msgs, 'dialog.request-after-end')).toEqual([]);
  });

  it('the BYE a UA must send after a 481 ends the dialog is not reported', () => {
    const base = drop(basicCall(), 5, 6);
    const info = inBasicDialog('INFO', 5, 'z9hG4bKi1', 2);
    const msgs = [...base, info];
    const answer = parsed(
      Buffer.from(info.raw)
        .toString('latin1')
        .replace(/^INFO [^\r]*/, 'SIP/2.0 481 Call/Transaction Does Not Exist')
        .replace(/\r\nMax-Forwards: 70/, ''),
    );
    answer.source = { transport: 'udp', src: BOB, dst: ALICE, frame: 101, frames: [101], ts: T0 + 5.01 };
    msgs.push(answer, inBasicDialog('BYE', 8, 'z9hG4bKb3', 3));
    expect(findingsOfRule(msgs, 'dialog.request-after-end')).toEqual([]);
  });
});

describe('ack.2xx-not-acked: RFC 3261 §13.3.1.4 a 2xx not ACKed within 64·T1', () => {
  const noAck = () => drop(basicCall(), 4);

  it('is reported once capture time passes 64·T1 after the 2xx, not before', () => {
    // The 200 is at 2 s: its ACK is due by 34 s.
    expect(findingsOfRule(noAck(), 'ack.2xx-not-acked', { advanceTo: T0 + 33.9, noEnd: true })).toEqual([]);
    const fs = findingsOfRule(noAck(), 'ack.2xx-not-acked', { advanceTo: T0 + 34.1, noEnd: true });
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [3], 0]]);
    expect(fs[0].text).toBe('no ACK for the 2xx to INVITE (CSeq 1) within 32.0 s');
  });

  it('a capture that ends before the 64·T1 wait is over reports nothing', () => {
    expect(findingsOfRule(noAck(), 'ack.2xx-not-acked')).toEqual([]);
  });

  it('every 2xx ACKed (also each retransmitted 2xx, and one of two forks) is clean', () => {
    for (const msgs of [basicCall(), lostAckRetransmissions(), forkedInvite(), reinviteHoldAndInfo()])
      expect(findingsOfRule(msgs, 'ack.2xx-not-acked', { advanceTo: T0 + 100 })).toEqual([]);
  });
});

describe('ack.non-2xx-not-acked: RFC 3261 §17.1.1.2 a 3xx–6xx to INVITE MUST be ACKed (Timer H)', () => {
  const noAck = () => drop(cancelledCall(), 12);

  it("the caller never ACKs the proxy's 487", () => {
    expect(findingsOfRule(noAck(), 'ack.non-2xx-not-acked', { advanceTo: T0 + 37, noEnd: true })).toEqual([]);
    const fs = findingsOfRule(noAck(), 'ack.non-2xx-not-acked', { advanceTo: T0 + 38 });
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [11]]]);
    expect(fs[0].text).toContain('487 response');
  });

  it('each hop ACKs its 487; a capture ending early reports nothing', () => {
    expect(findingsOfRule(cancelledCall(), 'ack.non-2xx-not-acked', { advanceTo: T0 + 100 })).toEqual([]);
    expect(findingsOfRule(noAck(), 'ack.non-2xx-not-acked')).toEqual([]);
  });
});

describe('ack.reuses-invite-branch: RFC 3261 §8.1.1.7 a 2xx ACK is a new transaction with a new branch', () => {
  it("the ACK for the 200 carries the INVITE's branch", () => {
    const msgs = edit(basicCall(), 4, (t) => t.replace('z9hG4bKack1', 'z9hG4bKinv1'));
    const fs = findingsOfRule(msgs, 'ack.reuses-invite-branch');
    expect(fs.map((f) => [f.severity, f.messages, f.range?.message])).toEqual([['error', [0, 4], 4]]);
  });

  it('a 2xx ACK with a new branch; a CANCEL and a non-2xx ACK sharing the INVITE branch', () => {
    expect(findingsOfRule(basicCall(), 'ack.reuses-invite-branch')).toEqual([]);
    expect(findingsOfRule(cancelledCall(), 'ack.reuses-invite-branch')).toEqual([]);
  });
});

describe('cancel.after-final: RFC 3261 §9.1 a CANCEL SHOULD NOT be sent after the final response', () => {
  it('alice CANCELs 3 s after the 200', () => {
    const msgs = insert(basicCall(), 5, cancelOfBasic(5));
    const fs = findingsOfRule(msgs, 'cancel.after-final');
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0, 5]]]);
    expect(fs[0].text).toBe("CANCEL sent 3.0 s after the INVITE's 200 final response");
  });

  it('a CANCEL crossing the 200 on the wire (within T1) and one while ringing are fine', () => {
    expect(findingsOfRule(insert(basicCall(), 4, cancelOfBasic(2.2)), 'cancel.after-final')).toEqual([]);
    expect(findingsOfRule(cancelledCall(), 'cancel.after-final')).toEqual([]);
  });
});

describe('transaction.no-final-response: RFC 3261 §17.1.2.2 Timer F / §17.1.1.2 Timer B', () => {
  it('an unanswered OPTIONS is reported once 64·T1 has passed', () => {
    expect(
      findingsOfRule(optionsUnanswered(), 'transaction.no-final-response', {
        advanceTo: T0 + 31.9,
        noEnd: true,
      }),
    ).toEqual([]);
    const fs = findingsOfRule(optionsUnanswered(), 'transaction.no-final-response', { advanceTo: T0 + 32.1 });
    expect(fs.map((f) => [f.severity, f.messages])).toEqual([['warning', [0]]]);
    expect(fs[0].text).toBe('OPTIONS got no final response within 32.0 s (Timer F)');
  });

  it('a capture that stops before Timer F reports nothing', () => {
    expect(findingsOfRule(optionsUnanswered(), 'transaction.no-final-response')).toEqual([]);
  });

  it('an INVITE that got a 180 waits for Timer C (3 minutes after the last provisional)', () => {
    const ringing = basicCall().slice(0, 3);
    expect(findingsOfRule(ringing, 'transaction.no-final-response', { advanceTo: T0 + 150 })).toEqual([]);
    const fs = findingsOfRule(ringing, 'transaction.no-final-response', { advanceTo: T0 + 200 });
    expect(fs.map((f) => f.messages)).toEqual([[0]]);
    expect(fs[0].text).toContain('Timer C');
  });

  it('answered requests (a challenged REGISTER, a call) are clean', () => {
    expect(
      findingsOfRule(registerWithChallenge(), 'transaction.no-final-response', { advanceTo: T0 + 300 }),
    ).toEqual([]);
    expect(findingsOfRule(basicCall(), 'transaction.no-final-response', { advanceTo: T0 + 300 })).toEqual([]);
  });
});
