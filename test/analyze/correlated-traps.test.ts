/**
 * False-positive traps for the correlated rules (issue 4, "Done when"):
 * correct SIP exchanges that naive cross-message checks flag, run through
 * every rule. Also: what every rule says about each named flow of the
 * correlation fixtures (their own shortcuts included), and that every
 * correlated rule has its trigger/clean tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/analyze/registry.js';
import type { SipMessage } from '../../src/sip/message.js';
import {
  ALICE,
  BOB,
  b2buaLegsLinkedByXcid,
  basicCall,
  cancelledCall,
  copyOf,
  Flow,
  forkedInvite,
  lostAckRetransmissions,
  nameAddr,
  optionsUnanswered,
  PROXY,
  parsed,
  prackCall,
  proxiedCall,
  redirect302,
  referTransfer,
  registerWithChallenge,
  reinviteHoldAndInfo,
  request,
  rfc2543Call,
  subscribeNotify,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { analyzeFlow } from './correlated.js';
import { insert } from './flow-edit.js';

/** The rules of issue 4 part 2: every correlated rule, and the message rules about loops, ACK and routing. */
const PART2 = new Set([
  ...RULES.filter((r) => r.scope === 'correlated').map((r) => r.id),
  'loop.via-repeated',
  'loop.482-returned',
  'loop.483-returned',
  'ack.answered',
  'route.strict-routing',
]);

/** Findings of the part-2 rules, every rule running, capture time carried well past every timer. */
const part2 = (msgs: SipMessage[]) =>
  analyzeFlow(msgs, { advanceTo: T0 + 1000 })
    .filter((f) => PART2.has(f.rule))
    .map((f) => `${f.rule} ${f.messages.join(',')}`);

/** An in-dialog request of basicCall() from alice (tags a1/b1) at `t` s. */
function fromAlice(
  method: string,
  t: number,
  branch: string,
  cseq: number,
  extra: Array<[string, string]> = [],
) {
  const m = parsed(
    request({
      method,
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, branch)],
      from: nameAddr('sip:alice@example.com', 'a1', 'Alice'),
      to: nameAddr('sip:bob@example.com', 'b1'),
      callId: 'basic-1@10.0.0.1',
      cseq,
      headers: extra,
    }),
  );
  m.source = { transport: 'udp', src: ALICE, dst: BOB, frame: 200, frames: [200], ts: T0 + t };
  return m;
}

/** The response of bob to `req` at `t` s (Via, From, To, Call-ID and CSeq copied: RFC 3261 §8.2.6.2). */
function answer(req: SipMessage, status: string, t: number): SipMessage {
  const text = Buffer.from(req.raw)
    .toString('latin1')
    .replace(/^[A-Z]+ [^\r]*/, `SIP/2.0 ${status}`)
    .replace(/\r\nMax-Forwards: \d+/, '')
    .replace(/\r\nContent-Type: [^\r]*/, '')
    .replace(/\r\nContent-Length: \d+\r\n\r\n[\s\S]*$/, '\r\nContent-Length: 0\r\n\r\n');
  const m = parsed(text);
  m.source = { transport: 'udp', src: BOB, dst: ALICE, frame: 201, frames: [201], ts: T0 + t };
  return m;
}

describe('false-positive traps: correct SIP that naive cross-message checks flag', () => {
  it('a forked INVITE answered with two To tags (two early dialogs, one confirmed)', () => {
    expect(analyzeFlow(forkedInvite(), { advanceTo: T0 + 1000 })).toEqual([]);
  });

  it('a 100 Trying without To tag, and a 2xx ACK with a new branch', () => {
    expect(analyzeFlow(basicCall(), { advanceTo: T0 + 1000 })).toEqual([]);
  });

  it("a CANCEL (and the 487's ACK) sharing the INVITE's branch, hop by hop through a proxy", () => {
    expect(part2(cancelledCall())).toEqual([]);
  });

  it('retransmissions: the INVITE of an RFC 2543 peer, a 2xx and its ACKs, an OPTIONS before Timer F', () => {
    expect(part2(rfc2543Call())).toEqual([]);
    expect(part2(lostAckRetransmissions())).toEqual([]);
    expect(analyzeFlow(optionsUnanswered())).toEqual([]);
    const msgs = basicCall();
    expect(part2(insert(msgs, 6, copyOf(msgs[5], 0.5, 50), copyOf(msgs[6], 0.5, 51)))).toEqual([]);
  });

  it('a re-INVITE in a dialog, and a legacy INFO with application/dtmf-relay', () => {
    expect(part2(reinviteHoldAndInfo())).toEqual([]);
  });

  it('the 500 a UAS sends for a request with a lower CSeq is the right reaction: only the request is flagged', () => {
    const info2 = fromAlice('INFO', 5, 'z9hG4bKinfo1', 2);
    const info1 = fromAlice('INFO', 6, 'z9hG4bKinfo2', 1, [['Content-Type', 'application/dtmf-relay']]);
    const flow = [
      ...basicCall().slice(0, 5),
      info2,
      answer(info2, '200 OK', 5.01),
      info1,
      answer(info1, '500 Server Internal Error', 6.01),
    ];
    expect(part2(flow)).toEqual(['cseq.not-increasing 5,7']);
  });

  it("a proxy's own Via below the top (a spiral through it) is not a loop", () => {
    const f = new Flow();
    const vias = [
      via(PROXY, 'z9hG4bKsp2'),
      'SIP/2.0/UDP 10.0.0.11:5060;branch=z9hG4bKfwd1',
      via(PROXY, 'z9hG4bKsp1'),
      via(ALICE, 'z9hG4bKorig'),
    ];
    f.add(
      0,
      PROXY,
      BOB,
      request({
        method: 'INVITE',
        uri: 'sip:bob@10.0.0.2',
        via: vias,
        from: nameAddr('sip:alice@example.com', 'spa'),
        to: nameAddr('sip:bob@example.com'),
        callId: 'spiral-1@10.0.0.1',
        cseq: 1,
        maxForwards: 67,
        headers: [['Contact', '<sip:alice@10.0.0.1>']],
      }),
    );
    expect(part2(f.messages).filter((x) => x.startsWith('loop.'))).toEqual([]);
  });
});

describe('the named correlation flows through every part-2 rule', () => {
  const FLOWS: Record<string, [() => SipMessage[], string[]]> = {
    basicCall: [() => basicCall(), []],
    proxiedCall: [proxiedCall, []],
    forkedInvite: [forkedInvite, []],
    cancelledCall: [cancelledCall, []],
    redirect302: [() => redirect302(), []],
    reinviteHoldAndInfo: [reinviteHoldAndInfo, []],
    prackCall: [prackCall, []],
    lostAckRetransmissions: [lostAckRetransmissions, []],
    rfc2543Call: [rfc2543Call, []],
    b2buaLegsLinkedByXcid: [() => b2buaLegsLinkedByXcid(), []],
    registerWithChallenge: [registerWithChallenge, []],
    referTransfer: [referTransfer, []],
    subscribeNotify: [subscribeNotify, []],
    // The one flow that is meant to go wrong: nobody answers.
    optionsUnanswered: [optionsUnanswered, ['transaction.no-final-response 0']],
  };
  for (const [name, [flow, expected]] of Object.entries(FLOWS)) {
    it(`${name}: ${expected.length === 0 ? 'clean' : expected.join('; ')}`, () => {
      expect(part2(flow()).sort()).toEqual(expected);
    });
  }
});

describe('every correlated rule has its trigger and clean sequences', () => {
  it('each correlated rule id names a describe block of the correlated-*.test.ts files', () => {
    const dir = new URL('./', import.meta.url);
    const text = readdirSync(dir)
      .filter((f) => /^correlated-.*\.test\.ts$/.test(f))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    const missing = RULES.filter(
      (r) =>
        r.scope === 'correlated' &&
        !text.includes(`describe('${r.id}:`) &&
        !text.includes(`describe("${r.id}:`),
    ).map((r) => r.id);
    expect(missing).toEqual([]);
  });
});
