/**
 * prack.missing (RFC 3262 §3): a reliable provisional response (Require:
 * 100rel, RSeq) is retransmitted until a PRACK names it in RAck; after
 * 64·T1 (32 s) without one the UAS SHOULD reject the INVITE with a 5xx.
 *
 * The flows are prackCall() (test/fixtures/flows/dialog-flows.ts):
 *
 *   time    10.0.0.1:5060             10.0.0.2:5060
 *   0.000         │─────────INVITE─────────>│  #0
 *   0.100         │<─183 Session Progress───│  #1  Require: 100rel, RSeq: 1
 *   0.600         │<─183 Session Progress───│  (retrans) #2
 *   0.610         │──────────PRACK─────────>│  #3  RAck: 1 1 INVITE
 *   0.620         │<────────200 OK──────────│  #4
 *   2.000         │<────────200 OK──────────│  #5
 *   2.010         │───────────ACK──────────>│  #6
 *   8.000         │───────────BYE──────────>│  #7
 *   8.010         │<────────200 OK──────────│  #8
 *
 * with the PRACK and its 200 dropped, and the 200 to the INVITE replaced by
 * the 500 of a UAS that gave up, or moved.
 */
import { describe, expect, it } from 'vitest';
import { prackCall, T0 } from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { drop, edit, later } from './flow-edit.js';

const RULE = 'prack.missing';
const rejected = (t: string) => t.replace(/^SIP\/2\.0 200 OK/, 'SIP/2.0 500 Reliable Response Timed Out');

describe('prack.missing: RFC 3262 §3 a reliable provisional response is PRACKed before 64·T1', () => {
  it('no PRACK and no final response 32 s after the first 183: the capture still running', () => {
    const msgs = drop(prackCall(), 3, 4).slice(0, 3);
    expect(findingsOfRule(msgs, RULE, { advanceTo: T0 + 32 })).toEqual([]);
    const fs = findingsOfRule(msgs, RULE, { advanceTo: T0 + 32.2 });
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [1], 0]]);
    expect(fs[0].text).toBe(
      'no PRACK for the reliable 183 Session Progress to INVITE (RSeq 1) within 32.0 s',
    );
  });

  it('the UAS gives up with a 500 at 32 s, a little before the capture point counts 32 s: the finding names both', () => {
    // #5 (the 200 to the INVITE) is now at 31.6 s, a 500: 0.5 s before 64·T1 after the 183 at 0.100.
    const base = drop(prackCall(), 3, 4);
    const msgs = [...base.slice(0, 3), edit([later(base[3], 29.6)], 0, rejected)[0]];
    const fs = findingsOfRule(msgs, RULE);
    expect(fs.map((f) => f.messages)).toEqual([[1, 3]]);
    expect(fs[0].text).toBe(
      'no PRACK for the reliable 183 Session Progress to INVITE (RSeq 1) within 32.0 s; the 500 Reliable Response Timed Out to INVITE that followed rejected the call for it',
    );
  });

  it('does not fire when the PRACK names the response (RAck: RSeq, CSeq number, method)', () => {
    expect(findingsOfRule(prackCall(), RULE, { advanceTo: T0 + 100 })).toEqual([]);
  });

  it('fires when the PRACK names another RSeq: it acknowledges nothing', () => {
    const msgs = edit(prackCall(), 3, (t) => t.replace('RAck: 1 1 INVITE', 'RAck: 7 1 INVITE')).slice(0, 5);
    expect(findingsOfRule(msgs, RULE, { advanceTo: T0 + 33 }).map((f) => f.messages)).toEqual([[1]]);
  });

  it('does not fire when a final response ends the INVITE before 64·T1, nor when the capture ends first', () => {
    expect(findingsOfRule(drop(prackCall(), 3, 4), RULE, { advanceTo: T0 + 100 })).toEqual([]);
    expect(findingsOfRule(drop(prackCall(), 3, 4).slice(0, 3), RULE, { advanceTo: T0 + 20 })).toEqual([]);
  });

  it('does not fire for a 183 sent without RSeq (not reliable: nothing to PRACK)', () => {
    const msgs = edit(
      edit(prackCall(), 1, (t) => t.replace('RSeq: 1\r\n', '')),
      2,
      (t) => t.replace('RSeq: 1\r\n', ''),
    );
    expect(findingsOfRule(drop(msgs, 3, 4).slice(0, 3), RULE, { advanceTo: T0 + 40 })).toEqual([]);
  });
});
