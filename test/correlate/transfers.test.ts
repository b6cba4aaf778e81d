/**
 * Calls related by transfer (RFC 3515 REFER, RFC 5589) and replacement
 * (RFC 3891 Replaces): each side of the relation names the other call, with
 * the header that showed it and the request that asked for it.
 */
import { describe, expect, it } from 'vitest';
import { newCallRecord } from '../../src/correlate/model.js';
import { mergeRelations, replacesCallId, uriKey } from '../../src/correlate/transfers.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parseUri } from '../../src/sip/uri.js';
import {
  ALICE,
  attendedTransfer,
  BOB,
  CAROL,
  ep,
  Flow,
  nameAddr,
  type RequestSpec,
  referTransfer,
  request,
  response,
  via,
} from '../fixtures/flows/index.js';
import { run } from './run.js';

const related = (msgs: SipMessage[]) => run(msgs).calls.map((c) => c.related);

interface Variant {
  /** Seconds after the REFER that the INVITE is sent. */
  after?: number;
  /** The REFER's Referred-By (none when null). */
  referredBy?: string | null;
  /** The INVITE's Referred-By (none when null). */
  inviteReferredBy?: string | null;
  /** The INVITE's From URI and source address. */
  inviteFrom?: string;
  inviteSrc?: typeof ALICE;
  /** The INVITE's To and Request-URI. */
  inviteTo?: string;
}

/**
 * Bob REFERs alice (in a dialog of call 0) to carol; an INVITE to carol then
 * starts call 1, shaped by `v`.
 *
 *   time    10.0.0.1:5060     10.0.0.2:5060   10.0.0.3:5060
 *                 │                 │               │
 *   0.000         │─────INVITE─────>│               │  #0
 *   0.500         │<────200 OK──────│               │  #1
 *   0.510         │───────ACK──────>│               │  #2
 *   5.000         │<─────REFER──────│               │  #3
 *   5.010         │──202 Accepted──>│               │  #4
 *   5.000+after   │─────────────INVITE─────────────>│  #5 (from inviteSrc)
 */
function referThenInvite(v: Variant = {}): SipMessage[] {
  const f = new Flow();
  const inv: RequestSpec = {
    method: 'INVITE',
    uri: 'sip:bob@10.0.0.2',
    via: [via(ALICE, 'z9hG4bKv1')],
    from: nameAddr('sip:alice@example.com', 'ta'),
    to: nameAddr('sip:bob@example.com'),
    callId: 'v-1@10.0.0.1',
    cseq: 1,
  };
  f.add(0, ALICE, BOB, request(inv));
  f.add(0.5, BOB, ALICE, response(inv, 200, 'OK', { toTag: 'tb' }));
  const dialog = { from: nameAddr('sip:alice@example.com', 'ta'), to: nameAddr('sip:bob@example.com', 'tb') };
  f.add(
    0.51,
    ALICE,
    BOB,
    request({
      ...dialog,
      method: 'ACK',
      uri: inv.uri,
      via: [via(ALICE, 'z9hG4bKv2')],
      callId: inv.callId,
      cseq: 1,
    }),
  );
  const referredBy = v.referredBy === undefined ? '<sip:bob@example.com>' : v.referredBy;
  const refer: RequestSpec = {
    method: 'REFER',
    uri: 'sip:alice@10.0.0.1',
    via: [via(BOB, 'z9hG4bKv3')],
    from: dialog.to,
    to: dialog.from,
    callId: inv.callId,
    cseq: 1,
    headers: [
      ['Refer-To', '<sip:carol@example.com>'],
      ...(referredBy ? [['Referred-By', referredBy] as const] : []),
    ],
  };
  f.add(5, BOB, ALICE, request(refer));
  f.add(5.01, ALICE, BOB, response(refer, 202, 'Accepted'));
  const invReferredBy = v.inviteReferredBy === undefined ? referredBy : v.inviteReferredBy;
  const target = v.inviteTo ?? 'sip:carol@example.com';
  const src = v.inviteSrc ?? ALICE;
  f.add(
    5 + (v.after ?? 0.02),
    src,
    CAROL,
    request({
      method: 'INVITE',
      uri: target,
      via: [via(src, 'z9hG4bKv4')],
      from: nameAddr(v.inviteFrom ?? 'sip:alice@example.com', 'ta2'),
      to: nameAddr(target),
      callId: 'v-2@10.0.0.1',
      cseq: 1,
      headers: invReferredBy ? [['Referred-By', invReferredBy]] : [],
    }),
  );
  return f.messages;
}

describe('transfers (RFC 3515 REFER, RFC 5589)', () => {
  it('unattended transfer: the REFER names the new call, the new call names the REFER (Referred-By copied, RFC 3892)', () => {
    // The named flow (non-invite-flows.ts referTransfer): REFER #4 in call 0, INVITE #8 starts call 1.
    expect(related(referTransfer())).toEqual([
      [{ call: 1, relation: 'transferred-to', evidence: 'Referred-By', message: 4 }],
      [{ call: 0, relation: 'transferred-from', evidence: 'Referred-By', message: 4 }],
    ]);
  });

  it('transfer with consultation: the new call is transferred from the first and replaces the consultation (RFC 3891)', () => {
    expect(related(attendedTransfer())).toEqual([
      [{ call: 2, relation: 'transferred-to', evidence: 'Replaces', message: 6 }],
      [{ call: 2, relation: 'replaced-by', evidence: 'Replaces', message: 8 }],
      [
        { call: 1, relation: 'replaces', evidence: 'Replaces', message: 8 },
        { call: 0, relation: 'transferred-from', evidence: 'Replaces', message: 6 },
      ],
    ]);
  });

  it('without Referred-By, the INVITE to the Refer-To URI from the referee is the transfer', () => {
    const r = related(referThenInvite({ referredBy: null }));
    expect(r[1]).toEqual([{ call: 0, relation: 'transferred-from', evidence: 'Refer-To', message: 3 }]);
    // The referee's address alone (a From the REFER's To does not show) is enough too.
    const byAddress = related(referThenInvite({ referredBy: null, inviteFrom: 'sip:1001@pbx.example.com' }));
    expect(byAddress[1]).toEqual([
      { call: 0, relation: 'transferred-from', evidence: 'Refer-To', message: 3 },
    ]);
  });

  it('the target matches by user and host, whatever the port, parameters and case of the host', () => {
    const r = related(referThenInvite({ inviteTo: 'sip:carol@EXAMPLE.com:5060;transport=udp' }));
    expect(r[1]).toEqual([{ call: 0, relation: 'transferred-from', evidence: 'Referred-By', message: 3 }]);
  });

  it('does not relate an INVITE to another target, from someone else, too late, or naming another referrer', () => {
    const none = [[], []];
    expect(related(referThenInvite({ inviteTo: 'sip:dave@example.com' }))).toEqual(none);
    expect(
      related(
        referThenInvite({ referredBy: null, inviteFrom: 'sip:eve@example.com', inviteSrc: ep('10.0.0.9') }),
      ),
    ).toEqual(none);
    // A REFER waits 64·T1 (32 s) for its INVITE.
    expect(related(referThenInvite({ after: 33 }))).toEqual(none);
    expect(related(referThenInvite({ after: 31 }))[1]).toHaveLength(1);
    expect(related(referThenInvite({ inviteReferredBy: '<sip:mallory@example.com>' }))).toEqual(none);
  });

  it('two calls to the same user with no REFER between them are not related', () => {
    const f = new Flow();
    for (const [i, t] of [0, 1].entries()) {
      const inv: RequestSpec = {
        method: 'INVITE',
        uri: 'sip:carol@10.0.0.3',
        via: [via(ALICE, `z9hG4bKn${i}`)],
        from: nameAddr('sip:alice@example.com', `n${i}`),
        to: nameAddr('sip:carol@example.com'),
        callId: `n-${i}`,
        cseq: 1,
        headers: [['Referred-By', '<sip:bob@example.com>']],
      };
      f.add(t, ALICE, CAROL, request(inv));
    }
    expect(related(f.messages)).toEqual([[], []]);
  });
});

describe('relations when legs merge', () => {
  it("the surviving call takes the absorbed leg's relations, and the other call names the survivor", () => {
    // Call 2 (a leg) was transferred from call 5; then evidence joined call 2 into call 1.
    const survivor = newCallRecord(1, ['a'], 0);
    const leg = newCallRecord(2, ['b'], 0);
    const other = newCallRecord(5, ['c'], 0);
    leg.related = [{ call: 5, relation: 'transferred-from', evidence: 'Referred-By', message: 9 }];
    other.related = [{ call: 2, relation: 'transferred-to', evidence: 'Referred-By', message: 9 }];
    mergeRelations(survivor, leg, (id) => (id === 5 ? other : undefined));
    expect(survivor.related).toEqual(leg.related);
    expect(other.related).toEqual([
      { call: 1, relation: 'transferred-to', evidence: 'Referred-By', message: 9 },
    ]);
  });

  it('a relation between the two merged calls disappears', () => {
    const survivor = newCallRecord(1, ['a'], 0);
    const leg = newCallRecord(2, ['b'], 0);
    survivor.related = [{ call: 2, relation: 'replaced-by', evidence: 'Replaces', message: 3 }];
    leg.related = [{ call: 1, relation: 'replaces', evidence: 'Replaces', message: 3 }];
    mergeRelations(survivor, leg, () => undefined);
    expect(survivor.related).toEqual([]);
  });
});

describe('transfer keys', () => {
  it('a Replaces value names the Call-ID before its parameters (RFC 3891 §6.1)', () => {
    expect(replacesCallId('425928@bobster.example.org;to-tag=7743;from-tag=6472')).toBe(
      '425928@bobster.example.org',
    );
    expect(replacesCallId(' abc ')).toBe('abc');
    expect(replacesCallId(';to-tag=1')).toBeNull();
    expect(replacesCallId(undefined)).toBeNull();
  });

  it('a URI key is user@host for SIP (host in lowercase), the digits for tel', () => {
    expect(uriKey(parseUri('sips:Carol@Chicago.Example.com:5061;transport=tls?Replaces=x'))).toBe(
      'Carol@chicago.example.com',
    );
    expect(uriKey(parseUri('tel:+1-201-555-0123'))).toBe('tel:+12015550123');
  });
});
