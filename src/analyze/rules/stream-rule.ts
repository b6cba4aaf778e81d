/**
 * What the RTP stream rules (media.*) share: each is called when a stream
 * ends and judges its record alone; its finding goes on the message whose
 * SDP announced the stream's address, in that message's call.
 */
import type { RtpStreamRecord } from '../../media/media-tracker.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule, RuleBase } from '../rule.js';

/** A media rule: `judge` gives the finding's text for a stream, or null when it has nothing to say. */
export function streamRule(base: RuleBase, judge: (s: RtpStreamRecord) => string | null): CorrelatedRule {
  return {
    ...base,
    scope: 'correlated',
    on: ['stream'],
    check(model) {
      const ev = model.event;
      if (ev.kind !== 'stream') return NONE;
      const text = judge(ev.record);
      return text === null ? NONE : [{ text, messages: [ev.record.setup], call: ev.call }];
    },
  };
}
