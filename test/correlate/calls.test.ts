import { describe, expect, it } from 'vitest';
import { icidValue, kindOfMethod, linkEvidence, sessionUuid } from '../../src/correlate/index.js';
import type { SipMessage } from '../../src/sip/message.js';
import {
  ALICE,
  BOB,
  b2buaLegsLinkedByXcid,
  basicCall,
  cancelledCall,
  Flow,
  forkedInvite,
  nameAddr,
  optionsUnanswered,
  parsed,
  proxiedCall,
  type RequestSpec,
  redirect302,
  referTransfer,
  registerWithChallenge,
  request,
  response,
  subscribeNotify,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { run } from './run.js';

/** INVITE, an optional provisional, an optional final response (with its ACK). */
function attempt(
  final: [number, string] | null,
  provisional?: number,
  headers: Array<[string, string]> = [],
): SipMessage[] {
  const f = new Flow();
  const inv: RequestSpec = {
    method: 'INVITE',
    uri: 'sip:bob@10.0.0.2',
    via: [via(ALICE, 'z9hG4bKatt')],
    from: nameAddr('sip:alice@example.com', 'x'),
    to: nameAddr('sip:bob@example.com'),
    callId: 'attempt',
    cseq: 1,
  };
  f.add(0, ALICE, BOB, request(inv));
  if (provisional) f.add(0.1, BOB, ALICE, response(inv, provisional, 'Ringing', { toTag: 'y' }));
  if (final) {
    f.add(1, BOB, ALICE, response(inv, final[0], final[1], { toTag: 'y', headers }));
    if (final[0] >= 300)
      f.add(1.01, ALICE, BOB, request({ ...inv, method: 'ACK', to: nameAddr('sip:bob@example.com', 'y') }));
  }
  return f.messages;
}

describe('call outcome: state rules', () => {
  it.each([
    [[486, 'Busy Here'], 'busy'],
    [[600, 'Busy Everywhere'], 'busy'],
    [[302, 'Moved Temporarily'], 'redirected'],
    [[404, 'Not Found'], 'rejected'],
    [[400, 'Bad Request'], 'rejected'],
    [[503, 'Service Unavailable'], 'rejected'],
    [[603, 'Decline'], 'rejected'],
    [[487, 'Request Terminated'], 'cancelled'],
    [[200, 'OK'], 'in-call'],
  ] as const)('final %j → %s', (final, state) => {
    const r = run(attempt([final[0], final[1]], 180));
    expect(r.calls[0].state).toBe(state);
    expect(r.calls[0].finalStatus).toBe(final[0]);
  });

  it('no final response: ringing after a 180, setup after only 100, and the end of capture is not a failure', () => {
    expect(run(attempt(null, 180)).calls[0].state).toBe('ringing');
    expect(run(attempt(null, 100)).calls[0].state).toBe('setup');
    expect(run(attempt(null)).calls[0].state).toBe('setup');
  });

  it('no response within Timer B is failed; a provisional then silence for Timer C (180 s) is failed too', () => {
    expect(run(attempt(null), { advanceTo: T0 + 33 }).calls[0].state).toBe('failed');
    expect(run(attempt(null, 180), { advanceTo: T0 + 100 }).calls[0].state).toBe('ringing');
    expect(run(attempt(null, 180), { advanceTo: T0 + 181 }).calls[0].state).toBe('failed');
  });

  it('a completed call: metrics, Reason of the BYE, the caller hung up (RFC 3326)', () => {
    const r = run(basicCall());
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({
      kind: 'call',
      state: 'completed',
      callIds: ['basic-1@10.0.0.1'],
      from: 'sip:alice@example.com',
      to: 'sip:bob@example.com',
      start: T0,
      end: T0 + 12.01,
      finalStatus: 200,
      reason: 'Q.850;cause=16;text="Normal call clearing"',
      pddMs: 20,
      setupMs: 2000,
      durationMs: 9990,
      hangupBy: 'caller',
      dialogs: [0],
      transactions: [0, 1, 2],
      messages: [0, 1, 2, 3, 4, 5, 6],
      retransmissions: 0,
      endpoints: [
        { addr: '10.0.0.1:5060', label: 'AliceUA/1.0' },
        { addr: '10.0.0.2:5060', label: 'BobPhone/2.0' },
      ],
      final: true,
    });
  });

  it('the callee hanging up is hangupBy callee', () => {
    expect(run(basicCall({ hangup: 'callee' })).calls[0].hangupBy).toBe('callee');
  });

  it('the state follows the caller’s transaction, not a proxy’s forked branches', () => {
    expect(run(forkedInvite()).calls[0]).toMatchObject({ state: 'completed', pddMs: 105, setupMs: 2005 });
    expect(run(proxiedCall()).calls[0]).toMatchObject({ state: 'completed', hangupBy: 'callee' });
  });

  it('a CANCEL before the final response is cancelled, with the CANCEL’s Reason', () => {
    const r = run(cancelledCall());
    expect(r.calls[0]).toMatchObject({
      state: 'cancelled',
      finalStatus: 487,
      reason: 'Q.850;cause=19;text="No answer"',
      // The caller's 180 (through the proxy), not the callee's.
      pddMs: 55,
      setupMs: null,
      durationMs: null,
    });
    // CANCEL sent, 487 not yet captured: already cancelled.
    expect(run(cancelledCall().slice(0, 6)).calls[0].state).toBe('cancelled');
  });

  it('a 302 followed by a new INVITE (CSeq + 1) is one call whose state follows the retry', () => {
    const r = run(redirect302());
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ state: 'completed', finalStatus: 200, hangupBy: 'callee' });
    expect(run(redirect302({ follow: false })).calls[0].state).toBe('redirected');
  });

  it('the Reason of a final response is the call’s reason when there is no BYE or CANCEL', () => {
    const r = run(attempt([480, 'Temporarily Unavailable'], undefined, [['Reason', 'Q.850;cause=18']]));
    expect(r.calls[0]).toMatchObject({ state: 'rejected', reason: 'Q.850;cause=18' });
  });
});

describe('call kinds', () => {
  it('classifies by method so the UI can hide keep-alives', () => {
    expect(
      ['INVITE', 'BYE', 'PRACK', 'REGISTER', 'NOTIFY', 'PUBLISH', 'MESSAGE', 'OPTIONS', 'FOO'].map(
        kindOfMethod,
      ),
    ).toEqual([
      'call',
      'call',
      'call',
      'registration',
      'subscription',
      'subscription',
      'message',
      'options',
      'other',
    ]);
  });

  it('REGISTER challenged with 401 then 200 is one completed registration', () => {
    const r = run(registerWithChallenge());
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({
      kind: 'registration',
      state: 'completed',
      finalStatus: 200,
      dialogs: [],
    });
    expect(run(registerWithChallenge().slice(0, 2)).calls[0].state).toBe('rejected');
    expect(run(registerWithChallenge().slice(0, 3)).calls[0].state).toBe('setup');
  });

  it('an unanswered OPTIONS is an options call, failed once Timer F expires', () => {
    expect(run(optionsUnanswered()).calls[0]).toMatchObject({ kind: 'options', state: 'setup' });
    expect(run(optionsUnanswered(), { advanceTo: T0 + 40 }).calls[0]).toMatchObject({
      kind: 'options',
      state: 'failed',
    });
  });

  it('a subscription is completed by its 2xx; a transfer makes a second call with its own Call-ID', () => {
    expect(run(subscribeNotify()).calls[0]).toMatchObject({ kind: 'subscription', state: 'completed' });
    const r = run(referTransfer());
    expect(r.calls.map((c) => [c.callIds, c.state])).toEqual([
      [['xfer-1@10.0.0.1'], 'completed'],
      [['xfer-2@10.0.0.1'], 'in-call'],
    ]);
  });
});

describe('calls linked by evidence', () => {
  it.each([
    ['X-CID', 'X-CID'],
    ['Session-ID', 'Session-ID'],
    ['P-Charging-Vector', 'P-Charging-Vector icid'],
  ] as const)('B2BUA legs sharing %s are one call with the link recorded', (ev, evidence) => {
    const r = run(b2buaLegsLinkedByXcid({ evidence: ev }));
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({
      id: 0,
      callIds: ['leg-a-1@10.0.0.1', 'leg-b-1@10.0.0.20'],
      links: [{ callId: 'leg-b-1@10.0.0.20', evidence }],
      dialogs: [0, 1],
      state: 'completed',
      hangupBy: 'callee',
      messages: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    });
    // Both legs' dialogs and transactions are in the call.
    expect(r.calls[0].transactions).toHaveLength(6);
  });

  it('an X-CID naming a Call-ID seen only later links when it appears', () => {
    const msgs = b2buaLegsLinkedByXcid();
    // Leg B first (mirror delays), then leg A.
    const order = [2, 3, 5, 8, 0, 1, 4, 6, 7, 9, 10, 11, 12];
    const r = run(order.map((i) => msgs[i]));
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0].callIds).toEqual(['leg-b-1@10.0.0.20', 'leg-a-1@10.0.0.1']);
    expect(r.calls[0].links).toEqual([{ callId: 'leg-a-1@10.0.0.1', evidence: 'X-CID' }]);
  });

  it('without evidence two Call-IDs are two calls', () => {
    const a = basicCall({ n: 1 });
    const b = basicCall({ n: 2, t0: T0 + 1 });
    const r = run([...a, ...b].sort((x, y) => (x.source?.ts ?? 0) - (y.source?.ts ?? 0)));
    expect(r.calls.map((c) => c.callIds)).toEqual([['basic-1@10.0.0.1'], ['basic-2@10.0.0.1']]);
  });

  it('reads the evidence values: Session-ID uuid (RFC 7989), icid-value (RFC 7315), null uuid ignored', () => {
    expect(sessionUuid('AB0123456789abcdef0123456789abcd ; remote=00000000000000000000000000000000')).toBe(
      'ab0123456789abcdef0123456789abcd',
    );
    expect(
      sessionUuid('00000000000000000000000000000000;remote=ab0123456789abcdef0123456789abcd'),
    ).toBeNull();
    expect(icidValue('icid-value = "abc=12";icid-generated-at=192.0.2.1')).toBe('abc=12');
    expect(icidValue('orig-ioi=home1.net')).toBeNull();
    const m = parsed(
      'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nX-Call-ID: other\r\nContent-Length: 0\r\n\r\n',
    );
    expect(linkEvidence(m)).toEqual([{ evidence: 'X-Call-ID', index: 'call-id', value: 'other' }]);
  });

  it('a shared value cannot join more than maxLegs Call-IDs into one call', () => {
    const calls = [1, 2, 3].map((n) =>
      basicCall({ n, t0: T0 + n }).map((m) => {
        const text = Buffer.from(m.raw)
          .toString('latin1')
          .replace('Call-ID:', 'Session-ID: 0123456789abcdef0123456789abcdef\r\nCall-ID:');
        const c = parsed(text);
        c.source = m.source;
        return c;
      }),
    );
    const msgs = calls.flat().sort((x, y) => (x.source?.ts ?? 0) - (y.source?.ts ?? 0));
    expect(run(msgs).calls).toHaveLength(1);
    expect(run(msgs, { maxLegs: 2 }).calls.map((c) => c.callIds.length)).toEqual([2, 1]);
  });
});
