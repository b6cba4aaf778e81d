/** The calls' part of the statistics view, as the memory store and the live window tally it. */
import { expect, it } from 'vitest';
import { CallTally } from '../../src/store/call-tally.js';
import type { CallJson } from '../../src/store/rows.js';

const call = (o: Partial<CallJson>): CallJson =>
  ({ kind: 'call', state: 'completed', pddMs: null, setupMs: null, durationMs: null, ...o }) as CallJson;

it('counts calls by state and kind, the ASR of INVITE calls and the timings each call has', () => {
  const t = new CallTally();
  t.add(call({ state: 'completed', pddMs: 100, setupMs: 3000, durationMs: 10_000 }));
  // Answered (RFC 3261 §13.2.2.4: the 2xx establishes the session), then failed: still answered.
  t.add(call({ state: 'failed', pddMs: 300, setupMs: 2000 }));
  t.add(call({ state: 'cancelled', pddMs: 200 }));
  t.add(call({ kind: 'registration', state: 'completed' }));
  const v = t.view();
  expect(v.callsByState).toEqual({ completed: 2, failed: 1, cancelled: 1 });
  expect(v.callsByKind).toEqual({ call: 3, registration: 1 });
  expect(v.asr).toBeCloseTo(2 / 3, 10);
  expect([v.pddMs.n, v.setupMs.n, v.durationMs.n]).toEqual([3, 2, 1]);
  expect(v.pddMs.median).toBe(200);
  expect(new CallTally().view()).toMatchObject({ asr: null, pddMs: { n: 0, bins: [] } });
});
