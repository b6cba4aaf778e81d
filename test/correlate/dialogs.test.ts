import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  basicCall,
  cancelledCall,
  Flow,
  forkedInvite,
  nameAddr,
  prackCall,
  proxiedCall,
  type RequestSpec,
  referTransfer,
  reinviteHoldAndInfo,
  request,
  response,
  subscribeNotify,
  T0,
  via,
} from '../fixtures/flows/index.js';
import { run } from './run.js';

describe('RFC 3261 §12 dialogs', () => {
  it('a 180 with a To tag creates an early dialog, the 2xx confirms it, the BYE 2xx terminates it', () => {
    const msgs = basicCall();
    const early = run(msgs.slice(0, 3), { noEnd: true });
    expect(early.dialogs).toHaveLength(1);
    expect(early.dialogs[0]).toMatchObject({
      state: 'early',
      tags: ['a1', 'b1'],
      callerTag: 'a1',
      kind: 'invite',
    });
    expect(run(msgs.slice(0, 5), { noEnd: true }).dialogs[0].state).toBe('confirmed');
    const r = run(msgs);
    expect(r.dialogs[0]).toMatchObject({
      state: 'terminated',
      endReason: 'bye',
      createdBy: r.out[0].transaction,
      start: T0 + 0.02,
      confirmedAt: T0 + 2,
      end: T0 + 12.01,
    });
    // The 100 Trying has no To tag: not in the dialog; the INVITE that created it is.
    expect(r.dialogs[0].messages).toEqual([0, 2, 3, 4, 5, 6]);
    expect(r.out.map((o) => o.dialog)).toEqual([null, null, 0, 0, 0, 0, 0]);
  });

  it('a 100 Trying never creates a dialog (§12.1: only 101-199 and 2xx)', () => {
    const r = run(basicCall().slice(0, 2));
    expect(r.dialogs).toHaveLength(0);
  });

  it('a forked INVITE gives two early dialogs with their own To tags; one is confirmed, the other ends with its 487 (§12.3, §13.2.2.4)', () => {
    const r = run(forkedInvite());
    expect(r.dialogs.map((d) => [d.tags, d.state, d.confirmedAt !== null, d.endReason])).toEqual([
      [['b1', 'fat'], 'terminated', true, 'bye'],
      [['b2', 'fat'], 'terminated', false, 'non-2xx-final'],
    ]);
    expect(r.dialogs[1].end).toBeCloseTo(T0 + 2.02, 6);
    // Each dialog is one across both hops: the upstream 183 and the downstream one.
    expect(r.dialogs[0].messages).toEqual([0, 2, 4, 5, 8, 9, 11, 15, 16]);
    expect(r.dialogs[1].messages).toEqual([0, 3, 6, 7, 13, 14]);
  });

  it('an early dialog never confirmed ends when its INVITE transaction ends', () => {
    // Upstream, the proxy forwarded b2's 183 but only b1 answered: without the
    // downstream 487 in the capture, b2 ends with the upstream transaction (Timer L).
    const msgs = forkedInvite().filter((_, i) => ![3, 6, 10, 12, 13, 14].includes(i));
    const live = run(msgs, { noEnd: true });
    expect(live.dialogs.find((d) => d.tags[0] === 'b2')?.state).toBe('early');
    const r = run(msgs, { advanceTo: T0 + 2.005 + 32 });
    expect(r.dialogs.find((d) => d.tags[0] === 'b2')).toMatchObject({
      state: 'terminated',
      endReason: 'transaction-ended',
    });
  });

  it('the same dialog seen on two hops through a proxy is one dialog', () => {
    const r = run(proxiedCall());
    expect(r.dialogs).toHaveLength(1);
    expect(r.dialogs[0].messages).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(r.dialogs[0].endReason).toBe('bye');
  });

  it('a caller CANCEL ends the early dialog with the 487; CANCEL and its 200 stay out of it', () => {
    const r = run(cancelledCall());
    expect(r.dialogs).toHaveLength(1);
    expect(r.dialogs[0]).toMatchObject({
      state: 'terminated',
      endReason: 'non-2xx-final',
      confirmedAt: null,
    });
    expect(r.dialogs[0].messages).toEqual([0, 2, 3, 4, 9, 10, 11, 12]);
    expect(r.calls[0].unknownDialogRequests).toEqual([]);
  });

  it('a re-INVITE and an INFO belong to the dialog; a re-INVITE is not a new call', () => {
    const r = run(reinviteHoldAndInfo());
    expect(r.dialogs).toHaveLength(1);
    expect(r.calls).toHaveLength(1);
    expect(r.dialogs[0].messages).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.txOf(4)).toMatchObject({ kind: 'invite', inDialog: true, finalStatus: 200 });
  });

  it('a PRACK is a transaction of the early dialog (RFC 3262)', () => {
    const r = run(prackCall());
    expect(r.out[3].dialog).toBe(0);
    expect(r.dialogs[0].messages).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('REFER and its NOTIFYs share the INVITE dialog; "Subscription-State: terminated" does not end the call', () => {
    const r = run(referTransfer());
    const first = r.dialogs.find((d) => d.callId === 'xfer-1@10.0.0.1');
    expect(first).toMatchObject({ kind: 'invite', state: 'terminated', endReason: 'bye', end: T0 + 6.05 });
    expect(first?.messages).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14]);
    expect(r.dialogs).toHaveLength(2);
  });

  it('a NOTIFY that overtakes the 202 creates the subscription dialog; a terminated NOTIFY ends it (RFC 6665)', () => {
    const r = run(subscribeNotify());
    expect(r.dialogs).toHaveLength(1);
    expect(r.dialogs[0]).toMatchObject({
      kind: 'subscribe',
      tags: ['sa', 'sb'],
      callerTag: 'sa',
      start: T0 + 0.01,
      state: 'terminated',
      endReason: 'notify-terminated',
    });
    expect(r.dialogs[0].messages).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.calls[0].unknownDialogRequests).toEqual([]);
  });

  it('an in-dialog request whose tags match no dialog is recorded for later rules; a 481 to it ends nothing', () => {
    const f = new Flow();
    const bye: RequestSpec = {
      method: 'BYE',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKstray')],
      from: nameAddr('sip:alice@example.com', 'x'),
      to: nameAddr('sip:bob@example.com', 'y'),
      callId: 'stray',
      cseq: 2,
    };
    f.add(0, ALICE, BOB, request(bye));
    f.add(0.01, BOB, ALICE, response(bye, 481, 'Call/Transaction Does Not Exist'));
    const r = run(f.messages);
    expect(r.dialogs).toHaveLength(0);
    expect(r.calls[0].unknownDialogRequests).toEqual([0]);
  });

  it('a 481 to an in-dialog request terminates the dialog (§12.2.1.2)', () => {
    const msgs = basicCall().slice(0, 5);
    const f = new Flow();
    const info: RequestSpec = {
      method: 'INFO',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, 'z9hG4bKinfo')],
      from: nameAddr('sip:alice@example.com', 'a1', 'Alice'),
      to: nameAddr('sip:bob@example.com', 'b1'),
      callId: 'basic-1@10.0.0.1',
      cseq: 2,
    };
    f.add(3, ALICE, BOB, request(info));
    f.add(3.01, BOB, ALICE, response(info, 481, 'Call/Transaction Does Not Exist'));
    const r = run([...msgs, ...f.messages]);
    expect(r.dialogs[0]).toMatchObject({ state: 'terminated', endReason: '481' });
  });

  it('an unanswered BYE ends the dialog when Timer F expires (§15.1.1)', () => {
    const msgs = basicCall().slice(0, 6);
    expect(run(msgs, { noEnd: true }).dialogs[0].state).toBe('confirmed');
    const r = run(msgs, { advanceTo: T0 + 12 + 33 });
    expect(r.dialogs[0]).toMatchObject({ state: 'terminated', endReason: 'bye-timeout' });
  });
});
