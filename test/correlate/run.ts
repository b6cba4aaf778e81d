/** Runs flows through a correlator and keeps everything the tests look at. */
import { type CallRecord, type CorrelatorOptions, createCorrelator } from '../../src/correlate/index.js';
import type { SipMessage } from '../../src/sip/message.js';

export interface RunOptions extends CorrelatorOptions {
  /** Capture time (s) to advance to after the last message, before `end()`. */
  advanceTo?: number;
  /** Skip `end()` (inspect what is still live). */
  noEnd?: boolean;
}

export function run(msgs: SipMessage[], opts: RunOptions = {}) {
  const finals: CallRecord[] = [];
  const c = createCorrelator({ ...opts, onCallFinal: (call) => finals.push(call) });
  const out = msgs.map((m, i) => c.push(m, i));
  if (opts.advanceTo !== undefined) c.advance(opts.advanceTo);
  if (!opts.noEnd) c.end();
  const snap = c.snapshot();
  return {
    c,
    out,
    finals,
    ...snap,
    /** The transaction record of message `i`. */
    txOf: (i: number) => snap.transactions[out[i].transaction],
  };
}
