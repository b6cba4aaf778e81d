/**
 * session-timer.not-refreshed (RFC 4028 §7.2, §9, §10): a 2xx to INVITE or
 * UPDATE with Session-Expires starts the session timer of its dialog; a
 * re-INVITE or UPDATE answered 2xx refreshes it; without one, the side not
 * refreshing hangs up min(32 s, a third of the interval) before it runs out.
 *
 * The flow is reinviteHoldAndInfo() (test/fixtures/flows/dialog-flows.ts)
 * with Session-Expires added to its two 200s to INVITE:
 *
 *   time    10.0.0.1:5060    10.0.0.2:5060
 *   0.000         │─────INVITE────>│  #0
 *   0.050         │<─180 Ringing───│  #1
 *   1.000         │<────200 OK─────│  #2   Session-Expires: 90;refresher=uac
 *   1.010         │──────ACK──────>│  #3
 *   5.000         │─────INVITE────>│  #4   the refresh (a re-INVITE)
 *   5.050         │<────200 OK─────│  #5   Session-Expires: 90;refresher=uac
 *   5.060         │──────ACK──────>│  #6
 *   6.000         │<─────INFO──────│  #7
 *   6.010         │─────200 OK────>│  #8
 *   9.000         │<─────BYE───────│  #9   (moved later by some tests)
 *   9.010         │─────200 OK────>│  #10
 *
 * With a 90 s interval the callee may hang up 30 s (a third) before it runs
 * out: 60 s after the 200 that set it, i.e. at 61.000 after #2 and 65.050
 * after the refresh #5.
 */
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.js';
import { reinviteHoldAndInfo, T0 } from '../fixtures/flows/index.js';
import { findingsOfRule } from './correlated.js';
import { edit, later } from './flow-edit.js';

const RULE = 'session-timer.not-refreshed';

const withHeader = (line: string) => (t: string) =>
  t.replace('\r\nContent-Length', `\r\n${line}\r\nContent-Length`);

/** The flow with `se2` on #2 and `se5` on #5 (null: none), and the BYE and its 200 moved `byeLater` s later. */
function flow(se2: string | null, se5: string | null, byeLater = 0): SipMessage[] {
  let msgs = reinviteHoldAndInfo();
  if (se2 !== null) msgs = edit(msgs, 2, withHeader(se2));
  if (se5 !== null) msgs = edit(msgs, 5, withHeader(se5));
  if (byeLater !== 0) msgs = [...msgs.slice(0, 9), later(msgs[9], byeLater), later(msgs[10], byeLater)];
  return msgs;
}

describe('session-timer.not-refreshed: RFC 4028 §10 the side not refreshing ends an unrefreshed session', () => {
  it('the refresh at 5 s is the last: 60 s later with no other refresh, the session has expired (capture still running)', () => {
    const msgs = flow('Session-Expires: 90;refresher=uac', 'Session-Expires: 90;refresher=uac').slice(0, 9);
    // Not before the give-up time of the refresh (65.05 s): the first timer (61 s) was refreshed.
    expect(findingsOfRule(msgs, RULE, { advanceTo: T0 + 64 })).toEqual([]);
    const fs = findingsOfRule(msgs, RULE, { advanceTo: T0 + 66 });
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['warning', [5], 0]]);
    expect(fs[0].text).toBe(
      'the 200 OK to INVITE set Session-Expires 90 (refresher uac, 10.0.0.1:5060), and no re-INVITE or UPDATE ' +
        'refreshed the session in the 60.0 s after it (a refresh is RECOMMENDED after 45.0 s; from 60.0 s on the ' +
        'other side SHOULD end the session): the session expired',
    );
  });

  it('a BYE from the callee just before the give-up time is the timer hanging up: the finding names it', () => {
    // The last refresh is #5 at 5.05 (90 s): the BYE moved to 64.0 s is 1.05 s before its give-up time
    // 65.05, within the 2 s a UA may time the interval apart from the capture point.
    const fs = findingsOfRule(flow('x: 90;refresher=uas', 'x: 90;refresher=uas', 55), RULE);
    expect(fs.map((f) => f.messages)).toEqual([[5, 9]]);
    expect(fs[0].text).toContain('Session-Expires 90 (refresher uas, 10.0.0.2:5060)');
    expect(fs[0].text).toContain(
      'the BYE from 10.0.0.2:5060 59.0 s after it most likely ended the call on that timer',
    );
  });

  it('a refresher parameter that is absent is said so', () => {
    const fs = findingsOfRule(flow('Session-Expires: 90', null).slice(0, 4), RULE, { advanceTo: T0 + 62 });
    expect(fs.map((f) => f.messages)).toEqual([[2]]);
    expect(fs[0].text).toContain('Session-Expires 90 (no refresher parameter)');
  });

  it('does not fire for a call hung up well within the interval, even once capture time passes it', () => {
    expect(
      findingsOfRule(flow('Session-Expires: 90;refresher=uac', 'Session-Expires: 90;refresher=uac'), RULE, {
        advanceTo: T0 + 200,
      }),
    ).toEqual([]);
  });

  it('does not fire when the capture ends before the interval runs out (the refresh may still have come)', () => {
    const msgs = flow('Session-Expires: 90;refresher=uac', 'Session-Expires: 90;refresher=uac').slice(0, 9);
    expect(findingsOfRule(msgs, RULE, { advanceTo: T0 + 60 })).toEqual([]);
  });

  it('does not fire when a refresh answered without Session-Expires turned the timer off (RFC 4028 §7.2)', () => {
    expect(
      findingsOfRule(flow('Session-Expires: 90;refresher=uac', null).slice(0, 9), RULE, {
        advanceTo: T0 + 200,
      }),
    ).toEqual([]);
  });

  it('does not fire without session timers, or for a Session-Expires that is not a number', () => {
    expect(findingsOfRule(flow(null, null, 100), RULE, { advanceTo: T0 + 300 })).toEqual([]);
    expect(findingsOfRule(flow('Session-Expires: soon', null, 100), RULE, { advanceTo: T0 + 300 })).toEqual(
      [],
    );
  });
});
